import { DomainError, type StaffAccountView, type StaffRole } from '@frontdesk/shared';
import { hashPassword } from '../auth/password.js';
import { TENANT_WIDE_ROLES } from '../auth/permissions.js';
import { assertBranch, type Actor } from '../auth/scope.js';
import { forbidden, notFound } from '../errors.js';
import { PG, sqlStateOf } from '../db/errors.js';
import { inTransaction, type Db, type Tx } from '../db/tx.js';
import { appendEvents } from '../sync/append.js';
import type { SessionHolds } from '../booking/session-holds.js';
import type { StaffAccountRow, StaffRepository } from './staff.repository.js';
import { temporaryPassword } from './temporary-password.js';

type Change = 'created' | 'disabled' | 'enabled' | 'branches' | 'role' | 'updated' | 'password_reset';

/** An account with the temporary password it was given, shown once to the person who set it up. */
export interface WithTemporaryPassword {
  staff: StaffAccountView;
  temporaryPassword: string;
}

function view(row: StaffAccountRow): StaffAccountView {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    role: row.role,
    branchIds: row.branches.map((b) => b.branchId),
    disabled: row.disabled,
    mustChangePassword: row.mustChangePassword,
  };
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x) => b.includes(x));

/**
 * Staff accounts. An admin manages anyone in the tenant; a branch manager
 * only receptionists whose branches are all among the manager's own.
 */
export class StaffService {
  constructor(
    private readonly db: Db,
    private readonly repo: StaffRepository,
    private readonly now: () => Date,
    /** Ending someone's sessions releases their desks' holds, in the same transaction. */
    private readonly holds: SessionHolds,
  ) {}

  async list(actor: Actor, input: { branchId?: string | undefined; includeDisabled: boolean }): Promise<StaffAccountView[]> {
    if (input.branchId) assertBranch(actor, input.branchId);
    const branchIds = input.branchId ? [input.branchId] : actor.role === 'ADMIN' ? null : actor.branchIds;
    const rows = await this.inTenant(actor, (tx) => this.repo.list(tx, actor.tenantId, { branchIds, includeDisabled: input.includeDisabled }));
    return rows.map(view);
  }

  /** An account with a password of its own, chosen by the person creating it. */
  create(actor: Actor, input: NewAccount & { password: string }): Promise<StaffAccountView> {
    return this.createAccount(actor, input, input.password, false);
  }

  /** An account with a temporary password (typed, or made here), to be changed at its first sign-in. */
  async invite(actor: Actor, input: NewAccount & { temporaryPassword?: string | undefined }): Promise<WithTemporaryPassword> {
    const password = input.temporaryPassword ?? temporaryPassword();
    return { staff: await this.createAccount(actor, input, password, true), temporaryPassword: password };
  }

  /** Name, role and branches. Nobody changes their own role, so the clinic always keeps the admin making changes. */
  async update(actor: Actor, input: { staffId: string; name: string; role: StaffRole; branchIds: string[] }): Promise<StaffAccountView> {
    if (input.staffId === actor.staffId && input.role !== actor.role) {
      throw new DomainError('BAD_INPUT', 'You cannot change your own role.', { field: 'role' });
    }
    if (actor.role !== 'ADMIN' && input.role !== 'RECEPTIONIST') throw forbidden('A branch manager can only manage receptionists.');
    return this.inTenant(actor, async (tx) => {
      const target = await this.manageable(tx, actor, input.staffId);
      const branchIds = await this.allowedBranches(tx, actor, input.role, input.branchIds);
      const previousBranchIds = target.branches.map((b) => b.branchId);
      const roleChanged = target.role !== input.role;
      const branchesChanged = !sameSet(previousBranchIds, branchIds);
      if (!roleChanged && !branchesChanged && target.name === input.name) return view(target);
      const row = await this.repo.update(tx, target.id, { name: input.name, role: input.role, branchIds });
      // A new role or branches changes what the account may see: its open streams re-check at once.
      await this.log(tx, actor, row, roleChanged ? 'role' : branchesChanged ? 'branches' : 'updated', roleChanged || branchesChanged ? previousBranchIds : undefined);
      return view(row);
    });
  }

  /**
   * A temporary password for someone else's account (typed, or made here),
   * shown once: every session of theirs ends, and their next sign-in asks for
   * a new one. Your own password is changed with the current one instead.
   */
  async resetPassword(actor: Actor, input: { staffId: string; temporaryPassword?: string | undefined }): Promise<WithTemporaryPassword> {
    if (input.staffId === actor.staffId) {
      throw new DomainError('BAD_INPUT', 'Change your own password with "Change password": it asks for the current one.', { field: 'staffId' });
    }
    const password = input.temporaryPassword ?? temporaryPassword();
    const passwordHash = await hashPassword(password);
    const staff = await this.inTenant(actor, async (tx) => {
      const target = await this.manageable(tx, actor, input.staffId);
      const row = await this.repo.setTemporaryPassword(tx, target.id, passwordHash, this.now());
      await this.holds.release(tx, actor.tenantId, { staffId: target.id }, { actorId: actor.staffId, desk: actor.desk });
      await this.log(tx, actor, row, 'password_reset');
      return view(row);
    });
    return { staff, temporaryPassword: password };
  }

  private async createAccount(actor: Actor, input: NewAccount, password: string, mustChangePassword: boolean): Promise<StaffAccountView> {
    if (actor.role !== 'ADMIN' && input.role !== 'RECEPTIONIST') throw forbidden('A branch manager can only create receptionists.');
    const passwordHash = await hashPassword(password);
    try {
      return await this.inTenant(actor, async (tx) => {
        const branchIds = await this.allowedBranches(tx, actor, input.role, input.branchIds);
        const existing = await this.repo.findByEmail(tx, actor.tenantId, input.email);
        if (existing) throw mayList(actor, existing) ? alreadyStaffHere() : emailUnusable();
        const row = await this.repo.create(tx, {
          tenantId: actor.tenantId, name: input.name, email: input.email, role: input.role, passwordHash, mustChangePassword, branchIds,
        });
        await this.log(tx, actor, row, 'created');
        return view(row);
      });
    } catch (error) {
      // Taken in another clinic (emails sign in globally): say no more than that it cannot be used.
      if (sqlStateOf(error) === PG.UNIQUE_VIOLATION) throw emailUnusable();
      throw error;
    }
  }

  /** Disabling ends the staff member's sessions (and so their live subscriptions) at once. */
  async setDisabled(actor: Actor, input: { staffId: string; disabled: boolean }): Promise<StaffAccountView> {
    if (input.staffId === actor.staffId) throw new DomainError('BAD_INPUT', 'You cannot disable your own account.', { field: 'staffId' });
    return this.inTenant(actor, async (tx) => {
      const target = await this.manageable(tx, actor, input.staffId);
      const row = await this.repo.setDisabled(tx, target.id, input.disabled, this.now());
      if (input.disabled) await this.holds.release(tx, actor.tenantId, { staffId: target.id }, { actorId: actor.staffId, desk: actor.desk });
      await this.log(tx, actor, row, input.disabled ? 'disabled' : 'enabled');
      return view(row);
    });
  }

  async setBranches(actor: Actor, input: { staffId: string; branchIds: string[] }): Promise<StaffAccountView> {
    return this.inTenant(actor, async (tx) => {
      const target = await this.manageable(tx, actor, input.staffId);
      if (TENANT_WIDE_ROLES.has(target.role)) {
        throw new DomainError('BAD_INPUT', 'This role works in every branch of the clinic.', { field: 'staffId' });
      }
      const branchIds = await this.allowedBranches(tx, actor, target.role, input.branchIds);
      const row = await this.repo.setBranches(tx, target.id, branchIds);
      // The branches left too: their managers are told someone no longer works there.
      await this.log(tx, actor, row, 'branches', target.branches.map((b) => b.branchId));
      return view(row);
    });
  }

  private inTenant<T>(actor: Actor, work: (tx: Tx) => Promise<T>): Promise<T> {
    return inTransaction(this.db, { tenantId: actor.tenantId }, work);
  }

  private async manageable(tx: Tx, actor: Actor, staffId: string): Promise<StaffAccountRow> {
    const target = await this.repo.find(tx, actor.tenantId, staffId);
    if (!target) throw notFound('staff member');
    if (actor.role === 'ADMIN') return target;
    const inOwnBranches = target.branches.every((b) => actor.branchIds.includes(b.branchId));
    if (target.role !== 'RECEPTIONIST' || !inOwnBranches) throw forbidden('You can only manage receptionists of your own branches.');
    return target;
  }

  /** The branches to give a staff member of `role`: the tenant's, the actor's, and none for tenant-wide roles. */
  private async allowedBranches(tx: Tx, actor: Actor, role: StaffRole, requested: readonly string[]): Promise<string[]> {
    const unique = [...new Set(requested)];
    if (TENANT_WIDE_ROLES.has(role)) return [];
    if (unique.length === 0) throw new DomainError('BAD_INPUT', 'Choose at least one branch.', { field: 'branchIds' });
    const found = await this.repo.tenantBranchIds(tx, actor.tenantId, unique);
    if (found.length !== unique.length) throw notFound('branch');
    for (const branchId of unique) assertBranch(actor, branchId);
    return unique;
  }

  private log(tx: Tx, actor: Actor, row: StaffAccountRow, change: Change, previousBranchIds?: string[]): Promise<void> {
    return appendEvents(tx, { actorId: actor.staffId, desk: actor.desk }, [
      {
        type: 'staff.changed',
        tenantId: actor.tenantId,
        branchId: null,
        aggregateId: row.id,
        payload: { staffId: row.id, change, role: row.role, branchIds: row.branches.map((b) => b.branchId), ...(previousBranchIds && { previousBranchIds }) },
      },
    ]);
  }
}

interface NewAccount {
  name: string;
  email: string;
  role: StaffRole;
  branchIds: string[];
}

/** Whether `actor` sees `row` in the staff list anyway: an admin sees everyone, a manager her branches' staff. */
function mayList(actor: Actor, row: StaffAccountRow): boolean {
  return actor.role === 'ADMIN' || row.branches.some((b) => actor.branchIds.includes(b.branchId));
}

function alreadyStaffHere(): DomainError<'BAD_INPUT'> {
  return new DomainError('BAD_INPUT', 'That email already belongs to a staff member of this clinic.', { field: 'email' });
}

/**
 * The answer for an email taken where the actor cannot see it, in another
 * clinic or outside a manager's branches: the same words either way.
 */
function emailUnusable(): DomainError<'BAD_INPUT'> {
  return new DomainError('BAD_INPUT', 'That email cannot be used for a new account. Choose another.', { field: 'email' });
}
