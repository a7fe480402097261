import { router, staffProcedure } from '../trpc/init.js';

// CSV imports of patients and of resources with their hours. The files
// themselves go to POST /import/<kind> (imports.http.ts), streamed; here only
// the small calls.
export const importsRouter = router({
  /** The latest imports that wrote something, newest first. */
  runs: staffProcedure('organisation.manage').query(({ ctx }) => ctx.deps.imports.runs(ctx.actor)),
});
