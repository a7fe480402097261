import { activateServiceInput, createServiceInput, deactivateServiceInput, setServicePractitionersInput, updateServiceInput } from '@frontdesk/shared';
import { router, staffProcedure } from '../trpc/init.js';

const setup = staffProcedure('organisation.manage');

// Services: durations, buffers, requirements, practitioners, prices. A
// manager reads the list (prices at their own branches) and sets a price
// at those through catalog.setPrice; the rest is the admin's.
export const servicesRouter = router({
  list: staffProcedure('catalog.manage').query(({ ctx }) => ctx.deps.services.list(ctx.actor)),
  create: setup.input(createServiceInput).mutation(({ ctx, input }) => ctx.deps.services.create(ctx.actor, input)),
  update: setup.input(updateServiceInput).mutation(({ ctx, input }) => ctx.deps.services.update(ctx.actor, input)),
  setPractitioners: setup.input(setServicePractitionersInput).mutation(({ ctx, input }) => ctx.deps.services.setPractitioners(ctx.actor, input)),
  deactivate: setup.input(deactivateServiceInput).mutation(({ ctx, input }) => ctx.deps.services.deactivate(ctx.actor, input)),
  activate: setup.input(activateServiceInput).mutation(({ ctx, input }) => ctx.deps.services.activate(ctx.actor, input)),
});
