import { dayInput, findSlotsInput } from '@frontdesk/shared';
import { router, staffProcedure } from '../trpc/init.js';

export const availabilityRouter = router({
  findSlots: staffProcedure('slots.find')
    .input(findSlotsInput)
    .query(({ ctx, input }) => ctx.deps.availability.findSlots(ctx.actor, input)),
  // The day sheet keeps its place in the API; its code lives in daysheet/.
  day: staffProcedure('appointments.read')
    .input(dayInput)
    .query(({ ctx, input }) => ctx.deps.daySheet.day(ctx.actor, input)),
  // The manager's totals for the day sheet.
  daySummary: staffProcedure('schedule.manage')
    .input(dayInput)
    .query(({ ctx, input }) => ctx.deps.daySheet.summary(ctx.actor, input)),
});
