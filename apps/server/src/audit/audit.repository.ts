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

  /** The newest events of these types, archived or not, for branch-less events and these branches; before `beforeSeq` when given. */
  async recent(db: Db | Tx, q: { tenantId: string; types: readonly string[]; branchIds: readonly string[]; beforeSeq?: bigint; limit: number }): Promise<AuditRow[]> {
    const where: EventWhere = {
      tenantId: q.tenantId,
      type: { in: [...q.types] },
      OR: [{ branchId: null }, { branchId: { in: [...q.branchIds] } }],
      ...(q.beforeSeq !== undefined ? { seq: { lt: q.beforeSeq } } : {}),
    };
    const query = { where, select: eventSelect, orderBy: { seq: 'desc' }, take: q.limit } as const;
    const live = await db.event.findMany(query);
    const archived = live.length < q.limit ? await db.eventArchive.findMany(query) : [];
    return [...live, ...archived].sort((a, b) => (a.seq > b.seq ? -1 : a.seq < b.seq ? 1 : 0)).slice(0, q.limit);
  }

  /** Names of the tenant's branches, resources, services, products, session templates and staff among `ids`. */
  async names(db: Db | Tx, tenantId: string, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await db.$queryRaw<{ id: string; name: string }[]>`
      SELECT id::text, name FROM branch WHERE tenant_id = ${tenantId}::uuid AND id = ANY (${ids}::uuid[])
      UNION ALL SELECT id::text, name FROM resource WHERE tenant_id = ${tenantId}::uuid AND id = ANY (${ids}::uuid[])
      UNION ALL SELECT id::text, name FROM service WHERE tenant_id = ${tenantId}::uuid AND id = ANY (${ids}::uuid[])
      UNION ALL SELECT id::text, name FROM product WHERE tenant_id = ${tenantId}::uuid AND id = ANY (${ids}::uuid[])
      UNION ALL SELECT id::text, name FROM session_template WHERE tenant_id = ${tenantId}::uuid AND id = ANY (${ids}::uuid[])
      UNION ALL SELECT id::text, name FROM staff WHERE tenant_id = ${tenantId}::uuid AND id = ANY (${ids}::uuid[])`;
    return new Map(rows.map((r) => [r.id, r.name]));
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
