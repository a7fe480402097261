import { addLeaveInput, hoursWeekInput, setExceptionInput } from '@frontdesk/shared';
import { router, staffProcedure } from '../trpc/init.js';

// Working hours: the week at a glance, date exceptions, leave. The weekly
// pattern is schedule.setHours; changes that affect appointments are settled.
const manage = staffProcedure('schedule.manage');

export const hoursRouter = router({
  week: manage.input(hoursWeekInput).query(({ ctx, input }) => ctx.deps.hours.week(ctx.actor, input)),
  setException: manage.input(setExceptionInput).mutation(({ ctx, input }) => ctx.deps.hours.setException(ctx.actor, input)),
  addLeave: manage.input(addLeaveInput).mutation(({ ctx, input }) => ctx.deps.hours.addLeave(ctx.actor, input)),
});
