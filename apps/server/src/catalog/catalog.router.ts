import { catalogResourcesInput, catalogSessionsInput, setPriceInput } from '@frontdesk/shared';
import { router, staffProcedure } from '../trpc/init.js';

const read = staffProcedure('catalog.read');
const manage = staffProcedure('catalog.manage');

export const catalogRouter = router({
  branches: read.query(({ ctx }) => ctx.deps.catalog.branches(ctx.actor)),
  services: read.query(({ ctx }) => ctx.deps.catalog.services(ctx.actor)),
  resources: read.input(catalogResourcesInput).query(({ ctx, input }) => ctx.deps.catalog.resources(ctx.actor, input)),
  products: read.query(({ ctx }) => ctx.deps.catalog.products(ctx.actor)),
  sessions: read.input(catalogSessionsInput).query(({ ctx, input }) => ctx.deps.catalog.sessions(ctx.actor, input)),
  // A branch's own price of a service: the manager's at their branches; services/ owns it.
  setPrice: manage.input(setPriceInput).mutation(({ ctx, input }) => ctx.deps.services.setPrice(ctx.actor, input)),
});
