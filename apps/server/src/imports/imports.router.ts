import { router } from '../trpc/init.js';

// CSV imports of patients and of resources with their hours.
export const importsRouter = router({});
