
import type { Db, Tx } from '../db/tx.js';
import { sessionSelect } from '../views/session.js';

// Reads of the catalogue (branches, services, resources, products, sessions);
// its writes live with their features (service prices: services/, stock: products/).
export class CatalogRepository {
  branches(db: Db, tenantId: string, branchIds: readonly string[]) {
    return db.branch.findMany({
      where: { tenantId, id: { in: [...branchIds] } },
      select: { id: true, name: true, timeZone: true, active: true },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
  }

  services(db: Db, tenantId: string, branchIds: readonly string[]) {
    return db.service.findMany({
      where: { tenantId, active: true },
      select: {
        id: true,
        name: true,
        durationMin: true,
        bufferBeforeMin: true,
        bufferAfterMin: true,
        priceCents: true,
        requirements: { select: { kind: true, tag: true }, orderBy: [{ kind: 'asc' }, { tag: 'asc' }] },
        prices: { where: { branchId: { in: [...branchIds] } }, select: { branchId: true, priceCents: true } },
        practitioners: { select: { resourceId: true, durationMin: true }, orderBy: { resourceId: 'asc' } },
        colour: true,
      },
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
    });
  }

  resources(db: Db, tenantId: string, branchIds: readonly string[]) {
    return db.resource.findMany({
      where: { tenantId, active: true, branches: { some: { branchId: { in: [...branchIds] } } } },
      select: { id: true, kind: true, name: true, tags: true, colour: true, branches: { select: { branchId: true } } },
      orderBy: [{ kind: 'asc' }, { name: 'asc' }, { id: 'asc' }],
    });
  }

  /** Products still sold, with their price and stock at these branches. */
  products(db: Db, tenantId: string, branchIds: readonly string[]) {
    return db.product.findMany({
      where: { tenantId, active: true },
      select: {
        id: true,
        name: true,
        priceCents: true,
        prices: { where: { branchId: { in: [...branchIds] } }, select: { branchId: true, priceCents: true } },
        stock: { where: { branchId: { in: [...branchIds] } }, select: { branchId: true, quantity: true, lowStockThreshold: true } },
      },
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
    });
  }

  sessions(db: Db, tenantId: string, branchId: string, from: Date, to: Date) {
    return db.capacitySession.findMany({
      where: { tenantId, branchId, startsAt: { lt: to }, endsAt: { gt: from } },
      select: sessionSelect,
      orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
    });
  }

  branch(db: Db | Tx, tenantId: string, branchId: string) {
    return db.branch.findFirst({ where: { tenantId, id: branchId }, select: { id: true, timeZone: true } });
  }
}

export type ServiceRow = Awaited<ReturnType<CatalogRepository['services']>>[number];
