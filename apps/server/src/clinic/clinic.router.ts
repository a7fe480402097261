import { setTimeFormatInput } from '@frontdesk/shared';
import { router, staffProcedure } from '../trpc/init.js';

// The clinic's settings: every signed-in desk reads them; the admin sets them.
export const clinicRouter = router({
  settings: staffProcedure('session').query(({ ctx }) => ctx.deps.clinic.settings(ctx.actor)),
  setTimeFormat: staffProcedure('organisation.manage')
    .input(setTimeFormatInput)
    .mutation(({ ctx, input }) => ctx.deps.clinic.setTimeFormat(ctx.actor, input)),
});
