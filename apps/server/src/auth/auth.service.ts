import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { LRUCache } from 'lru-cache';
import { DomainError, type StaffView } from '@frontdesk/shared';
import { onCommitted, type CommittedEvent } from '../db/commit-wake.js';
import { inTransaction, type Db } from '../db/tx.js';
import { addressKey } from './address-key.js';
import { throttleLockKeys, type AuthRepository, type Reservation, type StaffRow } from './auth.repository.js';
import { DUMMY_HASH, hashPassword, verifyPassword } from './password.js';
import { TENANT_WIDE_ROLES } from './permissions.js';
import type { Actor } from './scope.js';
import type { SessionHolds } from '../booking/session-holds.js';

export const SESSION_HOURS = 12;

/**
 * Login throttling. Per account: its password is checked at most `perAccount`
 * times in a window (counting since its last success), so guessing is slow.
 * Per address: at most `perAddress` failed checks in a window, across
 * accounts, so one machine cannot spray many accounts. A check is reserved
 * before the password is verified, so a burst gets no more than the limit.
 */
export const THROTTLE = {
  windowMinutes: 15,
  perAccount: 5,
  perAddress: 20,
  /** Attempts older than this are deleted now and then. */
  keepHours: 24,
} as const;

/**
 * How long a looked-up session answers again without asking the database.
 * Any event that can change who a session is (signed out, disabled, another
 * role, branches or password; a branch created or closed) drops its tenant's
 * sessions the moment this process knows of the commit: at once for its own
 * commits, within the log reader's wake-up for other processes'.
 */
const SESSION_CACHE_MS = 2_000;

/** Events after which a tenant's cached sessions are looked up again. */
function changesSessions(e: CommittedEvent): boolean {
  return e.type.startsWith('staff.') || e.type.startsWith('branch.') || e.type.startsWith('tenant.');
}

/** How long a sign-in waits for other checks of the same account or address to settle before it is refused. */
const IN_FLIGHT_WAIT_MS = 3_000;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The refusal, saying when the fullest window frees a place again. */
function tooManyAttempts(refused: Extract<Reservation, { attemptId: null }>, now: Date): DomainError<'TOO_MANY_ATTEMPTS'> {
  const oldest = Math.max(refused.account?.getTime() ?? 0, refused.address?.getTime() ?? 0, 0) || now.getTime();
  const until = oldest + THROTTLE.windowMinutes * 60_000;
  const retryAfterSeconds = Math.max(1, Math.ceil((until - now.getTime()) / 1000));
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return new DomainError(
    'TOO_MANY_ATTEMPTS',
    `Too many failed sign-ins. Try again in ${minutes === 1 ? '1 minute' : `${minutes} minutes`}.`,
    { retryAfterSeconds },
  );
}

/** What signing in gives a desk: its token, who it is, and whether a new password must be chosen before anything else. */
export interface SignedIn {
  token: string;
  staff: StaffView;
  expiresAt: string;
  mustChangePassword: boolean;
}

/** The staff member a session is opened for. */
export type SessionStaff = Pick<StaffRow, 'id' | 'tenantId' | 'name' | 'email' | 'role' | 'branches'>;

export class AuthService {
  private readonly sessions = new LRUCache<string, { actor: Actor; at: number }>({ max: 10_000, ttl: SESSION_CACHE_MS });
  /** Moves on at every drop, so a lookup that raced with one is not kept. */
  private dropped = 0;

  constructor(
    private readonly db: Db,
    private readonly repo: AuthRepository,
    private readonly holds: SessionHolds,
    private readonly now: () => Date = () => new Date(),
  ) {
    onCommitted((events) => {
      const tenants = new Set(events.filter(changesSessions).map((e) => e.tenantId));
      if (tenants.size === 0) return;
      this.dropped++;
      for (const [key, entry] of this.sessions.entries()) if (tenants.has(entry.actor.tenantId)) this.sessions.delete(key);
    });
  }

  async login(input: { email: string; password: string; desk: string }, ip = 'unknown'): Promise<SignedIn> {
    const now = this.now();
    const staff = await this.checkPassword(input.email, ip, now, async () => {
      const found = await this.repo.findStaffByEmail(this.db, input.email);
      // Unknown and disabled accounts cost one verification too, and get the same answer.
      const ok = await verifyPassword(found?.passwordHash ?? DUMMY_HASH, input.password);
      return ok && found && !found.disabled ? found : null;
    });
    if (!staff) throw new DomainError('UNAUTHORIZED', 'That email and password do not match an active account.', {});
    if (Math.random() < 0.05) await this.repo.pruneLoginAttempts(this.db, new Date(now.getTime() - THROTTLE.keepHours * 3_600_000));
    return this.openSession(staff, input.desk);
  }

  /**
   * A new session for a staff member whose identity is settled: a password
   * just checked, or the first run that made the account.
   */
  async openSession(staff: SessionStaff, desk: string): Promise<SignedIn> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.now().getTime() + SESSION_HOURS * 3_600_000);
    const mustChangePassword = await inTransaction(this.db, { tenantId: staff.tenantId }, async (tx) => {
      await this.repo.createSession(tx, staff.id, hashToken(token), desk, expiresAt);
      return this.repo.mustChangePassword(tx, staff.tenantId, staff.id);
    });
    return { token, staff: await this.view(staff), expiresAt: expiresAt.toISOString(), mustChangePassword };
  }

  /** The actor behind a bearer token, or null when it is unknown, expired or revoked, or its staff member disabled. */
  async authenticate(token: string): Promise<Actor | null> {
    const tokenHash = hashToken(token);
    const now = this.now().getTime();
    const cached = this.sessions.get(tokenHash);
    // Measured on the injected clock too, so a clock moved on is never answered from memory.
    if (cached && now >= cached.at && now - cached.at < SESSION_CACHE_MS) return { ...cached.actor, branchIds: [...cached.actor.branchIds] };
    const dropped = this.dropped;
    const actor = await this.lookUp(tokenHash, new Date(now));
    if (actor && dropped === this.dropped) this.sessions.set(tokenHash, { actor: { ...actor, branchIds: [...actor.branchIds] }, at: now });
    return actor;
  }

  private async lookUp(tokenHash: string, now: Date): Promise<Actor | null> {
    const row = await this.repo.liveActor(this.db, tokenHash, now, [...TENANT_WIDE_ROLES]);
    if (!row) return null;
    return {
      staffId: row.staffId,
      tenantId: row.tenantId,
      role: row.role,
      name: row.name,
      branchIds: row.branchIds,
      sessionId: row.sessionId,
      desk: row.desk,
      mustChangePassword: row.mustChangePassword,
    };
  }

  /** Ends this session; its desk's holds are released in the same transaction (the time is free on every desk at once). */
  logout(actor: Actor): Promise<void> {
    const author = { actorId: actor.staffId, desk: actor.desk };
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      await this.repo.revokeSession(tx, actor.tenantId, actor.sessionId, this.now(), actor.staffId, author);
      await this.holds.release(tx, actor.tenantId, { sessionId: actor.sessionId }, author);
    });
  }

  /** Signs the staff member out on every desk, this one included, releasing the holds of each. */
  async logoutEverywhere(actor: Actor): Promise<{ revoked: number }> {
    const author = { actorId: actor.staffId, desk: actor.desk };
    const revoked = await inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      const count = await this.repo.revokeSessionsOf(tx, actor.tenantId, actor.staffId, this.now(), author);
      await this.holds.release(tx, actor.tenantId, { staffId: actor.staffId }, author);
      return count;
    });
    return { revoked };
  }

  /** Changes the actor's password; every other session of theirs ends. */
  async changePassword(actor: Actor, input: { currentPassword: string; newPassword: string }, ip = 'unknown'): Promise<{ ok: true }> {
    const now = this.now();
    const staff = await inTransaction(this.db, { tenantId: actor.tenantId }, (tx) => this.repo.findStaffById(tx, actor.tenantId, actor.staffId));
    if (!staff) throw new DomainError('UNAUTHORIZED', 'Please sign in again.', {});
    if (input.newPassword === input.currentPassword) {
      throw new DomainError('BAD_INPUT', 'The new password must differ from the current one.', { field: 'newPassword' });
    }
    // Throttled like a sign-in, so a stolen session cannot guess the password.
    const ok = await this.checkPassword(staff.email, ip, now, () => verifyPassword(staff.passwordHash, input.currentPassword));
    if (!ok) throw new DomainError('BAD_INPUT', 'The current password is not right.', { field: 'currentPassword' });
    const passwordHash = await hashPassword(input.newPassword);
    const author = { actorId: actor.staffId, desk: actor.desk };
    await inTransaction(this.db, { tenantId: staff.tenantId }, async (tx) => {
      await this.repo.changePassword(tx, staff, passwordHash, actor.sessionId, now, author);
      // The other sessions just ended: their holds go with them.
      await this.holds.release(tx, actor.tenantId, { staffId: actor.staffId, exceptSessionId: actor.sessionId }, author);
    });
    return { ok: true };
  }

  /**
   * Runs one password check under the throttle: reserves the attempt first
   * (refusing with TOO_MANY_ATTEMPTS when a limit is full), then checks, then
   * records the outcome. A check that throws counts as a failure.
   */
  private async checkPassword<T>(email: string, ip: string, now: Date, check: () => Promise<T>): Promise<T> {
    const since = new Date(now.getTime() - THROTTLE.windowMinutes * 60_000);
    const limits = { since, perAccount: THROTTLE.perAccount, perAddress: THROTTLE.perAddress };
    const reserve = () => {
      const address = addressKey(ip);
      // No tenant yet: login attempts belong to none.
      return inTransaction(this.db, { tenantId: null, locks: throttleLockKeys(email, address) }, (tx) => this.repo.reserveLoginAttempt(tx, email, address, now, limits));
    };
    let reservation = await reserve();
    // Several desks signing in to one account at once: wait for the checks in flight to settle
    // (a success frees the window) rather than refusing the rest as if they had failed.
    for (const waitUntil = Date.now() + IN_FLIGHT_WAIT_MS; reservation.attemptId === null && reservation.inFlight > 0 && Date.now() < waitUntil; ) {
      await sleep(25 + Math.random() * 50);
      reservation = await reserve();
    }
    if (reservation.attemptId === null) throw tooManyAttempts(reservation, now);
    let outcome: T | null = null;
    try {
      outcome = await check();
      return outcome;
    } finally {
      await this.repo.settleLoginAttempt(this.db, reservation.attemptId, Boolean(outcome));
    }
  }

  private async view(staff: SessionStaff): Promise<StaffView> {
    const branchIds = TENANT_WIDE_ROLES.has(staff.role)
      ? await inTransaction(this.db, { tenantId: staff.tenantId }, (tx) => this.repo.tenantBranchIds(tx, staff.tenantId))
      : staff.branches.map((b) => b.branchId);
    return { id: staff.id, tenantId: staff.tenantId, name: staff.name, email: staff.email, role: staff.role, branchIds };
  }
}
