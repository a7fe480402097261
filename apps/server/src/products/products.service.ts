import type { z } from 'zod';
import {
  DomainError,
  isLowStock,
  type StaffRole,
  type adjustStockInput,
  type productCreateInput,
  type productPriceInput,
  type productUpdateInput,
  type receiveStockInput,
  type stockHistoryInput,
  type stockThresholdInput,
} from '@frontdesk/shared';
import { assertBranch, type Actor } from '../auth/scope.js';
import { inTransaction, type Db, type Tx } from '../db/tx.js';
import { notFound } from '../errors.js';
import { appendEvents } from '../sync/append.js';
import type { ProductRow, ProductsRepository, StockKey } from './products.repository.js';

/** A product at one of the actor's branches. */
export interface ProductAtBranch {
  branchId: string;
  /** The branch's own price; null: the base price applies. */
  ownPriceCents: number | null;
  /** What a booking at this branch charges. */
  priceCents: number;
  quantity: number;
  lowStockThreshold: number;
  lowStock: boolean;
}

export interface SetupProductView {
  id: string;
  name: string;
  basePriceCents: number;
  active: boolean;
  branches: ProductAtBranch[];
}

export interface StockLevel {
  productId: string;
  branchId: string;
  quantity: number;
  delta: number;
  reason: string;
}

export interface StockHistoryEntry {
  seq: string;
  at: string;
  quantity: number;
  delta: number;
  /** Why; null on changes made before reasons were recorded. */
  reason: string | null;
  actor: { id: string; name: string; role: StaffRole } | null;
  desk: string;
}

const HISTORY_LIMIT = 50;

type ListRow = Awaited<ReturnType<ProductsRepository['list']>>[number];

// The clinic's products: the admin creates and edits them; a manager sets the
// price, receives and adjusts stock and sets the low-stock threshold at his
// branches. Each command is one transaction that appends its event; every
// stock change says who and why.
export class ProductsService {
  constructor(
    private readonly db: Db,
    private readonly repo: ProductsRepository,
  ) {}

  async list(actor: Actor): Promise<SetupProductView[]> {
    const rows = await this.repo.list(this.db, actor.tenantId, actor.branchIds);
    return rows.map((row) => this.view(actor, row));
  }

  create(actor: Actor, input: z.output<typeof productCreateInput>): Promise<SetupProductView> {
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      const row = await this.repo.create(tx, actor.tenantId, input);
      await this.productChanged(tx, actor, row.id, 'created');
      return this.reread(tx, actor, row.id);
    });
  }

  update(actor: Actor, input: z.output<typeof productUpdateInput>): Promise<SetupProductView> {
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      await this.lock(tx, actor, input.productId);
      await this.repo.update(tx, input.productId, { name: input.name, priceCents: input.priceCents });
      await this.productChanged(tx, actor, input.productId, 'updated');
      return this.reread(tx, actor, input.productId);
    });
  }

  /** An inactive product is no longer offered with a booking; its stock and history stay. */
  setActive(actor: Actor, productId: string, active: boolean): Promise<SetupProductView> {
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      const product = await this.lock(tx, actor, productId);
      if (product.active !== active) {
        await this.repo.update(tx, productId, { active });
        await this.productChanged(tx, actor, productId, active ? 'activated' : 'deactivated');
      }
      return this.reread(tx, actor, productId);
    });
  }

  setPrice(actor: Actor, input: z.output<typeof productPriceInput>): Promise<SetupProductView> {
    return this.atBranch(actor, input, async (tx, key) => {
      await this.repo.setPrice(tx, key, input.priceCents);
      await this.productChanged(tx, actor, key.productId, 'price', key.branchId);
      return this.reread(tx, actor, key.productId);
    });
  }

  receive(actor: Actor, input: z.output<typeof receiveStockInput>): Promise<StockLevel> {
    return this.atBranch(actor, input, async (tx, key) => {
      const quantity = await this.repo.receive(tx, key, input.quantity);
      return this.stockChanged(tx, actor, key, quantity, input.quantity, `Received: ${input.note}`);
    });
  }

  adjust(actor: Actor, input: z.output<typeof adjustStockInput>): Promise<StockLevel> {
    return this.atBranch(actor, input, async (tx, key) => {
      if (input.mode === 'count') {
        const before = await this.repo.countTo(tx, key, input.quantity);
        return this.stockChanged(tx, actor, key, input.quantity, input.quantity - before, input.reason);
      }
      if (input.delta > 0) {
        const quantity = await this.repo.receive(tx, key, input.delta);
        return this.stockChanged(tx, actor, key, quantity, input.delta, input.reason);
      }
      const quantity = await this.repo.takeAway(tx, key, -input.delta);
      if (quantity === null) {
        const available = await this.repo.stockLevel(tx, key);
        throw new DomainError('OUT_OF_STOCK', `Only ${available} in stock at this branch: stock cannot go below zero.`, {
          productId: key.productId,
          branchId: key.branchId,
          requested: -input.delta,
          available,
        });
      }
      return this.stockChanged(tx, actor, key, quantity, input.delta, input.reason);
    });
  }

  setThreshold(actor: Actor, input: z.output<typeof stockThresholdInput>): Promise<SetupProductView> {
    return this.atBranch(actor, input, async (tx, key) => {
      await this.repo.setThreshold(tx, key, input.threshold);
      await this.productChanged(tx, actor, key.productId, 'threshold', key.branchId);
      return this.reread(tx, actor, key.productId);
    });
  }

  async stockHistory(actor: Actor, input: z.output<typeof stockHistoryInput>): Promise<StockHistoryEntry[]> {
    assertBranch(actor, input.branchId);
    const key = { tenantId: actor.tenantId, productId: input.productId, branchId: input.branchId };
    if (!(await this.repo.product(this.db, actor.tenantId, input.productId))) throw notFound('product');
    const rows = await this.repo.stockHistory(this.db, key, HISTORY_LIMIT);
    const actorIds = [...new Set(rows.map((r) => r.actorId).filter((id): id is string => id !== null))];
    const staff = new Map((await this.repo.staffByIds(this.db, actor.tenantId, actorIds)).map((s) => [s.id, s]));
    return rows.map((r) => {
      const p = r.payload as { quantity?: number; delta?: number; reason?: string };
      return {
        seq: r.seq.toString(),
        at: r.createdAt.toISOString(),
        quantity: p.quantity ?? 0,
        delta: p.delta ?? 0,
        reason: p.reason ?? null,
        actor: r.actorId ? (staff.get(r.actorId) ?? null) : null,
        desk: r.desk,
      };
    });
  }

  /** A command on a product at one of the actor's branches: the branch checked, the product found, in one transaction. */
  private atBranch<T>(actor: Actor, input: { productId: string; branchId: string }, work: (tx: Tx, key: StockKey) => Promise<T>): Promise<T> {
    assertBranch(actor, input.branchId);
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      if (!(await this.repo.branchExists(tx, actor.tenantId, input.branchId))) throw notFound('branch');
      if (!(await this.repo.product(tx, actor.tenantId, input.productId))) throw notFound('product');
      return work(tx, { tenantId: actor.tenantId, productId: input.productId, branchId: input.branchId });
    });
  }

  private async lock(tx: Tx, actor: Actor, productId: string): Promise<ProductRow> {
    const product = await this.repo.lockProduct(tx, actor.tenantId, productId);
    if (!product) throw notFound('product');
    return product;
  }

  private async stockChanged(tx: Tx, actor: Actor, key: StockKey, quantity: number, delta: number, reason: string): Promise<StockLevel> {
    const level = { productId: key.productId, branchId: key.branchId, quantity, delta, reason };
    await appendEvents(tx, { actorId: actor.staffId, desk: actor.desk }, [
      { type: 'stock.changed', tenantId: actor.tenantId, branchId: key.branchId, aggregateId: key.productId, payload: level },
    ]);
    return level;
  }

  private async productChanged(tx: Tx, actor: Actor, productId: string, change: 'created' | 'updated' | 'price' | 'threshold' | 'deactivated' | 'activated', branchId: string | null = null): Promise<void> {
    await appendEvents(tx, { actorId: actor.staffId, desk: actor.desk }, [
      { type: 'product.changed', tenantId: actor.tenantId, branchId, aggregateId: productId, payload: { productId, change } },
    ]);
  }

  private async reread(tx: Tx, actor: Actor, productId: string): Promise<SetupProductView> {
    const [row] = await this.repo.list(tx, actor.tenantId, actor.branchIds, productId);
    if (!row) throw notFound('product');
    return this.view(actor, row);
  }

  private view(actor: Actor, row: ListRow): SetupProductView {
    return {
      id: row.id,
      name: row.name,
      basePriceCents: row.priceCents,
      active: row.active,
      branches: actor.branchIds.map((branchId) => {
        const own = row.prices.find((p) => p.branchId === branchId)?.priceCents ?? null;
        const stock = row.stock.find((s) => s.branchId === branchId);
        const quantity = stock?.quantity ?? 0;
        const lowStockThreshold = stock?.lowStockThreshold ?? 0;
        return { branchId, ownPriceCents: own, priceCents: own ?? row.priceCents, quantity, lowStockThreshold, lowStock: isLowStock(quantity, lowStockThreshold) };
      }),
    };
  }
}
