// Over 300 lines: every statement of the booking commands (holds, their sign-ins and the patient clash included) kept in one place, as the service reads them.
import { createHash, randomUUID } from 'node:crypto';
import type { AppointmentStatus, AppointmentView } from '@frontdesk/shared';
import { Prisma } from '../db/prisma.js';
import type { Db, Tx } from '../db/tx.js';
import { APPOINTMENT_VIEW_FROM, appointmentViewJson, appointmentViewSelect, type AppointmentViewRow } from '../views/appointment.js';

// Every SQL statement of the booking commands. Receives the client (or the
// transaction) as an argument; the service decides what runs in which
// transaction.

export interface ServiceInfo {
  id: string;
  name: string;
  durationMin: number;
  bufferBeforeMin: number;
  bufferAfterMin: number;
  priceCents: number;
}

/** A just-inserted appointment: all of its view but the occupancy and products, which the command adds. */
export type InsertedAppointment = Omit<AppointmentViewRow, 'resources' | 'products'>;

export interface NewAppointment {
  /** Chosen by the caller when an idempotency record names it first. */
  id?: string;
  tenantId: string;
  branchId: string;
  serviceId: string;
  patientId: string | null;
  status: 'HELD' | 'BOOKED';
  startsAt: Date;
  endsAt: Date;
  holdMinutes: number | null;
  /** The sign-in whose desk holds the time (holds only); its end releases the hold. */
  holdSessionId: string | null;
  priceCents: number;
  note: string;
  createdBy: string;
  /** The recurring series it is an occurrence of, and its place there. */
  series?: { id: string; index: number } | null;
}

export interface StockTaken {
  productId: string;
  quantity: number;
  remaining: number;
  unitPriceCents: number;
}

export interface CurrentAppointment {
  id: string;
  tenantId: string;
  branchId: string;
  serviceId: string;
  patientId: string | null;
  status: AppointmentStatus;
  startsAt: Date;
  endsAt: Date;
  holdExpiresAt: Date | null;
  version: number;
  resourceIds: string[];
}

/** Whose holds: one sign-in's, every sign-in of a staff member's (but one), or those of sign-ins that have ended. */
export type HoldOwner = { sessionId: string } | { staffId: string; exceptSessionId?: string } | { endedSessions: true };

/** One of a patient's appointments in the way of another, as the patient clash names it. */
export interface PatientAppointmentRow {
  appointmentId: string;
  branchId: string;
  branchName: string;
  timeZone: string;
  status: string;
  startsAt: Date;
  endsAt: Date;
  serviceName: string;
  resourceNames: string[];
}

const DAY_MS = 86_400_000;

/**
 * Advisory-lock keys for the resources and patient a booking touches, one per
 * UTC day its range crosses (two overlapping ranges always share a day).
 * Taken in sorted order before inserting: two inserts racing for the same
 * time would otherwise each wait on the other's uncommitted row at the
 * exclusion constraint and be parted only by the deadlock detector, after a
 * whole second; queued behind a lock, the loser fails at once instead.
 */
export function slotLockKeys(ids: readonly (string | null)[], range: { start: Date; end: Date }): bigint[] {
  const keys = new Set<bigint>();
  for (const id of ids) {
    if (!id) continue;
    for (let day = Math.floor(range.start.getTime() / DAY_MS); day * DAY_MS < range.end.getTime(); day++) {
      // Lower case: an id the desk sent in capitals is still the same resource or patient.
      keys.add(createHash('sha1').update(`${id.toLowerCase()}:${day}`).digest().readBigInt64BE(0));
    }
  }
  return [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A guarded status change: applies only at `version` (when given) and from one of `from`. */
export interface TransitionArgs {
  appointmentId: string;
  tenantId: string;
  version?: number;
  from: readonly AppointmentStatus[];
  to: AppointmentStatus;
  patientId?: string | null;
  note?: string;
  cancelReason?: string;
  /** Adds this many minutes to the time the hold has left, up to `holdCapMinutes` from now. */
  holdMinutes?: number;
  holdCapMinutes?: number;
  /** Only while the hold's deadline has not passed. */
  requireLiveHold?: boolean;
  /** Only once the appointment has started. */
  startedBy?: boolean;
}

/** What an insert of an appointment returns (from its CTE `a`): the row with its service's and patient's names. */
const INSERTED_VIEW = Prisma.sql`
      SELECT a.id, a.branch_id AS "branchId", a.service_id AS "serviceId", a.status::text AS status,
             a.starts_at AS "startsAt", a.ends_at AS "endsAt", a.hold_expires_at AS "holdExpiresAt", a.version,
             a.price_cents AS "priceCents", a.note, a.cancel_reason AS "cancelReason", a.created_by AS "createdBy",
             a.updated_at AS "updatedAt", a.kept_outside_hours AS "keptOutsideHours",
             a.checked_in_at AS "checkedInAt", a.consultation_started_at AS "consultationStartedAt", a.completed_at AS "completedAt",
             a.cancel_reason_code AS "cancelReasonCode", a.cancelled_late AS "cancelledLate", json_build_object('name', s.name) AS service,
             CASE WHEN p.id IS NULL THEN NULL ELSE json_build_object('id', p.id, 'name', p.name, 'phone', p.phone) END AS patient,
             a.series_index AS "seriesIndex", CASE WHEN sr.id IS NULL THEN NULL ELSE json_build_object('id', sr.id, 'occurrenceCount', sr.occurrence_count) END AS series
        FROM a JOIN service s ON s.id = a.service_id LEFT JOIN patient p ON p.id = a.patient_id
        LEFT JOIN series sr ON sr.tenant_id = a.tenant_id AND sr.id = a.series_id`;

export class BookingRepository {
  async serviceInfo(db: Db | Tx, tenantId: string, serviceId: string, branchId: string): Promise<ServiceInfo | null> {
    const rows = await db.$queryRaw<ServiceInfo[]>`
      SELECT s.id, s.name, s.duration_min AS "durationMin", s.buffer_before_min AS "bufferBeforeMin",
             s.buffer_after_min AS "bufferAfterMin", COALESCE(sp.price_cents, s.price_cents) AS "priceCents"
        FROM service s
        LEFT JOIN service_price sp ON sp.service_id = s.id AND sp.branch_id = ${branchId}::uuid
       WHERE s.id = ${serviceId}::uuid AND s.tenant_id = ${tenantId}::uuid AND s.active`;
    return rows[0] ?? null;
  }

  /** Inserts the appointment and returns it with its service's and patient's names, in one round trip. */
  async insertAppointment(tx: Tx, a: NewAppointment): Promise<InsertedAppointment> {
    return (await this.insertAppointmentIfLocked(tx, a, []))!;
  }

  /**
   * The same insert, made only if these advisory locks (the slot's) are all
   * free: tried first in the same statement, so the booking's hot path saves
   * a round trip. Null when one is held by another transaction (nothing is
   * written then; any taken go at the transaction's end); never with none.
   */
  async insertAppointmentIfLocked(tx: Tx, a: NewAppointment, locks: readonly bigint[]): Promise<InsertedAppointment | null> {
    const id = a.id ?? randomUUID();
    const holdExpires = a.holdMinutes === null ? Prisma.sql`NULL::timestamptz` : Prisma.sql`now() + make_interval(mins => ${a.holdMinutes}::int)`;
    const tried = locks.length ? Prisma.join(locks.map((key) => Prisma.sql`pg_try_advisory_xact_lock(${key}::bigint)`), ' AND ') : Prisma.sql`true`;
    // The insert's row comes from reading `locked`, so the locks are tried first; nothing is inserted unless all were taken.
    const rows = await tx.$queryRaw<InsertedAppointment[]>`
      WITH locked AS MATERIALIZED (SELECT ${tried} AS taken),
      a AS (
        INSERT INTO appointment (id, tenant_id, branch_id, service_id, patient_id, status, starts_at, ends_at,
                                 hold_expires_at, hold_session_id, price_cents, note, created_by, series_id, series_index)
        SELECT ${id}::uuid, ${a.tenantId}::uuid, ${a.branchId}::uuid, ${a.serviceId}::uuid, ${a.patientId}::uuid,
               ${a.status}::"AppointmentStatus", ${a.startsAt}::timestamptz, ${a.endsAt}::timestamptz, ${holdExpires}, ${a.holdSessionId}::uuid,
               ${a.priceCents}::int, ${a.note}::text, ${a.createdBy}::uuid, ${a.series?.id ?? null}::uuid, ${a.series?.index ?? null}::int
          FROM locked WHERE locked.taken
        RETURNING *)
      ${INSERTED_VIEW}`;
    return rows[0] ?? null;
  }

  /** An appointment as its view is built from it. */
  async appointment(db: Db | Tx, appointmentId: string): Promise<AppointmentViewRow> {
    return db.appointment.findUniqueOrThrow({ where: { id: appointmentId }, select: appointmentViewSelect });
  }

  /** Several appointments as their views, each with its tenant (for events written outside a request). */
  async appointmentsWithTenant(tx: Tx, appointmentIds: readonly string[]): Promise<{ tenantId: string; view: AppointmentView }[]> {
    // Raw SQL: it runs inside a booking's direct transaction too (db/pg-tx.ts), which has no model methods.
    const rows = await tx.$queryRaw<{ tenantId: string; view: string }[]>`
      SELECT a.tenant_id::text AS "tenantId", ${appointmentViewJson(null)}::text AS view
        FROM ${APPOINTMENT_VIEW_FROM} WHERE a.id = ANY(${[...appointmentIds]}::uuid[])`;
    return rows.map((r) => ({ tenantId: r.tenantId, view: JSON.parse(r.view) as AppointmentView }));
  }

  /** Those of these resources that are practitioners. */
  async practitioners(db: Db | Tx, tenantId: string, resourceIds: readonly string[]): Promise<string[]> {
    // Raw SQL: a booking's direct transaction asks this too (db/pg-tx.ts has no model methods).
    const rows = await db.$queryRaw<{ id: string }[]>`
      SELECT id::text FROM resource WHERE tenant_id = ${tenantId}::uuid AND id = ANY(${[...resourceIds]}::uuid[]) AND kind = 'PRACTITIONER'`;
    return rows.map((r) => r.id);
  }

  /** The insert of an appointment's occupancy, to send along with its events (the exclusion constraint decides there). */
  occupancySql(tenantId: string, appointmentId: string, resourceIds: readonly string[], range: { start: Date; end: Date }): Prisma.Sql {
    const values = resourceIds.map(
      (r) => Prisma.sql`(${appointmentId}::uuid, ${r}::uuid, ${tenantId}::uuid, ${range.start}, ${range.end})`,
    );
    return Prisma.sql`
      INSERT INTO appointment_resource (appointment_id, resource_id, tenant_id, starts_at, ends_at)
      VALUES ${Prisma.join(values)}`;
  }

  /** Replaces an appointment's occupancy (a move). */
  async replaceOccupancy(tx: Tx, tenantId: string, appointmentId: string, resourceIds: readonly string[], range: { start: Date; end: Date }): Promise<void> {
    await tx.$executeRaw`DELETE FROM appointment_resource WHERE appointment_id = ${appointmentId}::uuid`;
    await tx.$executeRaw`${this.occupancySql(tenantId, appointmentId, resourceIds, range)}`;
  }

  /**
   * Takes stock of an active product for one line, at the branch's price (its
   * own, else the product's); null when there is not enough (nothing changes then).
   */
  async takeStock(tx: Tx, tenantId: string, branchId: string, productId: string, quantity: number): Promise<StockTaken | null> {
    const rows = await tx.$queryRaw<{ remaining: number; unitPriceCents: number }[]>`
      UPDATE product_stock ps SET quantity = ps.quantity - ${quantity}::int
        FROM product p LEFT JOIN product_price pp ON pp.tenant_id = p.tenant_id AND pp.product_id = p.id AND pp.branch_id = ${branchId}::uuid
       WHERE ps.product_id = ${productId}::uuid AND ps.branch_id = ${branchId}::uuid AND ps.tenant_id = ${tenantId}::uuid
         AND p.tenant_id = ps.tenant_id AND p.id = ps.product_id AND p.active AND ps.quantity >= ${quantity}::int
      RETURNING ps.quantity AS remaining, COALESCE(pp.price_cents, p.price_cents) AS "unitPriceCents"`;
    const row = rows[0];
    return row ? { productId, quantity, remaining: row.remaining, unitPriceCents: row.unitPriceCents } : null;
  }

  /** The stock of a product still sold (active) at a branch; null when it is not. */
  async stockLevel(db: Db | Tx, tenantId: string, branchId: string, productId: string): Promise<number | null> {
    const rows = await db.$queryRaw<{ quantity: number }[]>`
      SELECT ps.quantity FROM product_stock ps JOIN product p ON p.tenant_id = ps.tenant_id AND p.id = ps.product_id AND p.active
       WHERE ps.product_id = ${productId}::uuid AND ps.branch_id = ${branchId}::uuid AND ps.tenant_id = ${tenantId}::uuid`;
    return rows[0]?.quantity ?? null;
  }

  async insertProductLines(tx: Tx, appointmentId: string, lines: readonly StockTaken[]): Promise<void> {
    if (lines.length === 0) return;
    const values = lines.map((l) => Prisma.sql`(${appointmentId}::uuid, ${l.productId}::uuid, ${l.quantity}::int, ${l.unitPriceCents}::int)`);
    await tx.$executeRaw`
      INSERT INTO appointment_product (appointment_id, product_id, quantity, unit_price_cents) VALUES ${Prisma.join(values)}`;
  }

  /** Gives back the stock of a cancelled appointment; returns the new levels. */
  async returnStock(tx: Tx, appointmentId: string, branchId: string): Promise<{ productId: string; quantity: number; delta: number }[]> {
    return tx.$queryRaw`
      UPDATE product_stock ps SET quantity = ps.quantity + ap.quantity
        FROM appointment_product ap
       WHERE ap.appointment_id = ${appointmentId}::uuid AND ps.product_id = ap.product_id AND ps.branch_id = ${branchId}::uuid
      RETURNING ps.product_id AS "productId", ps.quantity, ap.quantity AS delta`;
  }

  async current(db: Db | Tx, tenantId: string, appointmentId: string): Promise<CurrentAppointment | null> {
    const rows = await db.$queryRaw<CurrentAppointment[]>`
      SELECT a.id, a.tenant_id AS "tenantId", a.branch_id AS "branchId", a.service_id AS "serviceId", a.patient_id AS "patientId",
             a.status::text AS status, a.starts_at AS "startsAt", a.ends_at AS "endsAt", a.hold_expires_at AS "holdExpiresAt",
             a.version, COALESCE(array_agg(ar.resource_id::text ORDER BY ar.resource_id) FILTER (WHERE ar.resource_id IS NOT NULL), '{}') AS "resourceIds"
        FROM appointment a LEFT JOIN appointment_resource ar ON ar.appointment_id = a.id
       WHERE a.id = ${appointmentId}::uuid AND a.tenant_id = ${tenantId}::uuid
       GROUP BY a.tenant_id, a.id`;
    return rows[0] ?? null;
  }

  /**
   * Moves an appointment to a new status when it is at `version` and in one
   * of `from`; returns false when it is not (stale or in another state).
   */
  async transition(tx: Tx, args: TransitionArgs): Promise<boolean> {
    const sets: Prisma.Sql[] = [Prisma.sql`status = ${args.to}::"AppointmentStatus"`, Prisma.sql`version = version + 1`, Prisma.sql`updated_at = now()`];
    if (args.patientId) sets.push(Prisma.sql`patient_id = ${args.patientId}::uuid`);
    if (args.note !== undefined) sets.push(Prisma.sql`note = ${args.note}`);
    if (args.cancelReason !== undefined) sets.push(Prisma.sql`cancel_reason = ${args.cancelReason}`);
    if (args.holdMinutes !== undefined) {
      // "+5 min" adds five minutes to what is left (a lapsed deadline counts from now), never beyond the cap.
      const cap = args.holdCapMinutes ?? args.holdMinutes;
      sets.push(Prisma.sql`hold_expires_at = LEAST(GREATEST(hold_expires_at, now()) + make_interval(mins => ${args.holdMinutes}::int), now() + make_interval(mins => ${cap}::int))`);
    }
    else if (args.to !== 'HELD' && args.to !== 'EXPIRED') sets.push(Prisma.sql`hold_expires_at = NULL`);
    const conditions: Prisma.Sql[] = [
      Prisma.sql`id = ${args.appointmentId}::uuid`,
      Prisma.sql`tenant_id = ${args.tenantId}::uuid`,
      Prisma.sql`status::text = ANY(${[...args.from]}::text[])`,
    ];
    if (args.version !== undefined) conditions.push(Prisma.sql`version = ${args.version}::int`);
    if (args.requireLiveHold) conditions.push(Prisma.sql`hold_expires_at > now()`);
    if (args.startedBy) conditions.push(Prisma.sql`starts_at <= now()`);
    const count = await tx.$executeRaw`UPDATE appointment SET ${Prisma.join(sets, ', ')} WHERE ${Prisma.join(conditions, ' AND ')}`;
    return count === 1;
  }

  /** Whether every one of these appointments exists in the tenant, at one of `branchIds`. */
  async allVisible(db: Db | Tx, tenantId: string, appointmentIds: readonly string[], branchIds: readonly string[]): Promise<boolean> {
    const unique = [...new Set(appointmentIds.map((id) => id.toLowerCase()))];
    const rows = await db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM appointment
       WHERE tenant_id = ${tenantId}::uuid AND id = ANY(${unique}::uuid[]) AND branch_id = ANY(${[...branchIds]}::uuid[])`;
    return rows[0]?.n === unique.length;
  }

  /** Whether the appointment is a hold made by this sign-in, still HELD. */
  async isOwnLiveHold(db: Db | Tx, tenantId: string, appointmentId: string, sessionId: string): Promise<boolean> {
    const rows = await db.$queryRaw<{ one: number }[]>`
      SELECT 1 AS one FROM appointment
       WHERE id = ${appointmentId}::uuid AND tenant_id = ${tenantId}::uuid AND status = 'HELD' AND hold_session_id = ${sessionId}::uuid`;
    return rows.length > 0;
  }

  /**
   * A live hold takes another service: its end, price and service change at
   * `version`; the caller replaces its occupancy in the same transaction.
   * False when the hold is stale, lapsed or no longer a hold.
   */
  async changeHeldService(tx: Tx, args: { appointmentId: string; tenantId: string; version: number; serviceId: string; endsAt: Date; priceCents: number }): Promise<boolean> {
    const count = await tx.$executeRaw`
      UPDATE appointment SET service_id = ${args.serviceId}::uuid, ends_at = ${args.endsAt}, price_cents = ${args.priceCents}::int,
                             version = version + 1, updated_at = now()
       WHERE id = ${args.appointmentId}::uuid AND tenant_id = ${args.tenantId}::uuid AND version = ${args.version}::int
         AND status = 'HELD' AND hold_expires_at > now()`;
    return count === 1;
  }

  /**
   * Releases live holds (HELD → RELEASED) of one sign-in, or of every
   * sign-in of a staff member; `appointmentIds` narrows it to those. Returns
   * the released ids.
   */
  async releaseHolds(tx: Tx, tenantId: string, of: HoldOwner, appointmentIds?: readonly string[]): Promise<string[]> {
    const whose =
      'sessionId' in of
        ? Prisma.sql`a.hold_session_id = ${of.sessionId}::uuid`
        : 'staffId' in of
          ? Prisma.sql`a.hold_session_id IN (SELECT s.id FROM staff_session s WHERE s.tenant_id = ${tenantId}::uuid AND s.staff_id = ${of.staffId}::uuid
                                                AND s.id IS DISTINCT FROM ${of.exceptSessionId ?? null}::uuid)`
          : Prisma.sql`a.hold_session_id IN (SELECT s.id FROM staff_session s WHERE s.tenant_id = ${tenantId}::uuid AND (s.revoked_at IS NOT NULL OR s.expires_at <= now()))`;
    const only = appointmentIds ? Prisma.sql`AND a.id = ANY(${[...appointmentIds]}::uuid[])` : Prisma.empty;
    const rows = await tx.$queryRaw<{ id: string }[]>`
      UPDATE appointment SET status = 'RELEASED', hold_expires_at = NULL, version = version + 1, updated_at = now()
       WHERE id IN (SELECT a.id FROM appointment a
                     WHERE a.tenant_id = ${tenantId}::uuid AND a.status = 'HELD' AND ${whose} ${only}
                     ORDER BY a.id FOR UPDATE)
      RETURNING id`;
    return rows.map((r) => r.id);
  }

  /**
   * The patient's own active appointments over a time (the patient clash),
   * with what a desk needs to name them: branch, service and resources.
   */
  async patientAppointmentsDuring(db: Db | Tx, tenantId: string, patientId: string, range: { start: Date; end: Date }, excludeAppointmentId?: string): Promise<PatientAppointmentRow[]> {
    return db.$queryRaw<PatientAppointmentRow[]>`
      SELECT a.id AS "appointmentId", a.branch_id AS "branchId", b.name AS "branchName", b.time_zone AS "timeZone", a.status::text AS status,
             a.starts_at AS "startsAt", a.ends_at AS "endsAt", s.name AS "serviceName",
             COALESCE((SELECT array_agg(r.name ORDER BY r.kind, r.name) FROM appointment_resource ar JOIN resource r ON r.id = ar.resource_id
                        WHERE ar.appointment_id = a.id), '{}') AS "resourceNames"
        FROM appointment a JOIN branch b ON b.id = a.branch_id JOIN service s ON s.id = a.service_id
       WHERE a.tenant_id = ${tenantId}::uuid AND a.patient_id = ${patientId}::uuid
         AND appointment_occupies(a.status) AND (a.status <> 'HELD' OR a.hold_expires_at > now())
         AND tstzrange(a.starts_at, a.ends_at, '[)') && tstzrange(${range.start}, ${range.end}, '[)')
         AND a.id IS DISTINCT FROM ${excludeAppointmentId ?? null}::uuid
       ORDER BY a.starts_at`;
  }

  async reschedule(tx: Tx, args: { appointmentId: string; tenantId: string; version: number; startsAt: Date; endsAt: Date }): Promise<boolean> {
    const count = await tx.$executeRaw`
      UPDATE appointment SET starts_at = ${args.startsAt}, ends_at = ${args.endsAt}, version = version + 1, updated_at = now(),
             -- Moved into the schedule: no longer an exception (the hours guard checks the new time).
             kept_outside_hours = false
       WHERE id = ${args.appointmentId}::uuid AND tenant_id = ${args.tenantId}::uuid AND version = ${args.version}::int
         AND status IN ('HELD', 'BOOKED') AND (status <> 'HELD' OR hold_expires_at > now())`;
    return count === 1;
  }

  /**
   * The tenants that have lapsed holds: the one thing the sweeper may ask
   * across tenants (a system path, see the strict_rls migration).
   */
  async dueHoldTenants(db: Db): Promise<string[]> {
    const rows = await db.$queryRaw<{ id: string }[]>`SELECT t::text AS id FROM frontdesk_due_hold_tenants() t`;
    return rows.map((r) => r.id);
  }

  /**
   * Marks holds whose deadline passed as EXPIRED. Scoped to the given
   * resources and time when given (the booking path), else any (the sweeper).
   */
  async expireDueHolds(tx: Tx, scope: { resourceIds: readonly string[]; start: Date; end: Date; patientId: string | null } | null, limit = 500): Promise<{ id: string; tenantId: string }[]> {
    const filter = scope
      ? Prisma.sql`AND (a.id IN (SELECT ar.appointment_id FROM appointment_resource ar
                                 WHERE ar.active AND ar.resource_id = ANY(${[...scope.resourceIds]}::uuid[])
                                   AND tstzrange(ar.starts_at, ar.ends_at, '[)') && tstzrange(${scope.start}, ${scope.end}, '[)'))
                    OR (a.patient_id = ${scope.patientId}::uuid AND tstzrange(a.starts_at, a.ends_at, '[)') && tstzrange(${scope.start}, ${scope.end}, '[)')))`
      : Prisma.empty;
    return tx.$queryRaw`
      UPDATE appointment SET status = 'EXPIRED', version = version + 1, updated_at = now()
       WHERE id IN (SELECT a.id FROM appointment a
                     WHERE a.status = 'HELD' AND a.hold_expires_at <= now() ${filter}
                     ORDER BY a.hold_expires_at LIMIT ${limit}::int FOR UPDATE SKIP LOCKED)
      RETURNING id, tenant_id AS "tenantId"`;
  }
}
