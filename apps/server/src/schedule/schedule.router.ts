import { addTimeOffInput, removeTimeOffInput, setHoursInput } from '@frontdesk/shared';
import type { Deps } from '../deps.js';
import { router, staffProcedure } from '../trpc/init.js';
import { ScheduleRepository } from './schedule.repository.js';
import { ScheduleService } from './schedule.service.js';

const services = new WeakMap<Deps, ScheduleService>();
function scheduleFor(deps: Deps): ScheduleService {
  let service = services.get(deps);
  if (!service) services.set(deps, (service = new ScheduleService(deps.db, deps.catalogues, new ScheduleRepository(), deps.now)));
  return service;
}

export const scheduleRouter = router({
  addTimeOff: staffProcedure('schedule.manage')
    .input(addTimeOffInput)
    .mutation(({ ctx, input }) => scheduleFor(ctx.deps).addTimeOff(ctx.actor, input)),
  removeTimeOff: staffProcedure('schedule.manage')
    .input(removeTimeOffInput)
    .mutation(({ ctx, input }) => scheduleFor(ctx.deps).removeTimeOff(ctx.actor, input)),
  setHours: staffProcedure('schedule.manage')
    .input(setHoursInput)
    .mutation(({ ctx, input }) => scheduleFor(ctx.deps).setHours(ctx.actor, input)),
});
