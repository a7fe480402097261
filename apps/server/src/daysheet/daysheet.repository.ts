import type { Db, Tx } from '../db/tx.js';
import type { AppointmentView } from '@frontdesk/shared';
import { APPOINTMENT_VIEW_FROM, appointmentViewJson } from '../views/appointment.js';
import { sessionSelect } from '../views/session.js';
import { timeOffSelect } from '../views/time-off.js';

// Reads for the day sheet: a branch's resources with their hours, and
// everything that touches its local day.

/** Rows whose [startsAt, endsAt) overlaps [from, to). */
const during = (from: Date, to: Date) => ({ startsAt: { lt: to }, endsAt: { gt: from } });

const byStart = [{ startsAt: 'asc' as const }, { id: 'asc' as const }];

export class DaySheetRepository {
  /** A branch of the tenant. */
  async branch(db: Db | Tx, tenantId: string, branchId: string) {
    return db.branch.findFirst({ where: { tenantId, id: branchId }, select: { id: true, name: true, timeZone: true } });
  }

  /** The log position now; read before the rest of a view. */
  async headSeq(db: Db | Tx, tenantId: string): Promise<string> {
    const rows = await db.$queryRaw<{ seq: string }[]>`
      SELECT coalesce(max(seq), 0)::text AS seq FROM "event" WHERE tenant_id = ${tenantId}::uuid`;
    return rows[0]?.seq ?? '0';
  }

  /** The branch's active resources with their weekly hours there and their exceptions on `date` (YYYY-MM-DD). */
  async resources(db: Db | Tx, tenantId: string, branchId: string, date: string) {
    return db.resource.findMany({
      where: { tenantId, active: true, branches: { some: { branchId } } },
      select: {
        id: true,
        kind: true,
        name: true,
        tags: true,
        colour: true,
        hours: { where: { branchId }, select: { weekday: true, startMinute: true, endMinute: true } },
        hourExceptions: { where: { branchId, date: new Date(`${date}T00:00:00Z`) }, select: { startMinute: true, endMinute: true }, orderBy: { startMinute: 'asc' } },
      },
      orderBy: [{ kind: 'asc' }, { name: 'asc' }],
    });
  }

  /**
   * The day's appointments as the desk sees them (AppointmentView, views/appointment.ts), built in one
   * statement as one JSON document: no row objects, dates or relation reads in Node, which at a busy
   * branch were most of the day sheet's time. Given `now`, a hold past its deadline reads EXPIRED.
   */
  async appointments(db: Db | Tx, tenantId: string, branchId: string, from: Date, to: Date, now: Date): Promise<AppointmentView[]> {
    // An appointment lasts at most 12 hours (appointment_range_check): the (branch_id, starts_at) index then reads the day, not the branch's past.
    const since = new Date(from.getTime() - 12 * 3_600_000);
    const rows = await db.$queryRaw<{ doc: string }[]>`
      SELECT coalesce(json_agg(${appointmentViewJson(now)} ORDER BY a.starts_at, a.id), '[]')::text AS doc
        FROM ${APPOINTMENT_VIEW_FROM}
       WHERE a.tenant_id = ${tenantId}::uuid AND a.branch_id = ${branchId}::uuid
         AND a.starts_at < ${to} AND a.ends_at > ${from} AND a.starts_at >= ${since}`;
    return JSON.parse(rows[0]?.doc ?? '[]') as AppointmentView[];
  }

  /** Time off of the whole branch or of one of its resources. */
  async timeOff(db: Db | Tx, tenantId: string, branchId: string, resourceIds: string[], from: Date, to: Date) {
    return db.timeOff.findMany({
      where: { tenantId, ...during(from, to), OR: [{ resourceId: null, branchId }, { resourceId: { in: resourceIds } }] },
      select: timeOffSelect,
      orderBy: byStart,
    });
  }

  async sessions(db: Db | Tx, tenantId: string, branchId: string, from: Date, to: Date) {
    return db.capacitySession.findMany({ where: { tenantId, branchId, ...during(from, to) }, select: sessionSelect, orderBy: byStart });
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
