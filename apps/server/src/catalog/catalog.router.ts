import { catalogResourcesInput, catalogSessionsInput, setPriceInput, setStockInput } from '@frontdesk/shared';
import type { Deps } from '../deps.js';
import { router, staffProcedure } from '../trpc/init.js';
import { CatalogService } from './catalog.service.js';

const services = new WeakMap<Deps, CatalogService>();
function catalogFor(deps: Deps): CatalogService {
  let service = services.get(deps);
  if (!service) services.set(deps, (service = new CatalogService(deps.db)));
  return service;
}

export const catalogRouter = router({
  branches: staffProcedure('catalog.read').query(({ ctx }) => catalogFor(ctx.deps).branches(ctx.actor)),
  services: staffProcedure('catalog.read').query(({ ctx }) => catalogFor(ctx.deps).services(ctx.actor)),
  resources: staffProcedure('catalog.read')
    .input(catalogResourcesInput)
    .query(({ ctx, input }) => catalogFor(ctx.deps).resources(ctx.actor, input)),
  products: staffProcedure('catalog.read').query(({ ctx }) => catalogFor(ctx.deps).products(ctx.actor)),
  sessions: staffProcedure('catalog.read')
    .input(catalogSessionsInput)
    .query(({ ctx, input }) => catalogFor(ctx.deps).sessions(ctx.actor, input)),
  setStock: staffProcedure('catalog.manage')
    .input(setStockInput)
    .mutation(({ ctx, input }) => catalogFor(ctx.deps).setStock(ctx.actor, input)),
  setPrice: staffProcedure('catalog.manage')
    .input(setPriceInput)
    .mutation(({ ctx, input }) => catalogFor(ctx.deps).setPrice(ctx.actor, input)),
});
