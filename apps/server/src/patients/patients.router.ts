import { patientCreateInput, patientGetInput, patientSearchInput } from '@frontdesk/shared';
import { router, staffProcedure } from '../trpc/init.js';

const read = staffProcedure('patients.read');

export const patientsRouter = router({
  search: read.input(patientSearchInput).query(({ ctx, input }) => ctx.deps.patients.search(ctx.actor, input)),
  get: read.input(patientGetInput).query(({ ctx, input }) => ctx.deps.patients.get(ctx.actor, input.patientId)),
  create: staffProcedure('patients.write').input(patientCreateInput).mutation(({ ctx, input }) => ctx.deps.patients.create(ctx.actor, input)),
});
