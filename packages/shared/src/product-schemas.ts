import { z } from 'zod';
import { id } from './schemas.js';

// Input schemas of the clinic's products and stock (setup.products.*): the
// products themselves (admin), and per branch their price, stock received or
// adjusted with a reason, and the low-stock threshold (managers at their branches).

export const STOCK_MAX = 1_000_000;

const price = z.number({ message: 'Give a price.' }).int('A price is in whole cents.').min(0, 'A price cannot be negative.').max(100_000_000, 'That price is too high.');
const productName = z.string().trim().min(1, 'Give the product a name.').max(200, 'A name is at most 200 characters.');
const quantity = z.number({ message: 'Give a quantity.' }).int('A quantity is a whole number.');
/** Why stock changed: it goes into the change's event, the stock's history. */
const reason = z.string().trim().min(1, 'Say why the stock changes (e.g. counted, damaged, expired).').max(500, 'A reason is at most 500 characters.');

export const productCreateInput = z.object({
  name: productName,
  /** The price wherever a branch has no price of its own. */
  priceCents: price,
});

export const productUpdateInput = z.object({
  productId: id,
  name: productName,
  priceCents: price,
});

/** Deactivate or activate: an inactive product is no longer offered with a booking. */
export const productIdInput = z.object({ productId: id });

export const productPriceInput = z.object({
  productId: id,
  branchId: id,
  /** The branch's own price; null: the base price again. */
  priceCents: price.nullable(),
});

export const receiveStockInput = z.object({
  productId: id,
  branchId: id,
  quantity: quantity.min(1, 'Receive at least 1.').max(STOCK_MAX, `At most ${STOCK_MAX} at once.`),
  /** Where it came from: supplier, invoice or delivery note. */
  note: z.string().trim().min(1, 'Say where the stock came from (supplier, invoice).').max(500, 'A note is at most 500 characters.'),
});

/** Stock set to what was counted on the shelf, or changed by ±n; never below zero, always with a reason. */
export const adjustStockInput = z.discriminatedUnion('mode', [
  z.object({
    mode: z.literal('count'),
    productId: id,
    branchId: id,
    quantity: quantity.min(0, 'Stock cannot be negative.').max(STOCK_MAX, `Stock is at most ${STOCK_MAX}.`),
    reason,
  }),
  z.object({
    mode: z.literal('delta'),
    productId: id,
    branchId: id,
    delta: quantity
      .min(-STOCK_MAX, `A change is at most ${STOCK_MAX}.`)
      .max(STOCK_MAX, `A change is at most ${STOCK_MAX}.`)
      .refine((n) => n !== 0, 'A change of 0 changes nothing.'),
    reason,
  }),
]);

export const stockThresholdInput = z.object({
  productId: id,
  branchId: id,
  /** At or below this the desk shows "low stock"; 0 turns the alert off. */
  threshold: quantity.min(0, 'A threshold cannot be negative.').max(STOCK_MAX, `A threshold is at most ${STOCK_MAX}.`),
});

export const stockHistoryInput = z.object({ productId: id, branchId: id });

export type ProductCreateInput = z.input<typeof productCreateInput>;
export type ProductUpdateInput = z.input<typeof productUpdateInput>;
export type ProductPriceInput = z.input<typeof productPriceInput>;
export type ReceiveStockInput = z.input<typeof receiveStockInput>;
export type AdjustStockInput = z.input<typeof adjustStockInput>;
export type StockThresholdInput = z.input<typeof stockThresholdInput>;

/** Whether stock is low: at or below a threshold that is set (0 means no alert). */
export function isLowStock(quantity: number, threshold: number): boolean {
  return threshold > 0 && quantity <= threshold;
}
