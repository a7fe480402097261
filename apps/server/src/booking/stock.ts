import { DomainError } from '@frontdesk/shared';
import { notFound } from '../errors.js';
import type { Tx } from '../db/tx.js';
import type { BookingRepository, StockTaken } from './booking.repository.js';

/**
 * Takes the products a booking sells from the branch's stock, all or none
 * (the transaction rolls back on OUT_OF_STOCK, which says how many are left).
 */
export async function takeStock(tx: Tx, repo: BookingRepository, tenantId: string, branchId: string, products: readonly { productId: string; quantity: number }[]): Promise<StockTaken[]> {
  const lines: StockTaken[] = [];
  // A fixed order keeps two bookings of the same products from deadlocking.
  for (const p of [...products].sort((a, b) => a.productId.localeCompare(b.productId))) {
    const line = await repo.takeStock(tx, tenantId, branchId, p.productId, p.quantity);
    if (!line) {
      const available = await repo.stockLevel(tx, tenantId, branchId, p.productId);
      if (available === null) throw notFound('product');
      throw new DomainError('OUT_OF_STOCK', `Only ${available} left at this branch.`, { productId: p.productId, branchId, requested: p.quantity, available });
    }
    lines.push(line);
  }
  return lines;
}
