import type { StaffRole } from '@frontdesk/shared';
import type { Prisma } from '../db/prisma.js';
import type { Db, Tx } from '../db/tx.js';

export const staffAccountSelect = {
  id: true,
  tenantId: true,
  name: true,
  email: true,
  role: true,
  disabled: true,
  mustChangePassword: true,
  branches: { select: { branchId: true }, orderBy: { branchId: 'asc' } },
} satisfies Prisma.StaffSelect;

export type StaffAccountRow = Prisma.StaffGetPayload<{ select: typeof staffAccountSelect }>;

// Staff accounts' statements. Receives the client (or the transaction) as an argument.
export class StaffRepository {
  async list(db: Db | Tx, tenantId: string, filter: { branchIds: readonly string[] | null; includeDisabled: boolean }): Promise<StaffAccountRow[]> {
    return db.staff.findMany({
      where: {
        tenantId,
        id: { notIn: await this.apiClientAccounts(db, tenantId) },
        ...(filter.includeDisabled ? {} : { disabled: false }),
        ...(filter.branchIds ? { branches: { some: { branchId: { in: [...filter.branchIds] } } } } : {}),
      },
      select: staffAccountSelect,
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
    });
  }

  /** A staff member's account; an API client's own account is not one (it is managed as the client, never enabled or given a password). */
  async find(db: Db | Tx, tenantId: string, staffId: string): Promise<StaffAccountRow | null> {
    if ((await this.apiClientAccounts(db, tenantId)).includes(staffId)) return null;
    return db.staff.findFirst({ where: { id: staffId, tenantId }, select: staffAccountSelect });
  }

  /** The accounts API clients act through (apps/server/src/api-clients): out of the staff screens' reach. */
  private async apiClientAccounts(db: Db | Tx, tenantId: string): Promise<string[]> {
    return (await db.apiClient.findMany({ where: { tenantId }, select: { staffId: true } })).map((c) => c.staffId);
  }

  /** This tenant's staff member with that email, if any (another tenant's stays out of sight). */
  findByEmail(db: Db | Tx, tenantId: string, email: string): Promise<StaffAccountRow | null> {
    return db.staff.findFirst({ where: { tenantId, email: email.toLowerCase() }, select: staffAccountSelect });
  }

  async tenantBranchIds(db: Db | Tx, tenantId: string, branchIds: readonly string[]): Promise<string[]> {
    const rows = await db.branch.findMany({ where: { tenantId, id: { in: [...branchIds] } }, select: { id: true } });
    return rows.map((r) => r.id);
  }

  create(
    db: Db | Tx,
    data: { tenantId: string; name: string; email: string; role: StaffRole; passwordHash: string; mustChangePassword: boolean; branchIds: readonly string[] },
  ): Promise<StaffAccountRow> {
    return db.staff.create({
      data: {
        tenantId: data.tenantId,
        name: data.name,
        email: data.email.toLowerCase(),
        role: data.role,
        passwordHash: data.passwordHash,
        mustChangePassword: data.mustChangePassword,
        branches: { create: data.branchIds.map((branchId) => ({ branchId })) },
      },
      select: staffAccountSelect,
    });
  }

  /** Sets the flag and, when disabling, ends every session at once. */
  async setDisabled(tx: Tx, staffId: string, disabled: boolean, now: Date): Promise<StaffAccountRow> {
    if (disabled) await tx.staffSession.updateMany({ where: { staffId, revokedAt: null }, data: { revokedAt: now } });
    return tx.staff.update({ where: { id: staffId }, data: { disabled }, select: staffAccountSelect });
  }

  async setBranches(tx: Tx, staffId: string, branchIds: readonly string[]): Promise<StaffAccountRow> {
    await tx.staffBranch.deleteMany({ where: { staffId } });
    await tx.staffBranch.createMany({ data: branchIds.map((branchId) => ({ staffId, branchId })) });
    return tx.staff.findUniqueOrThrow({ where: { id: staffId }, select: staffAccountSelect });
  }

  /** Name, role and branches at once. */
  async update(tx: Tx, staffId: string, data: { name: string; role: StaffRole; branchIds: readonly string[] }): Promise<StaffAccountRow> {
    await tx.staff.update({ where: { id: staffId }, data: { name: data.name, role: data.role }, select: { id: true } });
    return this.setBranches(tx, staffId, data.branchIds);
  }

  /** A password someone else chose: changed at the next sign-in; every session of the account ends now. */
  async setTemporaryPassword(tx: Tx, staffId: string, passwordHash: string, now: Date): Promise<StaffAccountRow> {
    await tx.staffSession.updateMany({ where: { staffId, revokedAt: null }, data: { revokedAt: now } });
    return tx.staff.update({ where: { id: staffId }, data: { passwordHash, mustChangePassword: true }, select: staffAccountSelect });
  }
}
