import { createHash, randomBytes } from 'node:crypto';
import { DomainError, type StaffView } from '@frontdesk/shared';
import type { AuthRepository, StaffRow } from './auth.repository.js';
import { dummyHash, verifyPassword } from './password.js';
import { TENANT_WIDE_ROLES } from './permissions.js';
import type { Actor } from './scope.js';

export const SESSION_HOURS = 12;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class AuthService {
  constructor(
    private readonly repo: AuthRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async login(input: { email: string; password: string; desk: string }): Promise<{ token: string; staff: StaffView; expiresAt: string }> {
    const staff = await this.repo.findStaffByEmail(input.email);
    const ok = staff
      ? await verifyPassword(staff.passwordHash, input.password)
      : await verifyPassword(await dummyHash(), input.password);
    if (!staff || !ok || staff.disabled) {
      throw new DomainError('UNAUTHORIZED', 'That email and password do not match an active account.', {});
    }
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.now().getTime() + SESSION_HOURS * 3_600_000);
    await this.repo.createSession(staff.id, hashToken(token), input.desk, expiresAt);
    return { token, staff: await this.view(staff), expiresAt: expiresAt.toISOString() };
  }

  /** The actor behind a bearer token, or null when it is unknown, expired or revoked. */
  async authenticate(token: string): Promise<Actor | null> {
    const session = await this.repo.findLiveSession(hashToken(token), this.now());
    if (!session) return null;
    const view = await this.view(session.staff);
    return {
      staffId: view.id,
      tenantId: view.tenantId,
      role: view.role,
      name: view.name,
      branchIds: view.branchIds,
      sessionId: session.id,
      desk: session.desk,
    };
  }

  logout(actor: Actor): Promise<void> {
    return this.repo.revokeSession(actor.sessionId, this.now());
  }

  private async view(staff: StaffRow): Promise<StaffView> {
    const branchIds = TENANT_WIDE_ROLES.has(staff.role)
      ? await this.repo.tenantBranchIds(staff.tenantId)
      : staff.branches.map((b) => b.branchId);
    return { id: staff.id, tenantId: staff.tenantId, name: staff.name, email: staff.email, role: staff.role, branchIds };
  }
}
