import type { StaffRole } from '@frontdesk/shared';
import { inTransaction, type Db } from '../db/tx.js';
import { appendEvents, type EventAuthor } from '../sync/append.js';
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
}

export type StaffRow = Prisma.StaffGetPayload<{ select: typeof staffSelect }>;

export class AuthRepository {
  constructor(private readonly db: Db) {}

  findStaffByEmail(email: string): Promise<StaffRow | null> {
    return this.db.staff.findUnique({ where: { email: email.toLowerCase() }, select: staffSelect });
  }

  async tenantBranchIds(tenantId: string): Promise<string[]> {
    const rows = await this.db.branch.findMany({ where: { tenantId }, select: { id: true }, orderBy: { name: 'asc' } });
    return rows.map((r) => r.id);
  }

  createSession(staffId: string, tokenHash: string, desk: string, expiresAt: Date): Promise<{ id: string }> {
    return this.db.staffSession.create({ data: { staffId, tokenHash, desk, expiresAt }, select: { id: true } });
  }

  /**
   * The actor behind a live session, with the branches they may act in, in
   * one round trip: every request asks this, so it is kept to one query.
   */
  async liveActor(tokenHash: string, now: Date, tenantWideRoles: readonly string[]): Promise<LiveActorRow | null> {
    const rows = await this.db.$queryRaw<LiveActorRow[]>`
      SELECT s.id AS "sessionId", s.desk, st.id AS "staffId", st.tenant_id AS "tenantId", st.name, st.role::text AS role,
             CASE WHEN st.role::text = ANY(${[...tenantWideRoles]}::text[])
                  THEN (SELECT COALESCE(array_agg(b.id::text ORDER BY b.name), '{}') FROM branch b WHERE b.tenant_id = st.tenant_id)
                  ELSE (SELECT COALESCE(array_agg(sb.branch_id::text ORDER BY sb.branch_id), '{}') FROM staff_branch sb WHERE sb.staff_id = st.id)
             END AS "branchIds"
        FROM staff_session s JOIN staff st ON st.id = s.staff_id
       WHERE s.token_hash = ${tokenHash} AND s.revoked_at IS NULL AND s.expires_at > ${now} AND NOT st.disabled`;
    return rows[0] ?? null;
  }

  async revokeSession(sessionId: string, now: Date): Promise<void> {
    await this.db.staffSession.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: now } });
  }

  /** Revokes every live session of a staff member, except `keepSessionId` when given. */
  async revokeSessionsOf(staffId: string, now: Date, keepSessionId: string | null = null): Promise<number> {
    const result = await this.db.staffSession.updateMany({
      where: { staffId, revokedAt: null, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) },
      data: { revokedAt: now },
    });
    return result.count;
  }

  findStaffById(staffId: string): Promise<StaffRow | null> {
    return this.db.staff.findUnique({ where: { id: staffId }, select: staffSelect });
  }

  /** Sets a new password hash, revokes the staff member's other sessions, logs it. */
  async changePassword(staff: StaffRow, passwordHash: string, keepSessionId: string, now: Date, author: EventAuthor): Promise<void> {
    await inTransaction(this.db, { tenantId: staff.tenantId }, async (tx) => {
      await tx.staff.update({ where: { id: staff.id }, data: { passwordHash }, select: { id: true } });
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
    });
  }

  async recordLoginAttempt(email: string, ip: string, succeeded: boolean, at: Date): Promise<void> {
    await this.db.loginAttempt.create({ data: { email: email.toLowerCase(), ip, succeeded, at }, select: { id: true } });
  }

  /**
   * Failures for an account since `since` and since its last success, and
   * the newest of them. A success resets the account's count.
   */
  async accountFailures(email: string, since: Date): Promise<{ count: number; latest: Date | null }> {
    const rows = await this.db.$queryRaw<{ count: number; latest: Date | null }[]>`
      SELECT count(*)::int AS count, max(a."at") AS latest FROM "login_attempt" a
       WHERE a."email" = ${email.toLowerCase()} AND NOT a."succeeded" AND a."at" > ${since}
         AND a."at" > coalesce((SELECT max(s."at") FROM "login_attempt" s WHERE s."email" = ${email.toLowerCase()} AND s."succeeded"), '-infinity')`;
    return rows[0] ?? { count: 0, latest: null };
  }

  /** Failures from one client address since `since`, and the newest of them. */
  async addressFailures(ip: string, since: Date): Promise<{ count: number; latest: Date | null }> {
    const rows = await this.db.$queryRaw<{ count: number; latest: Date | null }[]>`
      SELECT count(*)::int AS count, max("at") AS latest FROM "login_attempt"
       WHERE "ip" = ${ip} AND NOT "succeeded" AND "at" > ${since}`;
    return rows[0] ?? { count: 0, latest: null };
  }

  /** Forgets attempts too old to matter to any throttle. */
  async pruneLoginAttempts(before: Date): Promise<void> {
    await this.db.loginAttempt.deleteMany({ where: { at: { lt: before } } });
  }
}
