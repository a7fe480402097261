import { resourceCreateInput, resourceSetActiveInput, resourceSetBranchesInput, resourceUpdateInput } from '@frontdesk/shared';
import { router, staffProcedure } from '../trpc/init.js';

// Resources: practitioners, rooms, chairs, devices; their branches, skills and colour.
const manage = staffProcedure('organisation.manage');

export const resourcesRouter = router({
  list: manage.query(({ ctx }) => ctx.deps.resources.list(ctx.actor)),
  create: manage.input(resourceCreateInput).mutation(({ ctx, input }) => ctx.deps.resources.create(ctx.actor, input)),
  update: manage.input(resourceUpdateInput).mutation(({ ctx, input }) => ctx.deps.resources.update(ctx.actor, input)),
  setBranches: manage.input(resourceSetBranchesInput).mutation(({ ctx, input }) => ctx.deps.resources.setBranches(ctx.actor, input)),
  setActive: manage.input(resourceSetActiveInput).mutation(({ ctx, input }) => ctx.deps.resources.setActive(ctx.actor, input)),
});
