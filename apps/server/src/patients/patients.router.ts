import { patientCreateInput, patientGetInput, patientSearchInput } from '@frontdesk/shared';
import { router, staffProcedure } from '../trpc/init.js';

export const patientsRouter = router({
  search: staffProcedure('patients.read')
    .input(patientSearchInput)
    .query(({ ctx, input }) => ctx.deps.patients.search(ctx.actor, input)),
  get: staffProcedure('patients.read')
    .input(patientGetInput)
    .query(({ ctx, input }) => ctx.deps.patients.get(ctx.actor, input.patientId)),
  create: staffProcedure('patients.write')
    .input(patientCreateInput)
    .mutation(({ ctx, input }) => ctx.deps.patients.create(ctx.actor, input)),
});
