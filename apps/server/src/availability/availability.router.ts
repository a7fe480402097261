import { dayInput, findSlotsInput } from '@frontdesk/shared';
import type { Deps } from '../deps.js';
import { router, staffProcedure } from '../trpc/init.js';
import { AvailabilityService } from './availability.service.js';

// One service per deps (per process), so every desk shares the catalogue cache.
const services = new WeakMap<Deps, AvailabilityService>();
export function availabilityFor(deps: Deps): AvailabilityService {
  let service = services.get(deps);
  if (!service) services.set(deps, (service = new AvailabilityService(deps.db, deps.now)));
  return service;
}

export const availabilityRouter = router({
  findSlots: staffProcedure('slots.find')
    .input(findSlotsInput)
    .query(({ ctx, input }) => availabilityFor(ctx.deps).findSlots(ctx.actor, input)),
  day: staffProcedure('appointments.read')
    .input(dayInput)
    .query(({ ctx, input }) => availabilityFor(ctx.deps).day(ctx.actor, input)),
});
