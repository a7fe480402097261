import {
  adjustStockInput,
  productCreateInput,
  productIdInput,
  productPriceInput,
  productUpdateInput,
  receiveStockInput,
  stockHistoryInput,
  stockThresholdInput,
} from '@frontdesk/shared';
import { router, staffProcedure } from '../trpc/init.js';

// The products themselves are the clinic's setup (admin); price, stock and
// thresholds are a manager's at his branches.
const organisation = staffProcedure('organisation.manage');
const branchStock = staffProcedure('catalog.manage');

export const productsRouter = router({
  list: branchStock.query(({ ctx }) => ctx.deps.products.list(ctx.actor)),
  create: organisation.input(productCreateInput).mutation(({ ctx, input }) => ctx.deps.products.create(ctx.actor, input)),
  update: organisation.input(productUpdateInput).mutation(({ ctx, input }) => ctx.deps.products.update(ctx.actor, input)),
  deactivate: organisation.input(productIdInput).mutation(({ ctx, input }) => ctx.deps.products.setActive(ctx.actor, input.productId, false)),
  activate: organisation.input(productIdInput).mutation(({ ctx, input }) => ctx.deps.products.setActive(ctx.actor, input.productId, true)),
  setPrice: branchStock.input(productPriceInput).mutation(({ ctx, input }) => ctx.deps.products.setPrice(ctx.actor, input)),
  receiveStock: branchStock.input(receiveStockInput).mutation(({ ctx, input }) => ctx.deps.products.receive(ctx.actor, input)),
  adjustStock: branchStock.input(adjustStockInput).mutation(({ ctx, input }) => ctx.deps.products.adjust(ctx.actor, input)),
  setThreshold: branchStock.input(stockThresholdInput).mutation(({ ctx, input }) => ctx.deps.products.setThreshold(ctx.actor, input)),
  stockHistory: branchStock.input(stockHistoryInput).query(({ ctx, input }) => ctx.deps.products.stockHistory(ctx.actor, input)),
});
