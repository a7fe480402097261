import type { StaffRole } from '@frontdesk/shared';
import type { Prisma } from '../db/prisma.js';
import type { Db, Tx } from '../db/tx.js';

const productSelect = { id: true, name: true, priceCents: true, active: true } satisfies Prisma.ProductSelect;

export type ProductRow = Prisma.ProductGetPayload<{ select: typeof productSelect }>;

const historySelect = { seq: true, createdAt: true, payload: true, desk: true, actorId: true } satisfies Prisma.EventSelect & Prisma.EventArchiveSelect;

export type StockEventRow = Prisma.EventGetPayload<{ select: typeof historySelect }>;

/** Where a stock level lives: one product at one branch of one tenant. */
export interface StockKey {
  tenantId: string;
  productId: string;
  branchId: string;
}

// Products, their branch prices and their stock. Stateless; every method takes
// the client or the transaction first. Stock is changed by single statements
// that hold the row's lock, so a booking taking the product waits or goes first.
export class ProductsRepository {
  /** Every product of the tenant (or the one asked for), with price and stock at these branches. */
  list(db: Db | Tx, tenantId: string, branchIds: readonly string[], productId?: string) {
    return db.product.findMany({
      where: { tenantId, ...(productId ? { id: productId } : {}) },
      select: {
        ...productSelect,
        prices: { where: { branchId: { in: [...branchIds] } }, select: { branchId: true, priceCents: true } },
        stock: { where: { branchId: { in: [...branchIds] } }, select: { branchId: true, quantity: true, lowStockThreshold: true } },
      },
      orderBy: [{ active: 'desc' }, { name: 'asc' }, { id: 'asc' }],
    });
  }

  product(db: Db | Tx, tenantId: string, productId: string): Promise<ProductRow | null> {
    return db.product.findFirst({ where: { tenantId, id: productId }, select: productSelect });
  }

  /** The product, its row locked until the transaction ends (two admins editing one product take turns). */
  async lockProduct(tx: Tx, tenantId: string, productId: string): Promise<ProductRow | null> {
    const rows = await tx.$queryRaw<ProductRow[]>`
      SELECT id::text, name, price_cents AS "priceCents", active FROM product
       WHERE tenant_id = ${tenantId}::uuid AND id = ${productId}::uuid FOR UPDATE`;
    return rows[0] ?? null;
  }

  async branchExists(tx: Tx, tenantId: string, branchId: string): Promise<boolean> {
    return (await tx.branch.findFirst({ where: { tenantId, id: branchId }, select: { id: true } })) !== null;
  }

  create(tx: Tx, tenantId: string, data: { name: string; priceCents: number }): Promise<ProductRow> {
    return tx.product.create({ data: { tenantId, ...data }, select: productSelect });
  }

  update(tx: Tx, productId: string, data: { name?: string; priceCents?: number; active?: boolean }): Promise<ProductRow> {
    return tx.product.update({ where: { id: productId }, data, select: productSelect });
  }

  async setPrice(tx: Tx, key: StockKey, priceCents: number | null): Promise<void> {
    if (priceCents === null) {
      await tx.productPrice.deleteMany({ where: { tenantId: key.tenantId, productId: key.productId, branchId: key.branchId } });
      return;
    }
    await tx.productPrice.upsert({
      where: { tenantId_productId_branchId: key },
      create: { ...key, priceCents },
      update: { priceCents },
      select: { priceCents: true },
    });
  }

  /** Adds received stock (a row is made if the branch had none); returns the new level. */
  async receive(tx: Tx, key: StockKey, quantity: number): Promise<number> {
    const rows = await tx.$queryRaw<{ quantity: number }[]>`
      INSERT INTO product_stock (tenant_id, product_id, branch_id, quantity)
      VALUES (${key.tenantId}::uuid, ${key.productId}::uuid, ${key.branchId}::uuid, ${quantity}::int)
      ON CONFLICT (tenant_id, product_id, branch_id) DO UPDATE SET quantity = product_stock.quantity + EXCLUDED.quantity
      RETURNING quantity`;
    return rows[0]!.quantity;
  }

  /**
   * Takes `by` away when at least that much is there, in one statement: a
   * concurrent booking's take is seen (the row is re-read after its lock), so
   * the level never goes below zero. Null when there is not enough.
   */
  async takeAway(tx: Tx, key: StockKey, by: number): Promise<number | null> {
    const rows = await tx.$queryRaw<{ quantity: number }[]>`
      UPDATE product_stock SET quantity = quantity - ${by}::int
       WHERE tenant_id = ${key.tenantId}::uuid AND product_id = ${key.productId}::uuid AND branch_id = ${key.branchId}::uuid
         AND quantity >= ${by}::int
      RETURNING quantity`;
    return rows[0]?.quantity ?? null;
  }

  /** Sets the level to what was counted; returns the level before (0 when the branch had no row). */
  async countTo(tx: Tx, key: StockKey, quantity: number): Promise<number> {
    // Lock first, so the delta recorded is against the level the count replaced.
    const before = await tx.$queryRaw<{ quantity: number }[]>`
      SELECT quantity FROM product_stock
       WHERE tenant_id = ${key.tenantId}::uuid AND product_id = ${key.productId}::uuid AND branch_id = ${key.branchId}::uuid
       FOR UPDATE`;
    await tx.$executeRaw`
      INSERT INTO product_stock (tenant_id, product_id, branch_id, quantity)
      VALUES (${key.tenantId}::uuid, ${key.productId}::uuid, ${key.branchId}::uuid, ${quantity}::int)
      ON CONFLICT (tenant_id, product_id, branch_id) DO UPDATE SET quantity = EXCLUDED.quantity`;
    return before[0]?.quantity ?? 0;
  }

  async stockLevel(tx: Tx, key: StockKey): Promise<number> {
    const rows = await tx.$queryRaw<{ quantity: number }[]>`
      SELECT quantity FROM product_stock
       WHERE tenant_id = ${key.tenantId}::uuid AND product_id = ${key.productId}::uuid AND branch_id = ${key.branchId}::uuid`;
    return rows[0]?.quantity ?? 0;
  }

  /** Sets the low-stock threshold (a row with no stock is made if the branch had none); returns level and threshold. */
  async setThreshold(tx: Tx, key: StockKey, threshold: number): Promise<{ quantity: number; lowStockThreshold: number }> {
    const rows = await tx.$queryRaw<{ quantity: number; lowStockThreshold: number }[]>`
      INSERT INTO product_stock (tenant_id, product_id, branch_id, quantity, low_stock_threshold)
      VALUES (${key.tenantId}::uuid, ${key.productId}::uuid, ${key.branchId}::uuid, 0, ${threshold}::int)
      ON CONFLICT (tenant_id, product_id, branch_id) DO UPDATE SET low_stock_threshold = EXCLUDED.low_stock_threshold
      RETURNING quantity, low_stock_threshold AS "lowStockThreshold"`;
    return rows[0]!;
  }

  /** The newest stock changes of a product at a branch, archived or not. */
  async stockHistory(db: Db | Tx, key: StockKey, limit: number): Promise<StockEventRow[]> {
    const query = {
      where: { tenantId: key.tenantId, aggregateId: key.productId, branchId: key.branchId, type: 'stock.changed' },
      select: historySelect,
      orderBy: { seq: 'desc' },
      take: limit,
    } as const;
    const live = await db.event.findMany(query);
    const archived = live.length < limit ? await db.eventArchive.findMany(query) : [];
    return [...live, ...archived].sort((a, b) => (a.seq > b.seq ? -1 : a.seq < b.seq ? 1 : 0)).slice(0, limit);
  }

  staffByIds(db: Db | Tx, tenantId: string, ids: readonly string[]): Promise<{ id: string; name: string; role: StaffRole }[]> {
    return db.staff.findMany({ where: { tenantId, id: { in: [...ids] } }, select: { id: true, name: true, role: true } });
  }
}
