import type { AffectedAppointment } from '@frontdesk/shared';
import type { Tx } from '../db/tx.js';

// The reads and writes of settling appointments a setup change affects. The
// schedule rule itself (hours, exceptions, time off) lives in the database
// (frontdesk_schedule_allows, frontdesk_time_off_over; migrations hours_guard*),
// so this search and the booking guard can never disagree.

export interface AffectedQuery {
  tenantId: string;
  branchIds: readonly string[] | null;
  resourceIds: readonly string[] | null;
  serviceIds: readonly string[] | null;
  from: Date;
  to: Date | null;
  now: Date;
}

export type AffectedRow = Omit<AffectedAppointment, 'alternatives'> & {
  patientId: string | null;
  serviceId: string;
  /** Its practitioners (kept by a move when the rest can be swapped). */
  practitionerIds: string[];
};

export class AffectedRepository {
  /**
   * Takes the schedule keys of these resources and branches exclusively, in
   * a fixed order: a booking in flight on them finishes first (and is then
   * found), and one that comes later waits and sees this change.
   */
  async lockSchedules(tx: Tx, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const sorted = [...new Set(ids.map((id) => id.toLowerCase()))].sort();
    await tx.$queryRaw`
      SELECT count(pg_advisory_xact_lock(frontdesk_schedule_key(k.id))) AS locked
        FROM (SELECT id FROM unnest(${sorted}::uuid[]) WITH ORDINALITY AS u(id, n) ORDER BY n) k`;
  }

  /**
   * Live appointments in scope that the schedule no longer allows, earliest
   * first, each with every reason in plain words. Kept ones are skipped.
   */
  async find(tx: Tx, q: AffectedQuery): Promise<AffectedRow[]> {
    const branchIds = q.branchIds ? [...q.branchIds] : null;
    const resourceIds = q.resourceIds ? [...q.resourceIds] : null;
    const serviceIds = q.serviceIds ? [...q.serviceIds] : null;
    const rows = await tx.$queryRaw<(Omit<AffectedRow, 'startsAt' | 'endsAt'> & { startsAt: Date; endsAt: Date })[]>`
      WITH candidate AS (
        SELECT a.*
          FROM appointment a
         WHERE a.tenant_id = ${q.tenantId}::uuid
           AND a.status IN ('HELD', 'BOOKED', 'CHECKED_IN', 'IN_CONSULTATION')
           AND NOT (a.status = 'HELD' AND a.hold_expires_at <= ${q.now})
           AND NOT a.kept_outside_hours
           AND a.ends_at > ${q.from}
           AND (${q.to}::timestamptz IS NULL OR a.starts_at < ${q.to}::timestamptz)
           AND (${branchIds}::uuid[] IS NULL OR a.branch_id = ANY (${branchIds}::uuid[]))
           AND (${serviceIds}::uuid[] IS NULL OR a.service_id = ANY (${serviceIds}::uuid[]))
           AND (${resourceIds}::uuid[] IS NULL OR EXISTS (
                 SELECT 1 FROM appointment_resource x
                  WHERE x.tenant_id = a.tenant_id AND x.appointment_id = a.id AND x.resource_id = ANY (${resourceIds}::uuid[])))
      ), checked AS (
        SELECT c.id, r.name AS resource_name, r.id AS resource_id, r.kind AS resource_kind,
               CASE
                 WHEN NOT b.active THEN format('%s is closed for booking', b.name)
                 WHEN NOT s.active THEN format('%s is no longer offered', s.name)
                 WHEN NOT r.active THEN format('%s is no longer active', r.name)
                 WHEN NOT EXISTS (SELECT 1 FROM resource_branch rb
                                   WHERE rb.tenant_id = c.tenant_id AND rb.resource_id = r.id AND rb.branch_id = c.branch_id)
                   THEN format('%s no longer works at %s', r.name, b.name)
                 WHEN r.kind = 'PRACTITIONER'
                      AND EXISTS (SELECT 1 FROM service_practitioner sp WHERE sp.tenant_id = c.tenant_id AND sp.service_id = c.service_id)
                      AND NOT EXISTS (SELECT 1 FROM service_practitioner sp
                                       WHERE sp.tenant_id = c.tenant_id AND sp.service_id = c.service_id AND sp.resource_id = r.id)
                   THEN format('%s no longer offers %s', r.name, s.name)
                 WHEN t.id IS NOT NULL
                   THEN CASE WHEN t.resource_id IS NULL
                             THEN format('%s is closed then (%s)', b.name, coalesce(nullif(t.reason, ''), lower(t.kind::text)))
                             ELSE format('%s is off then (%s)', r.name, coalesce(nullif(t.reason, ''), lower(t.kind::text))) END
                 -- Time off was named above: what is left is the hours (the quick check for most rows, the full one otherwise).
                 WHEN NOT frontdesk_schedule_allows(c.tenant_id, r.id, c.branch_id, ar.starts_at, ar.ends_at)
                   THEN format('%s does not work at %s on %s any more', r.name,
                               to_char(ar.starts_at AT TIME ZONE b.time_zone, 'HH24:MI'),
                               trim(to_char(ar.starts_at AT TIME ZONE b.time_zone, 'Day')))
               END AS reason
          FROM candidate c
          JOIN appointment_resource ar ON ar.tenant_id = c.tenant_id AND ar.appointment_id = c.id
          JOIN resource r ON r.tenant_id = ar.tenant_id AND r.id = ar.resource_id
          JOIN branch b ON b.tenant_id = c.tenant_id AND b.id = c.branch_id
          JOIN service s ON s.tenant_id = c.tenant_id AND s.id = c.service_id
          LEFT JOIN LATERAL (SELECT frontdesk_time_off_over(c.tenant_id, r.id, c.branch_id, ar.starts_at, ar.ends_at) AS id) o ON true
          LEFT JOIN time_off t ON t.tenant_id = c.tenant_id AND t.id = o.id
      )
      SELECT c.id, c.version, c.branch_id AS "branchId", c.status::text AS status, c.starts_at AS "startsAt", c.ends_at AS "endsAt",
             c.service_id AS "serviceId", s.name AS "serviceName", p.id AS "patientId", p.name AS "patientName",
             coalesce(array_agg(k.resource_id::text ORDER BY k.resource_id) FILTER (WHERE k.resource_kind = 'PRACTITIONER'), '{}') AS "practitionerIds",
             array_agg(k.resource_name ORDER BY k.resource_name) AS "resourceNames",
             string_agg(DISTINCT k.reason, '; ') AS reason,
             CASE WHEN c.series_id IS NULL THEN NULL
                  ELSE format('%s of %s', c.series_index, (SELECT sr.occurrence_count FROM series sr WHERE sr.tenant_id = c.tenant_id AND sr.id = c.series_id)) END AS "seriesLabel"
        FROM candidate c
        JOIN checked k ON k.id = c.id
        JOIN service s ON s.tenant_id = c.tenant_id AND s.id = c.service_id
        LEFT JOIN patient p ON p.tenant_id = c.tenant_id AND p.id = c.patient_id
       GROUP BY c.id, c.version, c.branch_id, c.status, c.starts_at, c.ends_at, c.service_id, s.name, p.id, p.name, c.tenant_id, c.series_id, c.series_index
      HAVING bool_or(k.reason IS NOT NULL)
       ORDER BY c.starts_at, c.id`;
    return rows.map((r) => ({ ...r, startsAt: r.startsAt.toISOString(), endsAt: r.endsAt.toISOString() }));
  }

  /** Marks an appointment as kept where it is; false when it is no longer live. */
  async keep(tx: Tx, tenantId: string, appointmentId: string): Promise<boolean> {
    const count = await tx.$executeRaw`
      UPDATE appointment SET kept_outside_hours = true, version = version + 1, updated_at = now()
       WHERE tenant_id = ${tenantId}::uuid AND id = ${appointmentId}::uuid AND status IN ('HELD', 'BOOKED', 'CHECKED_IN', 'IN_CONSULTATION')`;
    return count === 1;
  }

  /** Locks the appointments' rows, so nobody changes them while they are settled. */
  async lockAppointments(tx: Tx, tenantId: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await tx.$queryRaw`
      SELECT id FROM appointment WHERE tenant_id = ${tenantId}::uuid AND id = ANY (${[...ids]}::uuid[]) ORDER BY id FOR UPDATE`;
  }

  /** Lets go of a live hold (RELEASED, as a desk's release does); false when it is no longer live. */
  async release(tx: Tx, tenantId: string, appointmentId: string): Promise<boolean> {
    const count = await tx.$executeRaw`
      UPDATE appointment SET status = 'RELEASED', hold_expires_at = NULL, version = version + 1, updated_at = now()
       WHERE tenant_id = ${tenantId}::uuid AND id = ${appointmentId}::uuid AND status = 'HELD'`;
    return count === 1;
  }

  /**
   * Cancels a live appointment with a reason; false when it is no longer live.
   * The clinic's change cancelled it, so it is coded "clinic rescheduled" and never counted as the patient's late cancellation.
   */
  async cancel(tx: Tx, tenantId: string, appointmentId: string, reason: string, from: readonly string[]): Promise<boolean> {
    const count = await tx.$executeRaw`
      UPDATE appointment SET status = 'CANCELLED', cancel_reason = ${reason}, cancel_reason_code = 'CLINIC_RESCHEDULED', cancelled_late = false,
             hold_expires_at = NULL, version = version + 1, updated_at = now()
       WHERE tenant_id = ${tenantId}::uuid AND id = ${appointmentId}::uuid AND status::text = ANY (${[...from]}::text[])`;
    return count === 1;
  }
}
