import { patientCreateInput, patientGetInput, patientMergeInput, patientProfileInput, patientSearchInput, patientUpdateInput } from '@frontdesk/shared';
import { router, staffProcedure } from '../trpc/init.js';

const read = staffProcedure('patients.read');
const write = staffProcedure('patients.write');

export const patientsRouter = router({
  search: read.input(patientSearchInput).query(({ ctx, input }) => ctx.deps.patients.search(ctx.actor, input)),
  get: read.input(patientGetInput).query(({ ctx, input }) => ctx.deps.patients.get(ctx.actor, input.patientId)),
  profile: read.input(patientProfileInput).query(({ ctx, input }) => ctx.deps.patients.profile(ctx.actor, input.patientId)),
  /** Creates the record as sent (a caller that has checked for duplicates itself). */
  create: write.input(patientCreateInput).mutation(async ({ ctx, input }) => {
    const result = await ctx.deps.patients.create(ctx.actor, { ...input, confirmNotDuplicate: true });
    if (result.outcome !== 'created') throw new Error('a create without the duplicate check always creates');
    return result.patient;
  }),
  /** The desk's create: answers possible duplicates (nothing written) unless `confirmNotDuplicate`. */
  register: write.input(patientCreateInput).mutation(({ ctx, input }) => ctx.deps.patients.create(ctx.actor, { ...input, checkDuplicates: true })),
  update: write.input(patientUpdateInput).mutation(({ ctx, input }) => ctx.deps.patients.update(ctx.actor, input)),
  merge: write.input(patientMergeInput).mutation(({ ctx, input }) => ctx.deps.patients.merge(ctx.actor, input)),
});
