import { createHash, randomBytes } from 'node:crypto';
import { DomainError, type StaffView } from '@frontdesk/shared';
import type { AuthRepository, StaffRow } from './auth.repository.js';
import { dummyHash, hashPassword, verifyPassword } from './password.js';
import { TENANT_WIDE_ROLES } from './permissions.js';
import type { Actor } from './scope.js';

export const SESSION_HOURS = 12;

/** Login throttling: failures counted in a sliding window, then a lockout. */
export const THROTTLE = {
  windowMinutes: 15,
  lockMinutes: 15,
  perAccount: 5,
  perAddress: 20,
  /** Attempts older than this are deleted now and then. */
  keepHours: 24,
} as const;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function tooManyAttempts(latest: Date | null, now: Date): DomainError<'TOO_MANY_ATTEMPTS'> {
  const until = (latest ?? now).getTime() + THROTTLE.lockMinutes * 60_000;
  const retryAfterSeconds = Math.max(1, Math.ceil((until - now.getTime()) / 1000));
  return new DomainError('TOO_MANY_ATTEMPTS', `Too many failed sign-ins. Try again in ${Math.ceil(retryAfterSeconds / 60)} minutes.`, { retryAfterSeconds });
}

export class AuthService {
  constructor(
    private readonly repo: AuthRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async login(input: { email: string; password: string; desk: string }, ip = 'unknown'): Promise<{ token: string; staff: StaffView; expiresAt: string }> {
    const now = this.now();
    await this.assertNotLocked(input.email, ip, now);
    const staff = await this.repo.findStaffByEmail(input.email);
    const ok = staff
      ? await verifyPassword(staff.passwordHash, input.password)
      : await verifyPassword(await dummyHash(), input.password);
    if (!staff || !ok || staff.disabled) {
      await this.repo.recordLoginAttempt(input.email, ip, false, now);
      throw new DomainError('UNAUTHORIZED', 'That email and password do not match an active account.', {});
    }
    await this.repo.recordLoginAttempt(input.email, ip, true, now);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3_600_000);
    await this.repo.createSession(staff.id, hashToken(token), input.desk, expiresAt);
    if (Math.random() < 0.05) await this.repo.pruneLoginAttempts(new Date(now.getTime() - THROTTLE.keepHours * 3_600_000));
    return { token, staff: await this.view(staff), expiresAt: expiresAt.toISOString() };
  }

  /** The actor behind a bearer token, or null when it is unknown, expired or revoked, or its staff member disabled. */
  async authenticate(token: string): Promise<Actor | null> {
    const row = await this.repo.liveActor(hashToken(token), this.now(), [...TENANT_WIDE_ROLES]);
    if (!row) return null;
    return { staffId: row.staffId, tenantId: row.tenantId, role: row.role, name: row.name, branchIds: row.branchIds, sessionId: row.sessionId, desk: row.desk };
  }

  logout(actor: Actor): Promise<void> {
    return this.repo.revokeSession(actor.sessionId, this.now());
  }

  /** Signs the staff member out on every desk, this one included. */
  async logoutEverywhere(actor: Actor): Promise<{ revoked: number }> {
    return { revoked: await this.repo.revokeSessionsOf(actor.staffId, this.now()) };
  }

  /** Changes the actor's password; every other session of theirs ends. */
  async changePassword(actor: Actor, input: { currentPassword: string; newPassword: string }, ip = 'unknown'): Promise<{ ok: true }> {
    const now = this.now();
    const staff = await this.repo.findStaffById(actor.staffId);
    if (!staff) throw new DomainError('UNAUTHORIZED', 'Please sign in again.', {});
    await this.assertNotLocked(staff.email, ip, now);
    if (!(await verifyPassword(staff.passwordHash, input.currentPassword))) {
      // Counts like a failed sign-in, so a stolen session cannot guess the password.
      await this.repo.recordLoginAttempt(staff.email, ip, false, now);
      throw new DomainError('BAD_INPUT', 'The current password is not right.', { field: 'currentPassword' });
    }
    if (input.newPassword === input.currentPassword) {
      throw new DomainError('BAD_INPUT', 'The new password must differ from the current one.', { field: 'newPassword' });
    }
    await this.repo.changePassword(staff, await hashPassword(input.newPassword), actor.sessionId, now, { actorId: actor.staffId, desk: actor.desk });
    return { ok: true };
  }

  private async assertNotLocked(email: string, ip: string, now: Date): Promise<void> {
    const since = new Date(now.getTime() - THROTTLE.windowMinutes * 60_000);
    const [account, address] = await Promise.all([this.repo.accountFailures(email, since), this.repo.addressFailures(ip, since)]);
    if (account.count >= THROTTLE.perAccount) throw tooManyAttempts(account.latest, now);
    if (address.count >= THROTTLE.perAddress) throw tooManyAttempts(address.latest, now);
  }

  private async view(staff: StaffRow): Promise<StaffView> {
    const branchIds = TENANT_WIDE_ROLES.has(staff.role)
      ? await this.repo.tenantBranchIds(staff.tenantId)
      : staff.branches.map((b) => b.branchId);
    return { id: staff.id, tenantId: staff.tenantId, name: staff.name, email: staff.email, role: staff.role, branchIds };
  }
}
