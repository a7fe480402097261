import type { HoursExceptions, ResourceKind, WeeklyHours } from '@frontdesk/shared';
import type { Db, Tx } from '../db/tx.js';

// Reads for slot finding. The catalogue (service, requirements, candidate
// resources and their hours) comes in one round trip; occupancy and time off
// in a second one, never cached.

export interface CatalogueService {
  id: string;
  name: string;
  durationMin: number;
  bufferBeforeMin: number;
  bufferAfterMin: number;
  active: boolean;
}

export interface CatalogueResource {
  id: string;
  kind: ResourceKind;
  name: string;
  tags: string[];
  /** Weekly hours per branch the resource works at (empty array: linked, no hours). */
  hoursByBranch: Record<string, WeeklyHours[]>;
  /** Date exceptions per branch, from yesterday on: on those dates they replace the weekly hours. */
  exceptionsByBranch?: Record<string, HoursExceptions>;
}

export interface Catalogue {
  service: CatalogueService | null;
  requirements: { kind: ResourceKind; tag: string | null }[];
  /** Branches open for booking (active). */
  branches: { id: string; name: string; timeZone: string }[];
  /** Branches of the tenant closed for booking, by id and name: a desk asking there is told so in words. */
  closedBranches?: { id: string; name: string }[];
  /** Active resources of the tenant that meet at least one requirement (practitioners: only the listed ones, when there is a list). */
  resources: CatalogueResource[];
  /** Who offers the service, each with an own length where set; empty: any practitioner meeting the requirements. */
  practitioners: { resourceId: string; durationMin: number | null }[];
}

export interface Busy {
  source: 'appointment' | 'time_off';
  resourceId: string | null;
  branchId: string | null;
  id: string;
  status: string;
  startsAt: Date;
  endsAt: Date;
  reason: string;
}

/** Busy time as a slot search needs it: whose, and when (merged runs of appointments, or time off). */
export type BusyTime = Pick<Busy, 'source' | 'resourceId' | 'branchId' | 'startsAt' | 'endsAt'>;

export class AvailabilityRepository {
  async catalogue(db: Db | Tx, tenantId: string, serviceId: string): Promise<Catalogue> {
    const rows = await db.$queryRaw<{ doc: Catalogue }[]>`
      SELECT json_build_object(
        'service', (
          SELECT json_build_object('id', s.id, 'name', s.name, 'durationMin', s.duration_min,
                   'bufferBeforeMin', s.buffer_before_min, 'bufferAfterMin', s.buffer_after_min, 'active', s.active)
            FROM service s WHERE s.id = ${serviceId}::uuid AND s.tenant_id = ${tenantId}::uuid),
        'requirements', (
          SELECT coalesce(json_agg(json_build_object('kind', q.kind, 'tag', q.tag) ORDER BY q.kind, q.tag, q.id), '[]'::json)
            FROM service_requirement q JOIN service s ON s.id = q.service_id
           WHERE q.service_id = ${serviceId}::uuid AND s.tenant_id = ${tenantId}::uuid),
        'practitioners', (
          SELECT coalesce(json_agg(json_build_object('resourceId', sp.resource_id, 'durationMin', sp.duration_min) ORDER BY sp.resource_id), '[]'::json)
            FROM service_practitioner sp WHERE sp.service_id = ${serviceId}::uuid AND sp.tenant_id = ${tenantId}::uuid),
        'branches', (
          SELECT coalesce(json_agg(json_build_object('id', b.id, 'name', b.name, 'timeZone', b.time_zone) ORDER BY b.created_at, b.id), '[]'::json)
            FROM branch b WHERE b.tenant_id = ${tenantId}::uuid AND b.active),
        'closedBranches', (
          SELECT coalesce(json_agg(json_build_object('id', b.id, 'name', b.name)), '[]'::json)
            FROM branch b WHERE b.tenant_id = ${tenantId}::uuid AND NOT b.active),
        'resources', (
          SELECT coalesce(json_agg(json_build_object(
                   'id', r.id, 'kind', r.kind, 'name', r.name, 'tags', r.tags,
                   'hoursByBranch', (
                     SELECT coalesce(json_object_agg(rb.branch_id, (
                       SELECT coalesce(json_agg(json_build_object('weekday', h.weekday, 'startMinute', h.start_minute, 'endMinute', h.end_minute)
                                                ORDER BY h.weekday, h.start_minute), '[]'::json)
                         FROM working_hours h WHERE h.resource_id = r.id AND h.branch_id = rb.branch_id)), '{}'::json)
                       FROM resource_branch rb WHERE rb.resource_id = r.id),
                   'exceptionsByBranch', (
                     SELECT coalesce(json_object_agg(d.branch_id, d.days), '{}'::json)
                       FROM (SELECT x.branch_id, json_object_agg(x.date, x.hours) AS days
                               FROM (SELECT e.branch_id, e.date::text AS date,
                                            json_agg(json_build_object('startMinute', e.start_minute, 'endMinute', e.end_minute) ORDER BY e.start_minute) AS hours
                                       FROM working_hours_exception e
                                      -- Two days back covers yesterday in every zone; older dates cannot be booked.
                                      WHERE e.tenant_id = r.tenant_id AND e.resource_id = r.id AND e.date >= current_date - 2
                                      GROUP BY e.branch_id, e.date) x
                              GROUP BY x.branch_id) d)
                 ) ORDER BY r.name, r.id), '[]'::json)
            FROM resource r
           WHERE r.tenant_id = ${tenantId}::uuid AND r.active
             AND EXISTS (SELECT 1 FROM service_requirement q
                          WHERE q.service_id = ${serviceId}::uuid AND q.kind = r.kind AND (q.tag IS NULL OR q.tag = ANY (r.tags)))
             -- A service with practitioners listed is offered by those alone.
             AND (r.kind <> 'PRACTITIONER'
                  OR NOT EXISTS (SELECT 1 FROM service_practitioner sp WHERE sp.service_id = ${serviceId}::uuid AND sp.tenant_id = ${tenantId}::uuid)
                  OR EXISTS (SELECT 1 FROM service_practitioner sp WHERE sp.service_id = ${serviceId}::uuid AND sp.tenant_id = ${tenantId}::uuid AND sp.resource_id = r.id)))
      ) AS doc`;
    const doc = rows[0]?.doc;
    if (!doc) return { service: null, requirements: [], branches: [], closedBranches: [], resources: [], practitioners: [] };
    return doc;
  }

  /**
   * Everything that takes time away from these resources in [from, to):
   * occupying appointments (an expired, unswept hold is free) and time off of
   * the resources or of whole branches.
   */
  async busy(db: Db | Tx, q: { tenantId: string; resourceIds: string[]; branchIds: string[]; from: Date; to: Date; now: Date; excludeAppointmentId?: string }): Promise<Busy[]> {
    if (q.resourceIds.length === 0 && q.branchIds.length === 0) return [];
    const exclude = q.excludeAppointmentId ?? null;
    return db.$queryRaw<Busy[]>`
      SELECT 'appointment' AS "source", ar.resource_id AS "resourceId", a.branch_id AS "branchId", a.id AS "id",
             a.status::text AS "status", ar.starts_at AS "startsAt", ar.ends_at AS "endsAt", '' AS "reason"
        FROM appointment_resource ar
        -- Each occupancy row's appointment by its key: the planner misjudges the hold test below
        -- (an estimate of one row) and otherwise read every appointment of the tenant first.
        CROSS JOIN LATERAL (SELECT a.id, a.branch_id, a.status, a.hold_expires_at FROM appointment a
                             WHERE a.tenant_id = ar.tenant_id AND a.id = ar.appointment_id LIMIT 1) a
       WHERE ar.tenant_id = ${q.tenantId}::uuid
         AND ar.resource_id = ANY (${q.resourceIds}::uuid[])
         AND ar.active
         AND ar.starts_at < ${q.to} AND ar.ends_at > ${q.from}
         -- No occupancy is longer (appointment_resource_length_check): the index bounds both ends, not all of a resource's past.
         AND ar.starts_at > ${q.from}::timestamptz - interval '24 hours'
         AND NOT (a.status = 'HELD' AND a.hold_expires_at <= ${q.now})
         AND (${exclude}::uuid IS NULL OR a.id <> ${exclude}::uuid)
      UNION ALL
      SELECT 'time_off', t.resource_id, t.branch_id, t.id, t.kind::text, t.starts_at, t.ends_at, t.reason
        FROM time_off t
       WHERE t.tenant_id = ${q.tenantId}::uuid
         AND t.starts_at < ${q.to} AND t.ends_at > ${q.from}
         AND (t.resource_id = ANY (${q.resourceIds}::uuid[]) OR (t.resource_id IS NULL AND t.branch_id = ANY (${q.branchIds}::uuid[])))`;
  }

  /**
   * What `busy` reads, as time only, for a slot search: each resource's
   * occupancy merged where the free time between two appointments is
   * shorter than `shortestFitMin` (no start fits there; 0 merges nothing),
   * so a fully booked month comes back as one interval a day, not every
   * appointment. Expired, unswept holds are free, as in `busy`.
   */
  async busyTimes(
    db: Db | Tx,
    q: { tenantId: string; resourceIds: string[]; branchIds: string[]; from: Date; to: Date; now: Date; excludeAppointmentId?: string; shortestFitMin: number },
  ): Promise<BusyTime[]> {
    if (q.resourceIds.length === 0 && q.branchIds.length === 0) return [];
    const exclude = q.excludeAppointmentId ?? null;
    const fit = Math.max(0, Math.floor(q.shortestFitMin));
    return db.$queryRaw<BusyTime[]>`
      SELECT 'appointment' AS "source", r.id AS "resourceId", NULL::uuid AS "branchId", g.starts_at AS "startsAt", g.ends_at AS "endsAt"
        FROM unnest(${q.resourceIds}::uuid[]) AS r(id)
        -- Resource by resource: each one's few hundred rows in start order, no sort of them all.
        CROSS JOIN LATERAL (
          -- Boundary rows alternate: a run's first, then its last (the same row for a run of one).
          SELECT e.starts_at, e.opens, CASE WHEN e.closes THEN e.ends_at ELSE lead(e.ends_at) OVER (ORDER BY e.starts_at) END AS ends_at
            FROM (
              -- A resource's active occupancy never overlaps (appointment_resource_no_overlap): in start order, the previous row ends last.
              SELECT ar.starts_at, ar.ends_at,
                     coalesce(ar.starts_at - lag(ar.ends_at) OVER w >= make_interval(mins => ${fit}::int), true) AS opens,
                     coalesce(lead(ar.starts_at) OVER w - ar.ends_at >= make_interval(mins => ${fit}::int), true) AS closes
                FROM appointment_resource ar
               WHERE ar.tenant_id = ${q.tenantId}::uuid
                 AND ar.resource_id = r.id
                 AND ar.active
                 AND ar.starts_at < ${q.to} AND ar.ends_at > ${q.from}
                 -- No occupancy is longer (appointment_resource_length_check): the index bounds both ends.
                 AND ar.starts_at > ${q.from}::timestamptz - interval '24 hours'
                 -- The few expired, unswept holds once, by the hold index, not each row's appointment by key.
                 AND NOT (ar.appointment_id = ANY (ARRAY(
                       SELECT a.id FROM appointment a
                        WHERE a.tenant_id = ${q.tenantId}::uuid AND a.status = 'HELD' AND a.hold_expires_at <= ${q.now})))
                 AND (${exclude}::uuid IS NULL OR ar.appointment_id <> ${exclude}::uuid)
              WINDOW w AS (ORDER BY ar.starts_at)
            ) e
           WHERE e.opens OR e.closes
        ) g
       WHERE g.opens
      UNION ALL
      SELECT 'time_off', t.resource_id, t.branch_id, t.starts_at, t.ends_at
        FROM time_off t
       WHERE t.tenant_id = ${q.tenantId}::uuid
         AND t.starts_at < ${q.to} AND t.ends_at > ${q.from}
         AND (t.resource_id = ANY (${q.resourceIds}::uuid[]) OR (t.resource_id IS NULL AND t.branch_id = ANY (${q.branchIds}::uuid[])))`;
  }

  /** Those of `ids` that are resources of the tenant, by id, with their kind and name. */
  async existingResources(db: Db | Tx, tenantId: string, ids: string[]): Promise<Map<string, { kind: ResourceKind; name: string }>> {
    // Raw SQL: a booking's availability check runs it in the booking's direct transaction (db/pg-tx.ts has no model methods).
    const rows = await db.$queryRaw<{ id: string; kind: ResourceKind; name: string }[]>`
      SELECT id::text, kind::text AS kind, name FROM resource WHERE tenant_id = ${tenantId}::uuid AND id = ANY(${ids}::uuid[])`;
    return new Map(rows.map((r) => [r.id, { kind: r.kind, name: r.name }]));
  }
}
