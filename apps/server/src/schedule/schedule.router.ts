import { addTimeOffInput, removeTimeOffInput, setHoursInput } from '@frontdesk/shared';
import { router, staffProcedure } from '../trpc/init.js';

const manage = staffProcedure('schedule.manage');

export const scheduleRouter = router({
  addTimeOff: manage.input(addTimeOffInput).mutation(({ ctx, input }) => ctx.deps.schedule.addTimeOff(ctx.actor, input)),
  removeTimeOff: manage.input(removeTimeOffInput).mutation(({ ctx, input }) => ctx.deps.schedule.removeTimeOff(ctx.actor, input)),
  setHours: manage.input(setHoursInput).mutation(({ ctx, input }) => ctx.deps.schedule.setHours(ctx.actor, input)),
});
