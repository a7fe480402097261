import { router } from '../trpc/init.js';

// Recurring walk-in sessions, generated ahead.
export const sessionTemplatesRouter = router({});
