import { seriesBookInput, seriesCancelInput, seriesCheckInput, seriesGetInput, seriesMoveInput } from '@frontdesk/shared';
import { router, staffProcedure } from '../trpc/init.js';

// Thin: an input schema, then one call into the series service (scoped cancel and move into series-changes.ts).
const write = staffProcedure('appointments.write');
const read = staffProcedure('appointments.read');

export const seriesRouter = router({
  /** The preview: each occurrence free, or taken with its nearest alternatives. */
  check: read.input(seriesCheckInput).query(({ ctx, input }) => ctx.deps.series.check(ctx.actor, input)),
  book: write.input(seriesBookInput).mutation(({ ctx, input }) => ctx.deps.series.book(ctx.actor, input)),
  get: read.input(seriesGetInput).query(({ ctx, input }) => ctx.deps.series.get(ctx.actor, input.seriesId)),
  cancel: write.input(seriesCancelInput).mutation(({ ctx, input }) => ctx.deps.seriesChanges.cancel(ctx.actor, input)),
  move: write.input(seriesMoveInput).mutation(({ ctx, input }) => ctx.deps.seriesChanges.move(ctx.actor, input)),
});
