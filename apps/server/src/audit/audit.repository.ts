import type { StaffRole } from '@frontdesk/shared';
import type { Prisma } from '../db/prisma.js';
import type { Db, Tx } from '../db/tx.js';

const AUDIT_LIMIT = 1000;

// The same columns of the log and of its archive (events past the retention age, sync/retention.ts).
const eventSelect = {
  seq: true,
  createdAt: true,
  type: true,
  payload: true,
  desk: true,
  actorId: true,
  branchId: true,
} satisfies Prisma.EventSelect & Prisma.EventArchiveSelect;

export type AuditRow = Prisma.EventGetPayload<{ select: typeof eventSelect }>;
type EventWhere = Prisma.EventWhereInput & Prisma.EventArchiveWhereInput;

// Reads of the audit trail. Receives the client (or the transaction) as an argument.
export class AuditRepository {
  /** The oldest events matching `where`, archived or not, in log order. */
  async trail(db: Db | Tx, where: EventWhere): Promise<AuditRow[]> {
    const query = { where, select: eventSelect, orderBy: { seq: 'asc' }, take: AUDIT_LIMIT } as const;
    const archived = await db.eventArchive.findMany(query);
    const live = await db.event.findMany(query);
    return [...archived, ...live].sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0)).slice(0, AUDIT_LIMIT);
  }

  appointmentBranch(db: Db | Tx, tenantId: string, appointmentId: string): Promise<{ branchId: string } | null> {
    return db.appointment.findFirst({ where: { id: appointmentId, tenantId }, select: { branchId: true } });
  }

  async patientExists(db: Db | Tx, tenantId: string, patientId: string): Promise<boolean> {
    return (await db.patient.findFirst({ where: { id: patientId, tenantId }, select: { id: true } })) !== null;
  }

  staffByIds(db: Db | Tx, tenantId: string, ids: readonly string[]): Promise<{ id: string; name: string; role: StaffRole }[]> {
    return db.staff.findMany({ where: { tenantId, id: { in: [...ids] } }, select: { id: true, name: true, role: true } });
  }
}
