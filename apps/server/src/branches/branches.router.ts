import {
  branchAddClosureInput,
  branchClosuresInput,
  branchCreateInput,
  branchSetActiveInput,
  branchSetOpeningHoursInput,
  branchUpdateInput,
} from '@frontdesk/shared';
import { router, staffProcedure } from '../trpc/init.js';

// Branches: details and whether open for booking (admin); opening hours,
// holidays and closures (admin, or a manager at their own branches).
const organisation = staffProcedure('organisation.manage');
const schedule = staffProcedure('schedule.manage');

export const branchesRouter = router({
  list: schedule.query(({ ctx }) => ctx.deps.branches.list(ctx.actor)),
  create: organisation.input(branchCreateInput).mutation(({ ctx, input }) => ctx.deps.branches.create(ctx.actor, input)),
  update: organisation.input(branchUpdateInput).mutation(({ ctx, input }) => ctx.deps.branches.update(ctx.actor, input)),
  setActive: organisation.input(branchSetActiveInput).mutation(({ ctx, input }) => ctx.deps.branches.setActive(ctx.actor, input)),
  setOpeningHours: schedule.input(branchSetOpeningHoursInput).mutation(({ ctx, input }) => ctx.deps.branches.setOpeningHours(ctx.actor, input)),
  closures: schedule.input(branchClosuresInput).query(({ ctx, input }) => ctx.deps.branches.closures(ctx.actor, input)),
  addClosure: schedule.input(branchAddClosureInput).mutation(({ ctx, input }) => ctx.deps.branches.addClosure(ctx.actor, input)),
});
