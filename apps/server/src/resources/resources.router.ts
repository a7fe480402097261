import { router } from '../trpc/init.js';

// Resources: practitioners, rooms, chairs, devices; their branches, skills and colour.
export const resourcesRouter = router({});
