import type { Db } from '../db/tx.js';
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

  findLiveSession(tokenHash: string, now: Date) {
    return this.db.staffSession.findFirst({
      where: { tokenHash, revokedAt: null, expiresAt: { gt: now }, staff: { disabled: false } },
      select: { id: true, desk: true, expiresAt: true, staff: { select: staffSelect } },
    });
  }

  async revokeSession(sessionId: string, now: Date): Promise<void> {
    await this.db.staffSession.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: now } });
  }
}
