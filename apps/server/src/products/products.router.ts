import { router } from '../trpc/init.js';

// Products: prices per branch, stock received and adjusted with a reason, low-stock thresholds.
export const productsRouter = router({});
