import { firstRunCreateInput } from '@frontdesk/shared';
import { publicProcedure, router } from '../trpc/init.js';

// First run: creating the organisation, its first branch and admin on an empty server.
// Public (nobody can sign in yet); the service decides who may, from where.
export const firstRunRouter = router({
  status: publicProcedure.query(({ ctx }) => ctx.deps.firstRun.status({ local: ctx.local === true })),
  create: publicProcedure.input(firstRunCreateInput).mutation(({ ctx, input }) => ctx.deps.firstRun.create(input, { local: ctx.local === true })),
});
