import type { WeeklyHours } from '@frontdesk/shared';
import type { Prisma } from '../db/prisma.js';
import type { Db, Tx } from '../db/tx.js';

// Branches' details, opening hours and whole-branch closures; every method
// takes the caller's client or transaction first.

export const branchSelect = {
  id: true,
  name: true,
  timeZone: true,
  address: true,
  phone: true,
  active: true,
  openingHours: { select: { weekday: true, startMinute: true, endMinute: true }, orderBy: [{ weekday: 'asc' }, { startMinute: 'asc' }] },
} satisfies Prisma.BranchSelect;

export type BranchRow = Prisma.BranchGetPayload<{ select: typeof branchSelect }>;

const closureSelect = { id: true, branchId: true, kind: true, reason: true, startsAt: true, endsAt: true } satisfies Prisma.TimeOffSelect;
export type ClosureRow = Prisma.TimeOffGetPayload<{ select: typeof closureSelect }>;

export class BranchesRepository {
  list(db: Db | Tx, tenantId: string, branchIds: readonly string[]): Promise<BranchRow[]> {
    return db.branch.findMany({ where: { tenantId, id: { in: [...branchIds] } }, select: branchSelect, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }

  get(db: Db | Tx, tenantId: string, branchId: string): Promise<BranchRow | null> {
    return db.branch.findFirst({ where: { tenantId, id: branchId }, select: branchSelect });
  }

  /** The branch, locked so two changes to it run one after the other; null when it is not the tenant's. */
  async lock(tx: Tx, tenantId: string, branchId: string): Promise<BranchRow | null> {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM branch WHERE id = ${branchId}::uuid AND tenant_id = ${tenantId}::uuid FOR UPDATE`;
    return rows.length === 0 ? null : this.get(tx, tenantId, branchId);
  }

  /** Another branch of the tenant with this name, case aside. */
  async nameTaken(tx: Tx, tenantId: string, name: string, exceptId: string | null): Promise<boolean> {
    const found = await tx.branch.findFirst({ where: { tenantId, name: { equals: name, mode: 'insensitive' }, ...(exceptId ? { id: { not: exceptId } } : {}) }, select: { id: true } });
    return found !== null;
  }

  async create(tx: Tx, row: { tenantId: string; name: string; timeZone: string; address: string; phone: string }): Promise<string> {
    const created = await tx.branch.create({ data: row, select: { id: true } });
    return created.id;
  }

  async update(tx: Tx, branchId: string, data: { name?: string; timeZone?: string; address?: string; phone?: string; active?: boolean }): Promise<void> {
    await tx.branch.update({ where: { id: branchId }, data, select: { id: true } });
  }

  async replaceOpeningHours(tx: Tx, tenantId: string, branchId: string, hours: readonly WeeklyHours[]): Promise<void> {
    await tx.branchHours.deleteMany({ where: { tenantId, branchId } });
    if (hours.length > 0) await tx.branchHours.createMany({ data: hours.map((h) => ({ tenantId, branchId, weekday: h.weekday, startMinute: h.startMinute, endMinute: h.endMinute })) });
  }

  /** Weekly hours of every resource at the branch, by resource. */
  async resourceHours(tx: Tx, tenantId: string, branchId: string): Promise<Map<string, WeeklyHours[]>> {
    const rows = await tx.workingHours.findMany({ where: { tenantId, branchId }, select: { resourceId: true, weekday: true, startMinute: true, endMinute: true } });
    const byResource = new Map<string, WeeklyHours[]>();
    for (const { resourceId, ...h } of rows) byResource.set(resourceId, [...(byResource.get(resourceId) ?? []), h]);
    return byResource;
  }

  async replaceResourceHours(tx: Tx, tenantId: string, resourceId: string, branchId: string, hours: readonly WeeklyHours[]): Promise<void> {
    await tx.workingHours.deleteMany({ where: { tenantId, resourceId, branchId } });
    if (hours.length > 0) await tx.workingHours.createMany({ data: hours.map((h) => ({ tenantId, resourceId, branchId, ...h })) });
  }

  /** What would move in local time if the branch's zone changed: active appointments and walk-in sessions not over yet. */
  async futureBookings(tx: Tx, tenantId: string, branchId: string, now: Date): Promise<{ appointments: number; sessions: number }> {
    const rows = await tx.$queryRaw<{ appointments: number; sessions: number }[]>`
      SELECT (SELECT count(*)::int FROM appointment a
               WHERE a.tenant_id = ${tenantId}::uuid AND a.branch_id = ${branchId}::uuid AND a.ends_at > ${now}
                 AND (a.status IN ('BOOKED', 'CHECKED_IN', 'IN_CONSULTATION') OR (a.status = 'HELD' AND a.hold_expires_at > ${now}))) AS appointments,
             (SELECT count(*)::int FROM capacity_session s
               WHERE s.tenant_id = ${tenantId}::uuid AND s.branch_id = ${branchId}::uuid AND s.ends_at > ${now}) AS sessions`;
    return rows[0] ?? { appointments: 0, sessions: 0 };
  }

  /** Time off at the branch not over yet (whole days are moved to the new zone's days on a zone change). */
  futureTimeOff(tx: Tx, tenantId: string, branchId: string, now: Date) {
    return tx.timeOff.findMany({ where: { tenantId, branchId, endsAt: { gt: now } }, select: { id: true, startsAt: true, endsAt: true } });
  }

  async moveTimeOff(tx: Tx, timeOffId: string, startsAt: Date, endsAt: Date): Promise<void> {
    await tx.timeOff.update({ where: { id: timeOffId }, data: { startsAt, endsAt }, select: { id: true } });
  }

  /** Whole-branch holidays and closures of the branch that end after `from`, earliest first. */
  closures(db: Db | Tx, tenantId: string, branchId: string, from: Date): Promise<ClosureRow[]> {
    return db.timeOff.findMany({
      where: { tenantId, branchId, resourceId: null, kind: { in: ['HOLIDAY', 'CLOSURE'] }, endsAt: { gt: from } },
      select: closureSelect,
      orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
    });
  }
}
