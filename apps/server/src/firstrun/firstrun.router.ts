import { router } from '../trpc/init.js';

// First run: creating the organisation, its first branch and admin on an empty server.
export const firstRunRouter = router({});
