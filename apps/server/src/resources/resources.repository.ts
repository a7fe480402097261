import type { ResourceKind, WeeklyHours } from '@frontdesk/shared';
import type { Prisma } from '../db/prisma.js';
import type { Db, Tx } from '../db/tx.js';

// Resources, their branches and colour; every method takes the caller's
// client or transaction first.

export const resourceSelect = {
  id: true,
  kind: true,
  name: true,
  tags: true,
  colour: true,
  active: true,
  branches: { select: { branchId: true }, orderBy: { branchId: 'asc' } },
} satisfies Prisma.ResourceSelect;

export type ResourceRow = Prisma.ResourceGetPayload<{ select: typeof resourceSelect }>;

export class ResourcesRepository {
  list(db: Db | Tx, tenantId: string): Promise<ResourceRow[]> {
    return db.resource.findMany({ where: { tenantId }, select: resourceSelect, orderBy: [{ kind: 'asc' }, { name: 'asc' }, { id: 'asc' }] });
  }

  get(db: Db | Tx, tenantId: string, resourceId: string): Promise<ResourceRow | null> {
    return db.resource.findFirst({ where: { tenantId, id: resourceId }, select: resourceSelect });
  }

  /** The resource, locked so two changes to it run one after the other; null when it is not the tenant's. */
  async lock(tx: Tx, tenantId: string, resourceId: string): Promise<ResourceRow | null> {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM resource WHERE id = ${resourceId}::uuid AND tenant_id = ${tenantId}::uuid FOR UPDATE`;
    return rows.length === 0 ? null : this.get(tx, tenantId, resourceId);
  }

  /** How many of these ids are branches of the tenant. */
  async countBranches(tx: Tx, tenantId: string, branchIds: readonly string[]): Promise<number> {
    return tx.branch.count({ where: { tenantId, id: { in: [...branchIds] } } });
  }

  /** Colours of the tenant's active resources (for a new one's default). */
  async coloursInUse(tx: Tx, tenantId: string): Promise<string[]> {
    const rows = await tx.resource.findMany({ where: { tenantId, active: true }, select: { colour: true } });
    return rows.map((r) => r.colour).filter((c) => c !== '');
  }

  async create(tx: Tx, row: { tenantId: string; kind: ResourceKind; name: string; tags: string[]; colour: string }): Promise<string> {
    const created = await tx.resource.create({ data: row, select: { id: true } });
    return created.id;
  }

  async update(tx: Tx, resourceId: string, data: { name?: string; tags?: string[]; colour?: string; active?: boolean }): Promise<void> {
    await tx.resource.update({ where: { id: resourceId }, data, select: { id: true } });
  }

  async addBranches(tx: Tx, tenantId: string, resourceId: string, branchIds: readonly string[]): Promise<void> {
    if (branchIds.length > 0) await tx.resourceBranch.createMany({ data: branchIds.map((branchId) => ({ tenantId, resourceId, branchId })) });
  }

  /** Opening hours of these branches, by branch (none set: an empty list). */
  async openingHours(tx: Tx, tenantId: string, branchIds: readonly string[]): Promise<Map<string, WeeklyHours[]>> {
    const rows = await tx.branchHours.findMany({ where: { tenantId, branchId: { in: [...branchIds] } }, select: { branchId: true, weekday: true, startMinute: true, endMinute: true } });
    const byBranch = new Map<string, WeeklyHours[]>(branchIds.map((b) => [b, []]));
    for (const { branchId, ...h } of rows) byBranch.get(branchId)?.push(h);
    return byBranch;
  }

  async addHours(tx: Tx, tenantId: string, resourceId: string, branchId: string, hours: readonly WeeklyHours[]): Promise<void> {
    if (hours.length > 0) await tx.workingHours.createMany({ data: hours.map((h) => ({ tenantId, resourceId, branchId, weekday: h.weekday, startMinute: h.startMinute, endMinute: h.endMinute })) });
  }

  /** Takes the resource out of these branches with its weekly hours there (its date exceptions there go with the link). */
  async removeBranches(tx: Tx, tenantId: string, resourceId: string, branchIds: readonly string[]): Promise<void> {
    if (branchIds.length === 0) return;
    await tx.workingHours.deleteMany({ where: { tenantId, resourceId, branchId: { in: [...branchIds] } } });
    await tx.resourceBranch.deleteMany({ where: { tenantId, resourceId, branchId: { in: [...branchIds] } } });
  }
}
