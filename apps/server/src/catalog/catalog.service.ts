import type { z } from 'zod';
import {
  isLowStock,
  localDayBounds,
  type CapacitySessionView,
  type ResourceKind,
  type ResourceView,
  type catalogResourcesInput,
  type catalogSessionsInput,
} from '@frontdesk/shared';
import { assertBranch, type Actor } from '../auth/scope.js';
import { notFound } from '../errors.js';
import type { Db } from '../db/tx.js';
import { toSessionView } from '../views/session.js';
import type { CatalogRepository } from './catalog.repository.js';

export interface BranchView {
  id: string;
  name: string;
  timeZone: string;
  /** False: closed for booking (Setup › Branches); the desk still shows its past days. */
  active: boolean;
}

export interface ServiceView {
  id: string;
  name: string;
  durationMin: number;
  bufferBeforeMin: number;
  bufferAfterMin: number;
  basePriceCents: number;
  requirements: { kind: ResourceKind; tag: string | null }[];
  /** The price at each of the actor's branches: the branch's override, else the base price. */
  prices: { branchId: string; priceCents: number }[];
  /** Who offers it, each with an own length where set; empty: any practitioner meeting the requirements. */
  practitioners: { resourceId: string; durationMin: number | null }[];
  /** For the day grid, #rrggbb; empty: none. */
  colour: string;
}

export interface CatalogResourceView extends ResourceView {
  branchIds: string[];
}

export interface ProductView {
  id: string;
  name: string;
  /** The base price; `prices` has what each branch charges. */
  priceCents: number;
  /** The price at each of the actor's branches: the branch's own, else the base price. */
  prices: { branchId: string; priceCents: number }[];
  /** Stock at each of the actor's branches (0 where none is kept); `lowStock` at or below the branch's threshold. */
  stock: { branchId: string; quantity: number; lowStock: boolean }[];
}

/** One entry per branch of `branchIds`: the row's own for that branch, else `fallback`. */
function perBranch<E extends { branchId: string }>(branchIds: readonly string[], rows: readonly E[], fallback: Omit<E, 'branchId'>): E[] {
  return branchIds.map((branchId) => rows.find((r) => r.branchId === branchId) ?? ({ branchId, ...fallback } as E));
}

export class CatalogService {
  constructor(
    private readonly db: Db,
    private readonly repo: CatalogRepository,
  ) {}

  branches(actor: Actor): Promise<BranchView[]> {
    return this.repo.branches(this.db, actor.tenantId, actor.branchIds);
  }

  async services(actor: Actor): Promise<ServiceView[]> {
    const rows = await this.repo.services(this.db, actor.tenantId, actor.branchIds);
    return rows.map(({ priceCents, prices, ...service }) => ({ ...service, basePriceCents: priceCents, prices: perBranch(actor.branchIds, prices, { priceCents }) }));
  }

  async resources(actor: Actor, input: z.output<typeof catalogResourcesInput>): Promise<CatalogResourceView[]> {
    if (input.branchId) assertBranch(actor, input.branchId);
    const rows = await this.repo.resources(this.db, actor.tenantId, input.branchId ? [input.branchId] : actor.branchIds);
    return rows.map((r) => ({ id: r.id, kind: r.kind, name: r.name, tags: r.tags, colour: r.colour, branchIds: r.branches.map((b) => b.branchId) }));
  }

  async products(actor: Actor): Promise<ProductView[]> {
    const rows = await this.repo.products(this.db, actor.tenantId, actor.branchIds);
    return rows.map(({ stock, prices, ...product }) => ({
      ...product,
      prices: perBranch(actor.branchIds, prices, { priceCents: product.priceCents }),
      stock: perBranch(actor.branchIds, stock, { quantity: 0, lowStockThreshold: 0 }).map((s) => ({
        branchId: s.branchId,
        quantity: s.quantity,
        lowStock: isLowStock(s.quantity, s.lowStockThreshold),
      })),
    }));
  }

  async sessions(actor: Actor, input: z.output<typeof catalogSessionsInput>): Promise<CapacitySessionView[]> {
    assertBranch(actor, input.branchId);
    const branch = await this.repo.branch(this.db, actor.tenantId, input.branchId);
    if (!branch) throw notFound('branch');
    const day = localDayBounds(input.date, branch.timeZone);
    const rows = await this.repo.sessions(this.db, actor.tenantId, branch.id, new Date(day.start), new Date(day.end));
    return rows.map(toSessionView);
  }
}
