import { setTimeFormatInput, setVisitSettingsInput } from '@frontdesk/shared';
import { router, staffProcedure } from '../trpc/init.js';

// The clinic's settings: every signed-in desk reads them; the admin sets them.
export const clinicRouter = router({
  settings: staffProcedure('session').query(({ ctx }) => ctx.deps.clinic.settings(ctx.actor)),
  setTimeFormat: staffProcedure('organisation.manage')
    .input(setTimeFormatInput)
    .mutation(({ ctx, input }) => ctx.deps.clinic.setTimeFormat(ctx.actor, input)),
  /** Check-in window (minutes before the start) and late-cancellation notice (hours). */
  setVisitSettings: staffProcedure('organisation.manage')
    .input(setVisitSettingsInput)
    .mutation(({ ctx, input }) => ctx.deps.clinic.setVisitSettings(ctx.actor, input)),
});
