import { router } from '../trpc/init.js';

// Working hours: weekly patterns, date exceptions, leave; changes that affect appointments.
export const hoursRouter = router({});
