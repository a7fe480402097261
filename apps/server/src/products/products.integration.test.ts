// Over 300 lines: every products and stock command with its refusals, and the stock race, share one seeded clinic.
import { beforeAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { seedDemo, type DemoClinic } from '../seed/demo.js';
import { callerFor, type Caller } from '../testing/callers.js';
import { failure, failureCode, domainOf } from '../testing/errors.js';
import { databaseForFile } from '../testing/file-database.js';
import { at, codeOf, race, upcoming } from '../testing/race.js';

const NY = 'America/New_York';
const setup = databaseForFile(
  async (db) => ({
    demo: await seedDemo(db.owner, { emailDomain: 'products.test', patients: 60 }),
    other: await seedDemo(db.owner, { tenantName: 'Other clinic', emailDomain: 'products-other.test', patients: 2 }),
  }),
  { poolSize: 30 },
);

let demo: DemoClinic;
let admin: Caller;
let manager: Caller;
let receptionist: Caller;
let receptionistWest: Caller;
let patientCursor = 0;

beforeAll(async () => {
  demo = setup.demo;
  admin = await callerFor(setup.db.deps, demo.staff.admin.email, demo.password, 'admin office');
  manager = await callerFor(setup.db.deps, demo.staff.manager.email, demo.password, 'manager office');
  receptionist = await callerFor(setup.db.deps, demo.staff.receptionist.email, demo.password, 'front desk 1');
  receptionistWest = await callerFor(setup.db.deps, demo.staff.receptionistWest.email, demo.password, 'west desk');
});

const sql = async <T = Record<string, unknown>>(text: string, params: unknown[] = []) => (await setup.db.sql.query(text, params)).rows as T[];
const stockOf = async (productId: string, branchId: string) =>
  (await sql<{ quantity: number }>('SELECT quantity FROM product_stock WHERE product_id = $1 AND branch_id = $2', [productId, branchId]))[0]?.quantity ?? null;
const lastEvent = async (type: string, aggregateId: string) =>
  (await sql<{ payload: Record<string, unknown>; actor_id: string | null; desk: string; branch_id: string | null }>(
    'SELECT payload, actor_id, desk, branch_id FROM event WHERE tenant_id = $1 AND type = $2 AND aggregate_id = $3 ORDER BY seq DESC LIMIT 1',
    [demo.tenantId, type, aggregateId],
  ))[0];
/** Every row a products command could touch, to show a refusal changed nothing. */
const snapshot = async () =>
  sql(`SELECT (SELECT count(*) FROM event)::int AS events, (SELECT count(*) FROM product)::int AS products,
              (SELECT coalesce(sum(quantity), 0) FROM product_stock)::int AS stock, (SELECT coalesce(sum(low_stock_threshold), 0) FROM product_stock)::int AS thresholds,
              (SELECT count(*) FROM product_price)::int AS prices, (SELECT string_agg(name || price_cents || active, ',' ORDER BY id) FROM product) AS names`);

/** The field and sentence of a refused input (zod's, as the server-side caller throws it). */
function badInput(error: unknown): { field: string; message: string } | null {
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (cause instanceof ZodError) return { field: cause.issues[0]!.path.join('.'), message: cause.issues[0]!.message };
  const domain = domainOf(error);
  return domain?.code === 'BAD_INPUT' ? { field: domain.details.field ?? '', message: domain.message } : null;
}

/** A GP booking at a branch with products, each at a time and for a patient of its own. */
function bookGp(desk: Caller, branch: 'east' | 'west', products: { productId: string; quantity: number }[], slot: number) {
  const date = upcoming(branch === 'east' ? 1 : 2, NY, 2 + Math.floor(slot / 20));
  const minute = 9 * 60 + (slot % 20) * 15;
  const hhmm = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
  const zone = branch === 'east' ? NY : 'America/Chicago';
  const resource = branch === 'east' ? demo.resources.drCarter! : demo.resources.drOkafor!;
  return desk.booking.book({
    branchId: demo.branches[branch],
    serviceId: demo.services.gp,
    resourceIds: [resource],
    startsAt: at(date, hhmm, zone),
    patientId: demo.patients[patientCursor++]!,
    products,
  });
}

describe('products (the admin)', () => {
  it('creates, renames and reprices a product, deactivates and reactivates it; each change is a product.changed event with who and where', async () => {
    const created = await admin.setup.products.create({ name: '  Dental floss  ', priceCents: 450 });
    expect(created).toMatchObject({ name: 'Dental floss', basePriceCents: 450, active: true });
    expect(created.branches.map((b) => b.branchId).sort()).toEqual([demo.branches.east, demo.branches.west].sort());
    expect(created.branches.every((b) => b.quantity === 0 && b.priceCents === 450 && b.ownPriceCents === null && !b.lowStock)).toBe(true);
    expect(await lastEvent('product.changed', created.id)).toMatchObject({ payload: { productId: created.id, change: 'created' }, actor_id: demo.staff.admin.id, desk: 'admin office' });

    const updated = await admin.setup.products.update({ productId: created.id, name: 'Dental floss 50 m', priceCents: 500 });
    expect(updated).toMatchObject({ name: 'Dental floss 50 m', basePriceCents: 500 });
    expect((await lastEvent('product.changed', created.id))?.payload).toEqual({ productId: created.id, change: 'updated' });

    await admin.setup.products.deactivate({ productId: created.id });
    expect((await sql('SELECT active FROM product WHERE id = $1', [created.id]))[0]).toEqual({ active: false });
    expect((await lastEvent('product.changed', created.id))?.payload).toEqual({ productId: created.id, change: 'deactivated' });
    expect((await receptionist.catalog.products()).some((p) => p.id === created.id)).toBe(false);
    expect((await admin.setup.products.list()).find((p) => p.id === created.id)?.active).toBe(false);
    await admin.setup.products.activate({ productId: created.id });
    expect((await receptionist.catalog.products()).some((p) => p.id === created.id)).toBe(true);
  });

  it('a manager may not create, rename or deactivate products, a receptionist may not even list them; nothing changes', async () => {
    const before = await snapshot();
    expect(failureCode(await failure(manager.setup.products.create({ name: 'Gauze', priceCents: 100 })))).toBe('FORBIDDEN');
    expect(failureCode(await failure(manager.setup.products.update({ productId: demo.products.brush, name: 'x', priceCents: 1 })))).toBe('FORBIDDEN');
    expect(failureCode(await failure(manager.setup.products.deactivate({ productId: demo.products.brush })))).toBe('FORBIDDEN');
    expect(failureCode(await failure(receptionist.setup.products.list()))).toBe('FORBIDDEN');
    expect(failureCode(await failure(receptionist.setup.products.receiveStock({ productId: demo.products.brush, branchId: demo.branches.east, quantity: 5, note: 'box' })))).toBe('FORBIDDEN');
    expect(failureCode(await failure(admin.setup.products.update({ productId: setup.other.products.brush, name: 'Mine now', priceCents: 1 })))).toBe('NOT_FOUND');
    expect(await snapshot()).toEqual(before);
  });

  it('bad input is refused naming the field, and changes nothing', async () => {
    const before = await snapshot();
    const key = { productId: demo.products.brace, branchId: demo.branches.east };
    const refusals = [
      [() => admin.setup.products.create({ name: '   ', priceCents: 100 }), 'name'],
      [() => admin.setup.products.create({ name: 'Gauze', priceCents: -1 }), 'priceCents'],
      [() => manager.setup.products.receiveStock({ ...key, quantity: 0, note: 'box' }), 'quantity'],
      [() => manager.setup.products.receiveStock({ ...key, quantity: 5, note: ' ' }), 'note'],
      [() => manager.setup.products.adjustStock({ ...key, mode: 'delta', delta: -1, reason: '' }), 'reason'],
      [() => manager.setup.products.adjustStock({ ...key, mode: 'delta', delta: 0, reason: 'nothing' }), 'delta'],
      [() => manager.setup.products.adjustStock({ ...key, mode: 'count', quantity: -3, reason: 'count' }), 'quantity'],
      [() => manager.setup.products.adjustStock({ ...key, mode: 'count', quantity: 2.5, reason: 'count' }), 'quantity'],
      [() => manager.setup.products.setThreshold({ ...key, threshold: -1 }), 'threshold'],
      [() => manager.setup.products.setPrice({ ...key, priceCents: -5 }), 'priceCents'],
    ] as const;
    for (const [call, field] of refusals) {
      const refused = badInput(await failure(call()));
      expect(refused?.field, field).toBe(field);
      expect(refused?.message).toMatch(/^[A-Z].*\.$/);
    }
    expect(await snapshot()).toEqual(before);
  });
});

describe('stock at a branch (the manager)', () => {
  it('receives stock with a note: the level goes up, and stock.changed says by how much, why, who and from which desk', async () => {
    const before = (await stockOf(demo.products.brace, demo.branches.east))!;
    const level = await manager.setup.products.receiveStock({ productId: demo.products.brace, branchId: demo.branches.east, quantity: 12, note: 'Invoice 4411, MedSupply' });
    expect(level).toEqual({ productId: demo.products.brace, branchId: demo.branches.east, quantity: before + 12, delta: 12, reason: 'Received: Invoice 4411, MedSupply' });
    expect(await stockOf(demo.products.brace, demo.branches.east)).toBe(before + 12);
    expect(await lastEvent('stock.changed', demo.products.brace)).toEqual({
      payload: { productId: demo.products.brace, branchId: demo.branches.east, quantity: before + 12, delta: 12, reason: 'Received: Invoice 4411, MedSupply' },
      actor_id: demo.staff.manager.id,
      desk: 'manager office',
      branch_id: demo.branches.east,
    });
  });

  it('adjusts to a counted quantity and by ±n, each with its reason; taking away more than there is is OUT_OF_STOCK and changes nothing', async () => {
    const key = { productId: demo.products.brace, branchId: demo.branches.east };
    const counted = await manager.setup.products.adjustStock({ ...key, mode: 'count', quantity: 9, reason: 'Shelf count' });
    expect(counted).toMatchObject({ quantity: 9, reason: 'Shelf count' });
    const damaged = await manager.setup.products.adjustStock({ ...key, mode: 'delta', delta: -2, reason: 'Damaged in transit' });
    expect(damaged).toMatchObject({ quantity: 7, delta: -2, reason: 'Damaged in transit' });
    const found = await manager.setup.products.adjustStock({ ...key, mode: 'delta', delta: 3, reason: 'Found in the back room' });
    expect(found).toMatchObject({ quantity: 10, delta: 3 });
    expect(await stockOf(key.productId, key.branchId)).toBe(10);

    const before = await snapshot();
    const error = await failure(manager.setup.products.adjustStock({ ...key, mode: 'delta', delta: -11, reason: 'Expired' }));
    expect(domainOf(error)).toMatchObject({ code: 'OUT_OF_STOCK', details: { available: 10, requested: 11 } });
    expect(await snapshot()).toEqual(before);

    const history = await manager.setup.products.stockHistory(key);
    expect(history.slice(0, 3).map((h) => [h.delta, h.quantity, h.reason, h.actor?.name, h.desk])).toEqual([
      [3, 10, 'Found in the back room', 'Mona Manager', 'manager office'],
      [-2, 7, 'Damaged in transit', 'Mona Manager', 'manager office'],
      [counted.delta, 9, 'Shelf count', 'Mona Manager', 'manager office'],
    ]);
  });

  it('a product the branch never stocked: counting makes its row, taking away from nothing is OUT_OF_STOCK', async () => {
    const floss = await admin.setup.products.create({ name: 'Interdental brushes', priceCents: 700 });
    const key = { productId: floss.id, branchId: demo.branches.east };
    expect(domainOf(await failure(manager.setup.products.adjustStock({ ...key, mode: 'delta', delta: -1, reason: 'Lost' })))).toMatchObject({ code: 'OUT_OF_STOCK', details: { available: 0 } });
    expect(await stockOf(floss.id, demo.branches.east)).toBeNull();
    await manager.setup.products.adjustStock({ ...key, mode: 'count', quantity: 4, reason: 'First count' });
    expect(await stockOf(floss.id, demo.branches.east)).toBe(4);
    expect((await lastEvent('stock.changed', floss.id))?.payload).toMatchObject({ quantity: 4, delta: 4, reason: 'First count' });
  });

  it('only at his own branches: another branch (or clinic’s branch) is FORBIDDEN, another clinic’s product NOT_FOUND; nothing changes', async () => {
    const before = await snapshot();
    const west = { productId: demo.products.brush, branchId: demo.branches.west };
    expect(failureCode(await failure(manager.setup.products.receiveStock({ ...west, quantity: 5, note: 'box' })))).toBe('FORBIDDEN');
    expect(failureCode(await failure(manager.setup.products.adjustStock({ ...west, mode: 'count', quantity: 1, reason: 'count' })))).toBe('FORBIDDEN');
    expect(failureCode(await failure(manager.setup.products.setThreshold({ ...west, threshold: 5 })))).toBe('FORBIDDEN');
    expect(failureCode(await failure(manager.setup.products.setPrice({ ...west, priceCents: 5 })))).toBe('FORBIDDEN');
    expect(failureCode(await failure(manager.setup.products.stockHistory(west)))).toBe('FORBIDDEN');
    expect(failureCode(await failure(manager.setup.products.receiveStock({ productId: setup.other.products.brush, branchId: demo.branches.east, quantity: 5, note: 'box' })))).toBe('NOT_FOUND');
    expect(failureCode(await failure(admin.setup.products.receiveStock({ productId: demo.products.brush, branchId: setup.other.branches.east, quantity: 5, note: 'box' })))).toBe('FORBIDDEN');
    expect(await snapshot()).toEqual(before);
    // The manager's own list covers his branch only.
    expect((await manager.setup.products.list()).every((p) => p.branches.length === 1 && p.branches[0]!.branchId === demo.branches.east)).toBe(true);
  });

  it('low stock: at or below the threshold the desk’s catalogue says lowStock, per branch; a threshold of 0 turns it off', async () => {
    const key = { productId: demo.products.brace, branchId: demo.branches.east };
    await manager.setup.products.adjustStock({ ...key, mode: 'count', quantity: 3, reason: 'Count' });
    const view = await manager.setup.products.setThreshold({ ...key, threshold: 3 });
    expect(view.branches[0]).toMatchObject({ quantity: 3, lowStockThreshold: 3, lowStock: true });
    expect((await lastEvent('product.changed', key.productId))).toMatchObject({ payload: { productId: key.productId, change: 'threshold' }, branch_id: demo.branches.east });
    const desk = async () => (await receptionist.catalog.products()).find((p) => p.id === key.productId)!.stock;
    expect(await desk()).toEqual([{ branchId: demo.branches.east, quantity: 3, lowStock: true }]);
    await manager.setup.products.receiveStock({ ...key, quantity: 1, note: 'One more' });
    expect(await desk()).toEqual([{ branchId: demo.branches.east, quantity: 4, lowStock: false }]);
    // West keeps its own threshold: none, so no alert there.
    expect((await receptionistWest.catalog.products()).find((p) => p.id === key.productId)!.stock[0]).toMatchObject({ lowStock: false });
    await manager.setup.products.setThreshold({ ...key, threshold: 0 });
    await manager.setup.products.adjustStock({ ...key, mode: 'count', quantity: 0, reason: 'Sold out' });
    expect(await desk()).toEqual([{ branchId: demo.branches.east, quantity: 0, lowStock: false }]);
  });
});

describe('prices per branch', () => {
  it('a booking at a branch with its own price charges that price; the other branch the base price; cleared, the base price again', async () => {
    const key = { productId: demo.products.brush, branchId: demo.branches.east };
    const priced = await manager.setup.products.setPrice({ ...key, priceCents: 1100 });
    expect(priced.branches[0]).toMatchObject({ ownPriceCents: 1100, priceCents: 1100 });
    expect((await lastEvent('product.changed', key.productId))?.payload).toEqual({ productId: key.productId, change: 'price' });
    expect((await receptionist.catalog.products()).find((p) => p.id === key.productId)!.prices).toEqual([{ branchId: demo.branches.east, priceCents: 1100 }]);

    const east = await bookGp(receptionist, 'east', [{ productId: key.productId, quantity: 2 }], 0);
    expect(east.products).toEqual([{ productId: key.productId, quantity: 2, unitPriceCents: 1100 }]);
    const west = await bookGp(receptionistWest, 'west', [{ productId: key.productId, quantity: 1 }], 0);
    expect(west.products).toEqual([{ productId: key.productId, quantity: 1, unitPriceCents: 900 }]);
    const lines = await sql('SELECT appointment_id, unit_price_cents FROM appointment_product WHERE appointment_id = ANY($1) ORDER BY unit_price_cents', [[east.id, west.id]]);
    expect(lines).toEqual([
      { appointment_id: west.id, unit_price_cents: 900 },
      { appointment_id: east.id, unit_price_cents: 1100 },
    ]);
    // The sale is in the stock's history, with its reason.
    expect((await lastEvent('stock.changed', key.productId))?.payload).toMatchObject({ delta: -1, reason: 'Sold with a booking' });

    await manager.setup.products.setPrice({ ...key, priceCents: null });
    const again = await bookGp(receptionist, 'east', [{ productId: key.productId, quantity: 1 }], 1);
    expect(again.products[0]?.unitPriceCents).toBe(900);
  });

  it('a deactivated product cannot be booked; its stock stays as it was', async () => {
    const gauze = await admin.setup.products.create({ name: 'Gauze pads', priceCents: 300 });
    await manager.setup.products.receiveStock({ productId: gauze.id, branchId: demo.branches.east, quantity: 5, note: 'Opening stock' });
    await admin.setup.products.deactivate({ productId: gauze.id });
    const error = await failure(bookGp(receptionist, 'east', [{ productId: gauze.id, quantity: 1 }], 2));
    expect(failureCode(error)).toBe('NOT_FOUND');
    expect(await stockOf(gauze.id, demo.branches.east)).toBe(5);
  });
});

describe('invariant 5 with adjustments: stock never goes below zero', () => {
  it('a manager taking stock away races bookings taking the same product: the level never goes negative and matches what was sold and taken', async () => {
    const key = { productId: demo.products.mouthwash, branchId: demo.branches.east };
    await manager.setup.products.adjustStock({ ...key, mode: 'count', quantity: 10, reason: 'Count before the race' });
    const { seq: startSeq } = (await sql<{ seq: string }>('SELECT max(seq)::text AS seq FROM event'))[0]!;
    // 12 bookings of one bottle and 4 adjustments of −2 reach for 20 bottles; 10 are there.
    const results = await race<unknown>(16, (i) =>
      i < 12
        ? bookGp(i % 2 ? receptionist : admin, 'east', [{ productId: key.productId, quantity: 1 }], 20 + i)
        : manager.setup.products.adjustStock({ ...key, mode: 'delta', delta: -2, reason: `Expired batch ${i}` }),
    );
    const codes = results.map(codeOf);
    expect(codes.every((c) => c === 'OK' || c === 'OUT_OF_STOCK'), codes.join()).toBe(true);
    const sold = codes.slice(0, 12).filter((c) => c === 'OK').length;
    const takenAway = codes.slice(12).filter((c) => c === 'OK').length * 2;
    const left = (await stockOf(key.productId, key.branchId))!;
    expect(left).toBeGreaterThanOrEqual(0);
    expect(left).toBe(10 - sold - takenAway);
    expect(sold + takenAway).toBeGreaterThanOrEqual(9); // at most one bottle can be left over (a −2 that no longer fits)
    const soldRows = await sql<{ n: number }>(
      `SELECT coalesce(sum(ap.quantity), 0)::int AS n FROM appointment_product ap JOIN appointment a ON a.id = ap.appointment_id
        WHERE ap.product_id = $1 AND a.branch_id = $2 AND a.status = 'BOOKED'`,
      [key.productId, key.branchId],
    );
    expect(soldRows[0]!.n).toBe(sold);
    // The log tells the same story: the deltas after the count add up to the level, each with a reason.
    const events = await sql<{ payload: { delta: number; quantity: number; reason?: string } }>(
      `SELECT payload FROM event WHERE type = 'stock.changed' AND aggregate_id = $1 AND branch_id = $2 AND seq > $3 ORDER BY seq`,
      [key.productId, key.branchId, startSeq],
    );
    expect(10 + events.reduce((sum, e) => sum + e.payload.delta, 0)).toBe(left);
    expect(events.every((e) => e.payload.reason && e.payload.quantity >= 0)).toBe(true);
    expect(events).toHaveLength(sold + takenAway / 2);
  });
});
