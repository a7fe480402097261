import { createHash } from 'node:crypto';
import type { StaffRole } from '@frontdesk/shared';
import type { Db, Tx } from '../db/tx.js';
import { appendEvents, type AnyNewEvent, type EventAuthor } from '../sync/append.js';
import type { Prisma } from '../db/prisma.js';

const staffSelect = {
  id: true,
  tenantId: true,
  name: true,
  email: true,
  role: true,
  passwordHash: true,
  disabled: true,
  branches: { select: { branchId: true } },
} satisfies Prisma.StaffSelect;

export interface LiveActorRow {
  sessionId: string;
  desk: string;
  staffId: string;
  tenantId: string;
  name: string;
  role: StaffRole;
  branchIds: string[];
  mustChangePassword: boolean;
}

export type StaffRow = Prisma.StaffGetPayload<{ select: typeof staffSelect }>;

type LoginLookupRow = Omit<StaffRow, 'branches'> & { branchIds: string[] };

/** How many failed (or still running) sign-ins the throttle allows, and over how long. */
export interface ThrottleLimits {
  since: Date;
  perAccount: number;
  perAddress: number;
}

/** A sign-in attempt: reserved (its password may be checked), or refused by the throttle. */
export type Reservation =
  | { attemptId: bigint }
  | {
      attemptId: null;
      /** The oldest of the newest failures that fill a full window; the lock ends when it leaves the window. */
      account: Date | null;
      address: Date | null;
      /** Attempts still being checked among those that fill the window: they may yet succeed and free it. */
      inFlight: number;
    };

interface ReservationRow {
  id: bigint | null;
  accountCount: number;
  accountOldest: Date | null;
  addressCount: number;
  addressOldest: Date | null;
  inFlight: number;
}

// Advisory-lock keys for one email and one client address, each in a namespace
// of its own. Every reservation takes the email's lock before the address's, so
// two reservations never wait on each other in a cycle.
function lockKey(kind: 'email' | 'ip', value: string): bigint {
  return createHash('sha256').update(`frontdesk login throttle:${kind}:${value}`).digest().readBigInt64BE(0);
}

/** The locks a login-attempt reservation takes, in order, before `reserveLoginAttempt` runs. */
export function throttleLockKeys(email: string, ip: string): bigint[] {
  return [lockKey('email', email.toLowerCase()), lockKey('ip', ip)];
}

// Every statement of sign-in, sessions and the login throttle. Receives the
// client (or the transaction) as an argument; the service decides what runs in
// which transaction.
export class AuthRepository {
  /**
   * The login lookup: the account behind an email, in any tenant (nobody is
   * known yet), through the narrow cross-tenant function made for it.
   */
  async findStaffByEmail(db: Db, email: string): Promise<StaffRow | null> {
    const rows = await db.$queryRaw<LoginLookupRow[]>`
      SELECT id::text, tenant_id::text AS "tenantId", name, email, role, password_hash AS "passwordHash", disabled, branch_ids::text[] AS "branchIds"
        FROM frontdesk_login_lookup(${email.toLowerCase()})`;
    const row = rows[0];
    if (!row) return null;
    const { branchIds, ...staff } = row;
    return { ...staff, branches: branchIds.map((branchId) => ({ branchId })) };
  }

  /**
   * The session lookup: the actor behind a live session, with the branches
   * they may act in, in one round trip (every request asks this), through the
   * narrow cross-tenant function made for it.
   */
  async liveActor(db: Db, tokenHash: string, now: Date, tenantWideRoles: readonly string[]): Promise<LiveActorRow | null> {
    const rows = await db.$queryRaw<LiveActorRow[]>`
      SELECT * FROM frontdesk_session_actor(${tokenHash}, ${now}::timestamptz, ${[...tenantWideRoles]}::text[])`;
    return rows[0] ?? null;
  }

  findStaffById(db: Db | Tx, tenantId: string, staffId: string): Promise<StaffRow | null> {
    return db.staff.findFirst({ where: { id: staffId, tenantId }, select: staffSelect });
  }

  async tenantBranchIds(db: Db | Tx, tenantId: string): Promise<string[]> {
    const rows = await db.branch.findMany({ where: { tenantId }, select: { id: true }, orderBy: { name: 'asc' } });
    return rows.map((r) => r.id);
  }

  createSession(db: Db | Tx, staffId: string, tokenHash: string, desk: string, expiresAt: Date): Promise<{ id: string }> {
    return db.staffSession.create({ data: { staffId, tokenHash, desk, expiresAt }, select: { id: true } });
  }

  /** Whether the staff member signs in with a temporary password (set by someone else) and must choose their own. */
  async mustChangePassword(db: Db | Tx, tenantId: string, staffId: string): Promise<boolean> {
    const row = await db.staff.findFirst({ where: { id: staffId, tenantId }, select: { mustChangePassword: true } });
    return row?.mustChangePassword ?? false;
  }

  /** Ends one session; the log says so in the same transaction, so the staff member's open streams stop at once. */
  async revokeSession(tx: Tx, tenantId: string, sessionId: string, now: Date, staffId: string, author: EventAuthor): Promise<void> {
    const { count } = await tx.staffSession.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: now } });
    if (count > 0) await appendEvents(tx, author, [signedOut(tenantId, staffId, false)]);
  }

  /** Revokes every live session of a staff member, logged like a single sign-out. */
  async revokeSessionsOf(tx: Tx, tenantId: string, staffId: string, now: Date, author: EventAuthor): Promise<number> {
    const { count } = await tx.staffSession.updateMany({ where: { staffId, revokedAt: null }, data: { revokedAt: now } });
    if (count > 0) await appendEvents(tx, author, [signedOut(tenantId, staffId, true)]);
    return count;
  }

  /** Sets a new password hash (their own: no change is forced any more), revokes the staff member's other sessions, logs it. */
  async changePassword(tx: Tx, staff: StaffRow, passwordHash: string, keepSessionId: string, now: Date, author: EventAuthor): Promise<void> {
    await tx.staff.update({ where: { id: staff.id }, data: { passwordHash, mustChangePassword: false }, select: { id: true } });
    await tx.staffSession.updateMany({ where: { staffId: staff.id, revokedAt: null, id: { not: keepSessionId } }, data: { revokedAt: now } });
    await appendEvents(tx, author, [
      {
        type: 'staff.changed',
        tenantId: staff.tenantId,
        branchId: null,
        aggregateId: staff.id,
        payload: { staffId: staff.id, change: 'password', role: staff.role, branchIds: staff.branches.map((b) => b.branchId) },
      },
    ]);
  }

  /**
   * Counts the account's and the address's failed or still-running attempts in
   * the window and, when both are under their limits, records a running
   * attempt, as one step: advisory locks on the email and the address make
   * concurrent reservations (from any server process) take turns. An account's
   * count starts after its latest success; an address's does not reset.
   * Run it in a transaction that holds `throttleLockKeys(email, ip)`.
   */
  async reserveLoginAttempt(tx: Tx, email: string, ip: string, now: Date, limits: ThrottleLimits): Promise<Reservation> {
    const account = email.toLowerCase();
    const rows = await tx.$queryRaw<ReservationRow[]>`
      WITH account AS (
        SELECT a."at", a."succeeded" FROM "login_attempt" a
         WHERE a."email" = ${account} AND a."at" > ${limits.since} AND a."succeeded" IS NOT TRUE
           AND a."id" > coalesce((SELECT max(s."id") FROM "login_attempt" s WHERE s."email" = ${account} AND s."succeeded"), 0)
         ORDER BY a."at" DESC LIMIT ${limits.perAccount}::int
      ), address AS (
        SELECT a."at", a."succeeded" FROM "login_attempt" a
         WHERE a."ip" = ${ip} AND a."at" > ${limits.since} AND a."succeeded" IS NOT TRUE
         ORDER BY a."at" DESC LIMIT ${limits.perAddress}::int
      ), verdict AS (
        SELECT (SELECT count(*) FROM account)::int AS "accountCount", (SELECT min("at") FROM account) AS "accountOldest",
               (SELECT count(*) FROM address)::int AS "addressCount", (SELECT min("at") FROM address) AS "addressOldest",
               ((SELECT count(*) FROM account WHERE "succeeded" IS NULL) + (SELECT count(*) FROM address WHERE "succeeded" IS NULL))::int AS "inFlight"
      ), reserved AS (
        INSERT INTO "login_attempt" ("email", "ip", "succeeded", "at")
        SELECT ${account}, ${ip}, NULL, ${now} FROM verdict
         WHERE "accountCount" < ${limits.perAccount}::int AND "addressCount" < ${limits.perAddress}::int
        RETURNING "id"
      )
      SELECT (SELECT "id" FROM reserved) AS "id", v.* FROM verdict v`;
    const row = rows[0];
    if (!row) throw new Error('login throttle: the reservation query returned no row');
    if (row.id !== null) return { attemptId: row.id };
    return {
      attemptId: null,
      account: row.accountCount >= limits.perAccount ? row.accountOldest : null,
      address: row.addressCount >= limits.perAddress ? row.addressOldest : null,
      inFlight: row.inFlight,
    };
  }

  /** Records how a reserved attempt ended; a success resets its account's count. */
  async settleLoginAttempt(db: Db, attemptId: bigint, succeeded: boolean): Promise<void> {
    await db.loginAttempt.updateMany({ where: { id: attemptId, succeeded: null }, data: { succeeded } });
  }

  /** Forgets attempts too old to matter to any throttle. */
  async pruneLoginAttempts(db: Db, before: Date): Promise<void> {
    await db.loginAttempt.deleteMany({ where: { at: { lt: before } } });
  }
}

function signedOut(tenantId: string, staffId: string, everywhere: boolean): AnyNewEvent {
  return { type: 'staff.signed_out', tenantId, branchId: null, aggregateId: staffId, payload: { staffId, everywhere } };
}
