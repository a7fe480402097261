import type { AppointmentView, MessageKind } from '@frontdesk/shared';
import { Prisma } from '../db/prisma.js';
import type { Tx } from '../db/tx.js';
import type { AnyNewEvent } from '../sync/append.js';
import { recipientOf, writeMessages } from './enqueue.js';
import type { NewMessage } from './messages.repository.js';
import { immediateSendAt, reminderSendAt, type QuietHours } from './timing.js';

// The appointment's messages follow its events, inside the transaction that
// appends them (sync/append.ts calls this for the types below only), so desk,
// series, FHIR and setup-driven changes all schedule alike: booked →
// confirmation and reminders; moved → the old ones dropped, a change message
// and new reminders; cancelled → the queued ones dropped and, when the patient
// had been told of it, a cancellation.

/** Event types that schedule or drop messages; appendEvents looks only these up. */
export const MESSAGE_TRIGGERS: ReadonlySet<string> = new Set(['appointment.booked', 'appointment.moved', 'appointment.cancelled']);

type Change = { kind: 'booked' | 'moved' | 'cancelled'; appointment: AppointmentView; tenantId: string };

interface Plan {
  enabled: MessageKind[];
  reminderHours: number[];
  quietStartMin: number | null;
  quietEndMin: number | null;
  patients: { id: string; email: string | null; phone: string | null; preferred: string }[];
  branches: { id: string; zone: string }[];
  /** Appointments whose patient has heard of them (a cancellation is sent only then). */
  told: string[] | null;
}

/**
 * `alongside`: statements of the same change (appendEvents's inserts) sent in
 * the same round trip as the read, as its CTEs; they run whatever is scheduled.
 */
export async function scheduleMessages(tx: Tx, events: readonly AnyNewEvent[], now = new Date(), alongside: readonly Prisma.Sql[] = []): Promise<void> {
  const changes: Change[] = [];
  for (const e of events) {
    if (!MESSAGE_TRIGGERS.has(e.type)) continue;
    const appointment = (e.payload as { appointment: AppointmentView }).appointment;
    const kind = e.type === 'appointment.booked' ? 'booked' : e.type === 'appointment.moved' ? 'moved' : 'cancelled';
    // A hold moved or let go was never an appointment the patient heard of.
    if (kind !== 'cancelled' && appointment.status !== 'BOOKED') continue;
    changes.push({ kind, appointment, tenantId: e.tenantId });
  }
  const tenants = [...new Set(changes.map((c) => c.tenantId))];
  const along = alongside.map((statement, i) => Prisma.sql`${Prisma.raw(`alongside${i}`)} AS (${statement})`);
  if (tenants.length === 1) {
    // The usual case, one tenant: the inserts and the read in one statement.
    const query = planQuery(tenants[0]!, changes);
    const rows = await tx.$queryRaw<Plan[]>`${withClause([...along, ...query.ctes])}${query.select}`;
    return applyPlan(tx, tenants[0]!, changes, rows, now);
  }
  if (along.length > 0) await tx.$executeRaw`WITH ${Prisma.join(along)} SELECT 1`;
  for (const tenantId of tenants) {
    const mine = changes.filter((c) => c.tenantId === tenantId);
    const query = planQuery(tenantId, mine);
    const rows = await tx.$queryRaw<Plan[]>`${withClause(query.ctes)}${query.select}`;
    await applyPlan(tx, tenantId, mine, rows, now);
  }
}

const withClause = (ctes: readonly Prisma.Sql[]): Prisma.Sql => (ctes.length ? Prisma.sql`WITH ${Prisma.join(ctes)} ` : Prisma.empty);

/** What a tenant's new messages need (nothing when messages are off), with the drop of what a move or cancel superseded as a CTE. */
function planQuery(tenantId: string, changes: readonly Change[]): { ctes: Prisma.Sql[]; select: Prisma.Sql } {
  const superseding = changes.filter((c) => c.kind !== 'booked');
  const patientIds = [...new Set(changes.flatMap((c) => (c.appointment.patient ? [c.appointment.patient.id] : [])))];
  const branchIds = [...new Set(changes.map((c) => c.appointment.branchId))];
  const supersededIds = superseding.map((c) => c.appointment.id);
  const drop = (): Prisma.Sql => Prisma.sql`dropped AS (
        UPDATE message m SET state = 'cancelled', updated_at = now()
          FROM (VALUES ${Prisma.join(superseding.map((c) => Prisma.sql`(${c.appointment.id}::uuid, ${c.appointment.version}::int)`))}) v (id, version)
         WHERE m.tenant_id = ${tenantId}::uuid AND m.appointment_id = v.id AND m.state = 'queued' AND m.version < v.version
        RETURNING m.appointment_id)`;
  const select = Prisma.sql`
    SELECT s.enabled, s.reminder_hours AS "reminderHours", s.quiet_start_min AS "quietStartMin", s.quiet_end_min AS "quietEndMin",
      COALESCE((SELECT json_agg(json_build_object('id', p.id, 'email', p.email, 'phone', p.phone, 'preferred', p.preferred_contact))
                  FROM patient p WHERE p.tenant_id = s.tenant_id AND p.id = ANY(${patientIds}::uuid[]) AND p.consent_to_messages), '[]') AS patients,
      COALESCE((SELECT json_agg(json_build_object('id', b.id, 'zone', b.time_zone)) FROM branch b WHERE b.tenant_id = s.tenant_id AND b.id = ANY(${branchIds}::uuid[])), '[]') AS branches,
      (SELECT array_agg(DISTINCT x.appointment_id::text) FROM message x WHERE x.tenant_id = s.tenant_id AND x.appointment_id = ANY(${supersededIds}::uuid[])) AS told
      FROM message_settings s WHERE s.tenant_id = ${tenantId}::uuid AND cardinality(s.enabled) > 0`;
  return { ctes: superseding.length ? [drop()] : [], select };
}

async function applyPlan(tx: Tx, tenantId: string, changes: readonly Change[], rows: readonly Plan[], now: Date): Promise<void> {
  const plan = rows[0];
  if (!plan) return;
  const enabled = new Set(plan.enabled);
  const quiet: QuietHours | null = plan.quietStartMin !== null && plan.quietEndMin !== null ? { startMin: plan.quietStartMin, endMin: plan.quietEndMin } : null;
  const patients = new Map(plan.patients.map((p) => [p.id, p]));
  const zones = new Map(plan.branches.map((b) => [b.id, b.zone]));
  const told = new Set(plan.told ?? []);
  const messages: NewMessage[] = [];
  for (const { kind, appointment: a } of changes) {
    const patient = a.patient ? patients.get(a.patient.id) : undefined;
    const to = patient ? recipientOf({ consent: true, email: patient.email, phone: patient.phone, preferred: patient.preferred }) : null;
    const zone = zones.get(a.branchId);
    if (!patient || !to || !zone) continue;
    const base = { tenantId, appointmentId: a.id, patientId: patient.id, branchId: a.branchId, version: a.version, ...to };
    const first = kind === 'booked' ? 'confirmation' : kind === 'moved' ? 'change' : 'cancellation';
    if (enabled.has(first) && (kind !== 'cancelled' || told.has(a.id))) {
      messages.push({ ...base, kind: first, sendAt: new Date(immediateSendAt(now.getTime(), quiet, zone)) });
    }
    if (kind === 'cancelled' || !enabled.has('reminder')) continue;
    for (const hours of plan.reminderHours) {
      const at = reminderSendAt(Date.parse(a.startsAt), hours, now.getTime(), quiet, zone);
      if (at !== null) messages.push({ ...base, kind: `reminder_${hours}h`, sendAt: new Date(at) });
    }
  }
  await writeMessages(tx, messages);
}

/** What another feature asks to send (the waitlist's offer of a freed time). */
export interface EnqueueRequest {
  tenantId: string;
  kind: MessageKind;
  patientId: string;
  /** The appointment (or hold) it is about: its time, service and people fill the template. */
  appointmentId: string | null;
  branchId: string | null;
  /** With the appointment and kind, makes the message unique: the same request twice sends once. */
  version: number;
  /** Not before this instant (default: now, after quiet hours). */
  sendAt?: Date;
  /** Extra words for the template, beside the appointment's. */
  vars?: Record<string, string>;
}

/**
 * Queues one message in the caller's transaction, when the clinic sends this kind and the patient consents;
 * returns its id, or null when nothing is sent (turned off, no consent or address, or already queued).
 */
export async function enqueue(tx: Tx, request: EnqueueRequest, now = new Date()): Promise<string | null> {
  const rows = await tx.$queryRaw<{ quietStartMin: number | null; quietEndMin: number | null; email: string | null; phone: string | null; preferred: string; zone: string | null }[]>`
    SELECT s.quiet_start_min AS "quietStartMin", s.quiet_end_min AS "quietEndMin", p.email, p.phone, p.preferred_contact AS preferred,
           (SELECT b.time_zone FROM branch b WHERE b.tenant_id = s.tenant_id AND b.id = ${request.branchId}::uuid) AS zone
      FROM message_settings s JOIN patient p ON p.tenant_id = s.tenant_id AND p.id = ${request.patientId}::uuid AND p.consent_to_messages
     WHERE s.tenant_id = ${request.tenantId}::uuid AND ${request.kind} = ANY(s.enabled)`;
  const row = rows[0];
  const to = row ? recipientOf({ consent: true, email: row.email, phone: row.phone, preferred: row.preferred }) : null;
  if (!row || !to) return null;
  const quiet = row.quietStartMin !== null && row.quietEndMin !== null ? { startMin: row.quietStartMin, endMin: row.quietEndMin } : null;
  const sendAt = request.sendAt ?? new Date(row.zone ? immediateSendAt(now.getTime(), quiet, row.zone) : now.getTime());
  const [written] = await writeMessages(tx, [{ ...request, ...to, sendAt }]);
  return written?.id ?? null;
}
