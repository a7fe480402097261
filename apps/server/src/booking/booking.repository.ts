import { createHash, randomUUID } from 'node:crypto';
import type { AppointmentStatus } from '@frontdesk/shared';
import { Prisma } from '../db/prisma.js';
import type { Db, Tx } from '../db/tx.js';
import type { IdempotencyClaim, IdempotencyRecord } from './idempotency.js';

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

export interface InsertedAppointment {
  id: string;
  status: AppointmentStatus;
  startsAt: Date;
  endsAt: Date;
  holdExpiresAt: Date | null;
  version: number;
  priceCents: number;
  note: string;
  createdAt: Date;
  updatedAt: Date;
  patientName: string | null;
  patientPhone: string | null;
}

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
  priceCents: number;
  note: string;
  createdBy: string;
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
  /** Sets a new hold deadline this many minutes from now. */
  holdMinutes?: number;
  /** Only while the hold's deadline has not passed. */
  requireLiveHold?: boolean;
  /** Only once the appointment has started. */
  startedBy?: boolean;
}

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

  /** The record of a command this staff member sent with this key, if any. */
  async idempotencyRecord(tx: Tx, tenantId: string, staffId: string, key: string): Promise<IdempotencyRecord | null> {
    const rows = await tx.$queryRaw<IdempotencyRecord[]>`
      SELECT command, request_hash AS "requestHash", branch_id AS "branchId", appointment_id AS "appointmentId", token_id AS "tokenId"
        FROM idempotency_record
       WHERE tenant_id = ${tenantId}::uuid AND staff_id = ${staffId}::uuid AND key = ${key}`;
    return rows[0] ?? null;
  }

  /**
   * Claims a key for a command, before the command's own rows. A concurrent
   * claim of the same key waits here for this transaction, then fails with a
   * unique violation (IDEMPOTENCY_KEY_CONSTRAINT) if this one committed.
   */
  async insertIdempotencyRecord(
    tx: Tx,
    r: IdempotencyClaim & { tenantId: string; staffId: string; branchId: string; appointmentId?: string; tokenId?: string },
  ): Promise<void> {
    await tx.$executeRaw`
      INSERT INTO idempotency_record (tenant_id, staff_id, key, command, request_hash, branch_id, appointment_id, token_id)
      VALUES (${r.tenantId}::uuid, ${r.staffId}::uuid, ${r.key}, ${r.command}, ${r.requestHash}, ${r.branchId}::uuid,
              ${r.appointmentId ?? null}::uuid, ${r.tokenId ?? null}::uuid)`;
  }

  /** Inserts the appointment and returns it with its patient's name, in one round trip. */
  async insertAppointment(tx: Tx, a: NewAppointment): Promise<InsertedAppointment> {
    const id = a.id ?? randomUUID();
    const holdExpires = a.holdMinutes === null ? Prisma.sql`NULL` : Prisma.sql`now() + make_interval(mins => ${a.holdMinutes}::int)`;
    const rows = await tx.$queryRaw<InsertedAppointment[]>`
      WITH a AS (
        INSERT INTO appointment (id, tenant_id, branch_id, service_id, patient_id, status, starts_at, ends_at,
                                 hold_expires_at, price_cents, note, created_by)
        VALUES (${id}::uuid, ${a.tenantId}::uuid, ${a.branchId}::uuid, ${a.serviceId}::uuid, ${a.patientId}::uuid,
                ${a.status}::"AppointmentStatus", ${a.startsAt}, ${a.endsAt}, ${holdExpires},
                ${a.priceCents}, ${a.note}, ${a.createdBy}::uuid)
        RETURNING *)
      SELECT a.id, a.status::text AS status, a.starts_at AS "startsAt", a.ends_at AS "endsAt",
             a.hold_expires_at AS "holdExpiresAt", a.version, a.price_cents AS "priceCents", a.note,
             a.created_at AS "createdAt", a.updated_at AS "updatedAt",
             p.name AS "patientName", p.phone AS "patientPhone"
        FROM a LEFT JOIN patient p ON p.id = a.patient_id`;
    return rows[0]!;
  }

  /** The insert of an appointment's occupancy, to send along with its events. */
  occupancySql(tenantId: string, appointmentId: string, resourceIds: readonly string[], range: { start: Date; end: Date }): Prisma.Sql {
    const values = resourceIds.map(
      (r) => Prisma.sql`(${appointmentId}::uuid, ${r}::uuid, ${tenantId}::uuid, ${range.start}, ${range.end})`,
    );
    return Prisma.sql`
      INSERT INTO appointment_resource (appointment_id, resource_id, tenant_id, starts_at, ends_at)
      VALUES ${Prisma.join(values)}`;
  }

  async deleteOccupancy(tx: Tx, appointmentId: string): Promise<void> {
    await tx.$executeRaw`DELETE FROM appointment_resource WHERE appointment_id = ${appointmentId}::uuid`;
  }

  /** Takes stock for one product line; null when there is not enough (nothing changes then). */
  async takeStock(tx: Tx, tenantId: string, branchId: string, productId: string, quantity: number): Promise<StockTaken | null> {
    const rows = await tx.$queryRaw<{ remaining: number; unitPriceCents: number }[]>`
      UPDATE product_stock ps SET quantity = ps.quantity - ${quantity}::int
        FROM product p
       WHERE ps.product_id = ${productId}::uuid AND ps.branch_id = ${branchId}::uuid AND ps.tenant_id = ${tenantId}::uuid
         AND p.id = ps.product_id AND ps.quantity >= ${quantity}::int
      RETURNING ps.quantity AS remaining, p.price_cents AS "unitPriceCents"`;
    const row = rows[0];
    return row ? { productId, quantity, remaining: row.remaining, unitPriceCents: row.unitPriceCents } : null;
  }

  async stockLevel(db: Db | Tx, tenantId: string, branchId: string, productId: string): Promise<number | null> {
    const rows = await db.$queryRaw<{ quantity: number }[]>`
      SELECT quantity FROM product_stock
       WHERE product_id = ${productId}::uuid AND branch_id = ${branchId}::uuid AND tenant_id = ${tenantId}::uuid`;
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
       GROUP BY a.id`;
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
    if (args.holdMinutes !== undefined) sets.push(Prisma.sql`hold_expires_at = now() + make_interval(mins => ${args.holdMinutes}::int)`);
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

  async reschedule(tx: Tx, args: { appointmentId: string; tenantId: string; version: number; startsAt: Date; endsAt: Date }): Promise<boolean> {
    const count = await tx.$executeRaw`
      UPDATE appointment SET starts_at = ${args.startsAt}, ends_at = ${args.endsAt}, version = version + 1, updated_at = now()
       WHERE id = ${args.appointmentId}::uuid AND tenant_id = ${args.tenantId}::uuid AND version = ${args.version}::int
         AND status IN ('HELD', 'BOOKED') AND (status <> 'HELD' OR hold_expires_at > now())`;
    return count === 1;
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

  /** Draws the next token number of a session, or null when it is full or not the actor's. */
  async drawToken(tx: Tx, tenantId: string, sessionId: string, branchIds: readonly string[]): Promise<number | null> {
    const rows = await tx.$queryRaw<{ issued: number }[]>`
      UPDATE capacity_session SET issued = issued + 1
       WHERE id = ${sessionId}::uuid AND tenant_id = ${tenantId}::uuid AND branch_id = ANY(${[...branchIds]}::uuid[])
         AND issued < capacity
      RETURNING issued`;
    return rows[0]?.issued ?? null;
  }

  async insertToken(tx: Tx, t: { id?: string; tenantId: string; sessionId: string; number: number; patientId: string; issuedBy: string }) {
    const rows = await tx.$queryRaw<{ id: string; createdAt: Date }[]>`
      INSERT INTO token (id, tenant_id, session_id, number, patient_id, issued_by)
      VALUES (${t.id ?? randomUUID()}::uuid, ${t.tenantId}::uuid, ${t.sessionId}::uuid, ${t.number}::int, ${t.patientId}::uuid, ${t.issuedBy}::uuid)
      RETURNING id, created_at AS "createdAt"`;
    return rows[0]!;
  }

  /** A token as it is now (a replayed issueToken returns it even once it is no longer live). */
  async token(db: Db | Tx, tenantId: string, tokenId: string) {
    const rows = await db.$queryRaw<{ id: string; sessionId: string; number: number; patientId: string; status: 'ISSUED' | 'CANCELLED'; createdAt: Date }[]>`
      SELECT id, session_id AS "sessionId", number, patient_id AS "patientId", status::text AS status, created_at AS "createdAt"
        FROM token WHERE id = ${tokenId}::uuid AND tenant_id = ${tenantId}::uuid`;
    return rows[0] ?? null;
  }

  async liveToken(db: Db | Tx, sessionId: string, patientId: string) {
    const rows = await db.$queryRaw<{ id: string; number: number; createdAt: Date }[]>`
      SELECT id, number, created_at AS "createdAt" FROM token
       WHERE session_id = ${sessionId}::uuid AND patient_id = ${patientId}::uuid AND status = 'ISSUED'`;
    return rows[0] ?? null;
  }

  async session(db: Db | Tx, tenantId: string, sessionId: string) {
    const rows = await db.$queryRaw<{ id: string; branchId: string; resourceId: string | null; name: string; startsAt: Date; endsAt: Date; capacity: number; issued: number; nowServing: number }[]>`
      SELECT id, branch_id AS "branchId", resource_id AS "resourceId", name, starts_at AS "startsAt", ends_at AS "endsAt",
             capacity, issued, now_serving AS "nowServing"
        FROM capacity_session WHERE id = ${sessionId}::uuid AND tenant_id = ${tenantId}::uuid`;
    return rows[0] ?? null;
  }

  /** The next session of the same branch (and resource) that still has tokens. */
  async nextSessionWithRoom(db: Db | Tx, tenantId: string, after: { branchId: string; resourceId: string | null; startsAt: Date }) {
    const rows = await db.$queryRaw<{ id: string; name: string; startsAt: Date; remaining: number }[]>`
      SELECT id, name, starts_at AS "startsAt", capacity - issued AS remaining
        FROM capacity_session
       WHERE tenant_id = ${tenantId}::uuid AND branch_id = ${after.branchId}::uuid
         AND resource_id IS NOT DISTINCT FROM ${after.resourceId}::uuid
         AND starts_at > ${after.startsAt} AND issued < capacity AND ends_at > now()
       ORDER BY starts_at LIMIT 1`;
    return rows[0] ?? null;
  }
}
