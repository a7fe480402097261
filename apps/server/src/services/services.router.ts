import { router } from '../trpc/init.js';

// Services: durations, buffers, requirements, practitioners, prices.
export const servicesRouter = router({});
