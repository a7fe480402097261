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
  branches: { select: { branchId: true }, orderBy: { branchId: 'asc' } },
} satisfies Prisma.StaffSelect;

export type StaffAccountRow = Prisma.StaffGetPayload<{ select: typeof staffAccountSelect }>;

export class StaffRepository {
  constructor(private readonly db: Db | Tx) {}

  list(tenantId: string, filter: { branchIds: readonly string[] | null; includeDisabled: boolean }): Promise<StaffAccountRow[]> {
    return this.db.staff.findMany({
      where: {
        tenantId,
        ...(filter.includeDisabled ? {} : { disabled: false }),
        ...(filter.branchIds ? { branches: { some: { branchId: { in: [...filter.branchIds] } } } } : {}),
      },
      select: staffAccountSelect,
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
    });
  }

  find(tenantId: string, staffId: string): Promise<StaffAccountRow | null> {
    return this.db.staff.findFirst({ where: { id: staffId, tenantId }, select: staffAccountSelect });
  }

  /** This tenant's staff member with that email, if any (another tenant's stays out of sight). */
  findByEmail(tenantId: string, email: string): Promise<StaffAccountRow | null> {
    return this.db.staff.findFirst({ where: { tenantId, email: email.toLowerCase() }, select: staffAccountSelect });
  }

  async tenantBranchIds(tenantId: string, branchIds: readonly string[]): Promise<string[]> {
    const rows = await this.db.branch.findMany({ where: { tenantId, id: { in: [...branchIds] } }, select: { id: true } });
    return rows.map((r) => r.id);
  }

  create(data: { tenantId: string; name: string; email: string; role: StaffRole; passwordHash: string; branchIds: readonly string[] }): Promise<StaffAccountRow> {
    return this.db.staff.create({
      data: {
        tenantId: data.tenantId,
        name: data.name,
        email: data.email.toLowerCase(),
        role: data.role,
        passwordHash: data.passwordHash,
        branches: { create: data.branchIds.map((branchId) => ({ branchId })) },
      },
      select: staffAccountSelect,
    });
  }

  /** Sets the flag and, when disabling, ends every session at once. */
  async setDisabled(staffId: string, disabled: boolean, now: Date): Promise<StaffAccountRow> {
    if (disabled) await this.db.staffSession.updateMany({ where: { staffId, revokedAt: null }, data: { revokedAt: now } });
    return this.db.staff.update({ where: { id: staffId }, data: { disabled }, select: staffAccountSelect });
  }

  async setBranches(staffId: string, branchIds: readonly string[]): Promise<StaffAccountRow> {
    await this.db.staffBranch.deleteMany({ where: { staffId } });
    await this.db.staffBranch.createMany({ data: branchIds.map((branchId) => ({ staffId, branchId })) });
    return this.db.staff.findUniqueOrThrow({ where: { id: staffId }, select: staffAccountSelect });
  }
}
