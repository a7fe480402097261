import type { Db, Tx } from '../db/tx.js';
import type { AppointmentView, CapacitySessionView, ResourceKind, TimeOffView, WeeklyHours } from '@frontdesk/shared';
import { APPOINTMENT_VIEW_FROM, appointmentViewJson } from '../views/appointment.js';
import { sessionViewJson } from '../views/session.js';
import { timeOffViewJson } from '../views/time-off.js';

// Reads for the day sheet: a branch's resources with their hours, and
// everything that touches its local day.

/** The day sheet's rows, as `day` reads them. */
export interface DayRows {
  resources: { id: string; kind: ResourceKind; name: string; tags: string[]; colour: string; hours: WeeklyHours[]; hourExceptions: { startMinute: number; endMinute: number }[] }[];
  appointments: AppointmentView[];
  timeOff: TimeOffView[];
  sessions: CapacitySessionView[];
}

export class DaySheetRepository {
  /** A branch of the tenant, with the log position now (read before the rest of a view, in the same statement). */
  async branch(db: Db | Tx, tenantId: string, branchId: string): Promise<{ id: string; name: string; timeZone: string; headSeq: string } | null> {
    const rows = await db.$queryRaw<{ id: string; name: string; timeZone: string; headSeq: string }[]>`
      SELECT b.id, b.name, b.time_zone AS "timeZone",
             (SELECT coalesce(max(seq), 0)::text FROM "event" WHERE tenant_id = ${tenantId}::uuid) AS "headSeq"
        FROM branch b WHERE b.tenant_id = ${tenantId}::uuid AND b.id = ${branchId}::uuid`;
    return rows[0] ?? null;
  }

  /**
   * Everything at the branch that touches [from, to), the local day `date` (YYYY-MM-DD), in one statement
   * built by Postgres as one JSON document: the branch's active resources with their weekly hours there and
   * their exceptions on `date`; the appointments as the desk sees them (AppointmentView, views/appointment.ts;
   * given `now`, a hold past its deadline reads EXPIRED); time off of the whole branch or of one of its
   * resources; walk-in sessions. One round trip instead of seven, and no row objects or dates in Node, which
   * at a busy branch were most of the day sheet's time.
   */
  async day(db: Db | Tx, tenantId: string, branchId: string, date: string, from: Date, to: Date, now: Date): Promise<DayRows> {
    // An appointment lasts at most 12 hours (appointment_range_check): the (branch_id, starts_at) index then reads the day, not the branch's past.
    const since = new Date(from.getTime() - 12 * 3_600_000);
    const rows = await db.$queryRaw<{ doc: string }[]>`
      WITH here AS MATERIALIZED (
        SELECT r.id, r.tenant_id, r.kind, r.name, r.tags, r.colour FROM resource r
         WHERE r.tenant_id = ${tenantId}::uuid AND r.active
           AND EXISTS (SELECT 1 FROM resource_branch rb WHERE rb.tenant_id = r.tenant_id AND rb.resource_id = r.id AND rb.branch_id = ${branchId}::uuid))
      SELECT json_build_object(
        'resources', coalesce((
          SELECT json_agg(json_build_object('id', r.id, 'kind', r.kind, 'name', r.name, 'tags', r.tags, 'colour', r.colour,
            'hours', coalesce((SELECT json_agg(json_build_object('weekday', h.weekday, 'startMinute', h.start_minute, 'endMinute', h.end_minute) ORDER BY h.weekday, h.start_minute)
                                 FROM working_hours h WHERE h.tenant_id = r.tenant_id AND h.resource_id = r.id AND h.branch_id = ${branchId}::uuid), '[]'),
            'hourExceptions', coalesce((SELECT json_agg(json_build_object('startMinute', e.start_minute, 'endMinute', e.end_minute) ORDER BY e.start_minute)
                                          FROM working_hours_exception e WHERE e.tenant_id = r.tenant_id AND e.resource_id = r.id AND e.branch_id = ${branchId}::uuid AND e.date = ${date}::date), '[]')
          ) ORDER BY r.kind, r.name, r.id) FROM here r), '[]'),
        'appointments', coalesce((
          SELECT json_agg(${appointmentViewJson(now)} ORDER BY a.starts_at, a.id)
            FROM ${APPOINTMENT_VIEW_FROM}
           WHERE a.tenant_id = ${tenantId}::uuid AND a.branch_id = ${branchId}::uuid
             AND a.starts_at < ${to} AND a.ends_at > ${from} AND a.starts_at >= ${since}), '[]'),
        'timeOff', coalesce((
          SELECT json_agg(${timeOffViewJson} ORDER BY t.starts_at, t.id) FROM time_off t
           WHERE t.tenant_id = ${tenantId}::uuid AND t.starts_at < ${to} AND t.ends_at > ${from}
             AND ((t.resource_id IS NULL AND t.branch_id = ${branchId}::uuid) OR t.resource_id IN (SELECT id FROM here))), '[]'),
        'sessions', coalesce((
          SELECT json_agg(${sessionViewJson} ORDER BY c.starts_at, c.id) FROM capacity_session c
           WHERE c.tenant_id = ${tenantId}::uuid AND c.branch_id = ${branchId}::uuid AND c.starts_at < ${to} AND c.ends_at > ${from}), '[]')
      )::text AS doc`;
    return JSON.parse(rows[0]!.doc) as DayRows;
  }

  /**
   * The day's appointments (by local start) counted per practitioner, status and cancel reason,
   * with their service prices and the products sold on them. Holds never count.
   */
  async summaryRows(db: Db | Tx, tenantId: string, branchId: string, from: Date, to: Date) {
    return db.$queryRaw<{ practitioner_id: string | null; practitioner_name: string | null; status: string; cancel_reason: string | null; count: number; price_cents: number; product_cents: number }[]>`
      SELECT p.id AS practitioner_id, p.name AS practitioner_name, a.status::text AS status, a.cancel_reason,
             count(*)::int AS count, coalesce(sum(a.price_cents), 0)::int AS price_cents,
             coalesce(sum((SELECT sum(ap.quantity * ap.unit_price_cents) FROM appointment_product ap
                            WHERE ap.tenant_id = a.tenant_id AND ap.appointment_id = a.id)), 0)::int AS product_cents
        FROM appointment a
        LEFT JOIN LATERAL (
          SELECT r.id, r.name FROM appointment_resource ar
            JOIN resource r ON r.tenant_id = ar.tenant_id AND r.id = ar.resource_id AND r.kind = 'PRACTITIONER'
           WHERE ar.tenant_id = a.tenant_id AND ar.appointment_id = a.id
           ORDER BY r.name LIMIT 1) p ON true
       WHERE a.tenant_id = ${tenantId}::uuid AND a.branch_id = ${branchId}::uuid
         AND a.starts_at >= ${from} AND a.starts_at < ${to}
         AND a.status IN ('BOOKED', 'CHECKED_IN', 'IN_CONSULTATION', 'COMPLETED', 'CANCELLED', 'NO_SHOW')
       GROUP BY p.id, p.name, a.status, a.cancel_reason`;
  }

  /** Products sold on the day's kept appointments (booked, arrived or completed), with quantities. */
  async productsSold(db: Db | Tx, tenantId: string, branchId: string, from: Date, to: Date) {
    return db.$queryRaw<{ product_id: string; name: string; quantity: number; cents: number }[]>`
      SELECT pr.id AS product_id, pr.name, sum(ap.quantity)::int AS quantity, sum(ap.quantity * ap.unit_price_cents)::int AS cents
        FROM appointment a
        JOIN appointment_product ap ON ap.tenant_id = a.tenant_id AND ap.appointment_id = a.id
        JOIN product pr ON pr.tenant_id = ap.tenant_id AND pr.id = ap.product_id
       WHERE a.tenant_id = ${tenantId}::uuid AND a.branch_id = ${branchId}::uuid
         AND a.starts_at >= ${from} AND a.starts_at < ${to}
         AND a.status IN ('BOOKED', 'CHECKED_IN', 'IN_CONSULTATION', 'COMPLETED')
       GROUP BY pr.id, pr.name
       ORDER BY pr.name`;
  }
}
