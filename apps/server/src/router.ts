import { adminRouter } from './admin/admin.router.js';
import { authRouter } from './auth/auth.router.js';
import { availabilityRouter } from './availability/availability.router.js';
import { bookingRouter } from './booking/booking.router.js';
import { catalogRouter } from './catalog/catalog.router.js';
import { clinicRouter } from './clinic/clinic.router.js';
import { patientsRouter } from './patients/patients.router.js';
import { queueRouter } from './queue/queue.router.js';
import { scheduleRouter } from './schedule/schedule.router.js';
import { seriesRouter } from './series/series.router.js';
import { setupRouter } from './setup/setup.router.js';
import { changesProcedure } from './sync/changes.router.js';
import { waitlistRouter } from './waitlist/waitlist.router.js';
import { router } from './trpc/init.js';

// The whole API. Each feature folder owns its sub-router; this file only
// names them. The desktop imports `AppRouter` as a type, nothing else.
export const appRouter = router({
  auth: authRouter,
  availability: availabilityRouter,
  schedule: scheduleRouter,
  catalog: catalogRouter,
  clinic: clinicRouter,
  admin: adminRouter,
  changes: changesProcedure,
  booking: bookingRouter,
  patients: patientsRouter,
  queue: queueRouter,
  setup: setupRouter,
  series: seriesRouter,
  waitlist: waitlistRouter,
});

export type AppRouter = typeof appRouter;
