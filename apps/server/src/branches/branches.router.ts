import { router } from '../trpc/init.js';

// Branches: details, opening hours, holidays and closures.
export const branchesRouter = router({});
