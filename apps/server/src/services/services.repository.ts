import type { ResourceKind } from '@frontdesk/shared';
import type { Prisma } from '../db/prisma.js';
import type { Db, Tx } from '../db/tx.js';

// Every statement of the service setup: the services with what they need,
// who offers them and their prices per branch. Stateless; the service
// decides what runs in which transaction.

export const serviceSetupSelect = {
  id: true,
  name: true,
  durationMin: true,
  bufferBeforeMin: true,
  bufferAfterMin: true,
  priceCents: true,
  colour: true,
  active: true,
  requirements: { select: { kind: true, tag: true }, orderBy: [{ kind: 'asc' }, { tag: 'asc' }, { id: 'asc' }] },
  practitioners: { select: { resourceId: true, durationMin: true, resource: { select: { name: true, active: true } } }, orderBy: [{ resource: { name: 'asc' } }, { resourceId: 'asc' }] },
  prices: { select: { branchId: true, priceCents: true }, orderBy: { branchId: 'asc' } },
} satisfies Prisma.ServiceSelect;

export type ServiceSetupRow = Prisma.ServiceGetPayload<{ select: typeof serviceSetupSelect }>;

export interface ServiceFields {
  name: string;
  durationMin: number;
  bufferBeforeMin: number;
  bufferAfterMin: number;
  priceCents: number;
  colour: string;
}

export interface ResourceFacts {
  id: string;
  kind: ResourceKind;
  name: string;
  tags: string[];
}

export class ServicesRepository {
  list(db: Db | Tx, tenantId: string): Promise<ServiceSetupRow[]> {
    return db.service.findMany({ where: { tenantId }, select: serviceSetupSelect, orderBy: [{ active: 'desc' }, { name: 'asc' }, { id: 'asc' }] });
  }

  one(db: Db | Tx, tenantId: string, serviceId: string): Promise<ServiceSetupRow | null> {
    return db.service.findFirst({ where: { tenantId, id: serviceId }, select: serviceSetupSelect });
  }

  /** The service, its row locked until the transaction ends: two admins editing it take turns. */
  async lock(tx: Tx, tenantId: string, serviceId: string): Promise<ServiceSetupRow | null> {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM service WHERE tenant_id = ${tenantId}::uuid AND id = ${serviceId}::uuid FOR UPDATE`;
    return rows.length ? this.one(tx, tenantId, serviceId) : null;
  }

  /** Another service of the tenant with this name (any case), if one exists. */
  sameName(tx: Tx, tenantId: string, name: string, exceptId: string | null): Promise<{ id: string } | null> {
    return tx.service.findFirst({
      where: { tenantId, name: { equals: name, mode: 'insensitive' }, ...(exceptId ? { id: { not: exceptId } } : {}) },
      select: { id: true },
    });
  }

  resources(tx: Tx, tenantId: string, ids: readonly string[]): Promise<ResourceFacts[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return tx.resource.findMany({ where: { tenantId, id: { in: [...ids] } }, select: { id: true, kind: true, name: true, tags: true } });
  }

  async branchIds(tx: Tx, tenantId: string, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await tx.branch.findMany({ where: { tenantId, id: { in: [...ids] } }, select: { id: true } });
    return new Set(rows.map((b) => b.id));
  }

  branch(tx: Tx, tenantId: string, branchId: string): Promise<{ id: string } | null> {
    return tx.branch.findFirst({ where: { tenantId, id: branchId }, select: { id: true } });
  }

  async insert(tx: Tx, tenantId: string, fields: ServiceFields): Promise<string> {
    const row = await tx.service.create({ data: { tenantId, ...fields }, select: { id: true } });
    return row.id;
  }

  async update(tx: Tx, tenantId: string, serviceId: string, fields: ServiceFields): Promise<void> {
    await tx.service.updateMany({ where: { tenantId, id: serviceId }, data: fields });
  }

  async setActive(tx: Tx, tenantId: string, serviceId: string, active: boolean): Promise<void> {
    await tx.service.updateMany({ where: { tenantId, id: serviceId }, data: { active } });
  }

  async replaceRequirements(tx: Tx, tenantId: string, serviceId: string, requirements: readonly { kind: ResourceKind; tag: string | null }[]): Promise<void> {
    await tx.serviceRequirement.deleteMany({ where: { tenantId, serviceId } });
    await tx.serviceRequirement.createMany({ data: requirements.map((r) => ({ tenantId, serviceId, kind: r.kind, tag: r.tag })) });
  }

  async replacePractitioners(tx: Tx, tenantId: string, serviceId: string, practitioners: readonly { resourceId: string; durationMin: number | null }[]): Promise<void> {
    await tx.servicePractitioner.deleteMany({ where: { tenantId, serviceId } });
    if (practitioners.length) {
      await tx.servicePractitioner.createMany({ data: practitioners.map((p) => ({ tenantId, serviceId, resourceId: p.resourceId, durationMin: p.durationMin })) });
    }
  }

  /** Makes `prices` the service's own branch prices: others are removed (those branches charge the base price). */
  async replacePrices(tx: Tx, tenantId: string, serviceId: string, prices: readonly { branchId: string; priceCents: number }[]): Promise<void> {
    await tx.servicePrice.deleteMany({ where: { tenantId, serviceId, branchId: { notIn: prices.map((p) => p.branchId) } } });
    for (const p of prices) await this.setPrice(tx, { tenantId, serviceId, branchId: p.branchId, priceCents: p.priceCents });
  }

  async setPrice(tx: Tx, q: { tenantId: string; serviceId: string; branchId: string; priceCents: number }): Promise<void> {
    await tx.servicePrice.upsert({
      where: { tenantId_serviceId_branchId: { tenantId: q.tenantId, serviceId: q.serviceId, branchId: q.branchId } },
      create: q,
      update: { priceCents: q.priceCents },
      select: { priceCents: true },
    });
  }
}
