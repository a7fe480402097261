import type { AuditEntry, StaffRole } from '@frontdesk/shared';
import { assertBranch, type Actor } from '../auth/scope.js';
import { notFound } from '../errors.js';
import type { Prisma } from '../db/prisma.js';
import { inTransaction, type Db, type Tx } from '../db/tx.js';

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

type EventRow = Prisma.EventGetPayload<{ select: typeof eventSelect }>;
type EventWhere = Prisma.EventWhereInput & Prisma.EventArchiveWhereInput;

/** The oldest events matching `where`, archived or not, in log order. */
async function trail(tx: Tx, where: EventWhere): Promise<EventRow[]> {
  const query = { where, select: eventSelect, orderBy: { seq: 'asc' }, take: AUDIT_LIMIT } as const;
  const archived = await tx.eventArchive.findMany(query);
  const live = await tx.event.findMany(query);
  return [...archived, ...live].sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0)).slice(0, AUDIT_LIMIT);
}

const WORDS: Record<string, string> = {
  'appointment.held': 'Held',
  'appointment.hold_extended': 'Extended the hold on',
  'appointment.booked': 'Booked',
  'appointment.released': 'Released the hold on',
  'appointment.expired': 'Hold expired on',
  'appointment.moved': 'Moved',
  'appointment.cancelled': 'Cancelled',
  'appointment.checked_in': 'Checked in',
  'appointment.no_show': 'Marked as no-show',
};

/** One line a person can read, from an event's type and payload. */
export function summarize(type: string, payload: unknown): string {
  const p = (payload ?? {}) as Partial<Record<string, unknown>>;
  const appointment = p.appointment as { serviceName?: string; startsAt?: string } | undefined;
  if (WORDS[type]) {
    const what = appointment?.serviceName ?? 'appointment';
    const from = type === 'appointment.moved' ? (p.from as { startsAt?: string } | undefined)?.startsAt : undefined;
    return `${WORDS[type]} ${what}${from ? ` from ${from}` : ''}${appointment?.startsAt ? ` at ${appointment.startsAt}` : ''}`;
  }
  switch (type) {
    case 'token.issued':
      return `Issued token ${(p.token as { number?: number } | undefined)?.number ?? ''}`.trim();
    case 'patient.viewed':
      return "Viewed the patient's record";
    case 'patient.created':
      return 'Created the patient record';
    case 'staff.changed':
      return `Staff account ${String(p.change ?? 'changed')}`;
    case 'staff.signed_out':
      return p.everywhere ? 'Signed out on every desk' : 'Signed out';
    default:
      return type;
  }
}

/** The event log, per appointment and per patient, with who did what from which desk. */
export class AuditService {
  constructor(private readonly db: Db) {}

  appointment(actor: Actor, appointmentId: string): Promise<AuditEntry[]> {
    return this.inTenant(actor, async (tx) => {
      const appointment = await tx.appointment.findFirst({ where: { id: appointmentId, tenantId: actor.tenantId }, select: { branchId: true } });
      if (!appointment) throw notFound('appointment');
      assertBranch(actor, appointment.branchId);
      const events = await trail(tx, { tenantId: actor.tenantId, aggregateId: appointmentId });
      return this.entries(tx, actor, events);
    });
  }

  /** A patient's trail across the actor's branches (and tenant-wide events such as record reads). */
  patient(actor: Actor, patientId: string): Promise<AuditEntry[]> {
    return this.inTenant(actor, async (tx) => {
      const patient = await tx.patient.findFirst({ where: { id: patientId, tenantId: actor.tenantId }, select: { id: true } });
      if (!patient) throw notFound('patient');
      const events = await trail(tx, { tenantId: actor.tenantId, patientId, OR: [{ branchId: null }, { branchId: { in: [...actor.branchIds] } }] });
      return this.entries(tx, actor, events);
    });
  }

  private inTenant<T>(actor: Actor, work: (tx: Tx) => Promise<T>): Promise<T> {
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      return work(tx);
    });
  }

  private async entries(tx: Tx, actor: Actor, events: EventRow[]): Promise<AuditEntry[]> {
    const actorIds = [...new Set(events.map((e) => e.actorId).filter((id): id is string => id !== null))];
    const staff = await tx.staff.findMany({ where: { tenantId: actor.tenantId, id: { in: actorIds } }, select: { id: true, name: true, role: true } });
    const byId = new Map<string, { id: string; name: string; role: StaffRole }>(staff.map((s) => [s.id, s]));
    return events.map((e) => ({
      seq: e.seq.toString(),
      at: e.createdAt.toISOString(),
      type: e.type,
      summary: summarize(e.type, e.payload),
      desk: e.desk,
      actor: e.actorId ? (byId.get(e.actorId) ?? null) : null,
      branchId: e.branchId,
    }));
  }
}
