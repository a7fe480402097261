import { apiClientsRouter } from '../api-clients/api-clients.router.js';
import { branchesRouter } from '../branches/branches.router.js';
import { firstRunRouter } from '../firstrun/firstrun.router.js';
import { hoursRouter } from '../hours/hours.router.js';
import { importsRouter } from '../imports/imports.router.js';
import { messagesRouter } from '../messages/messages.router.js';
import { productsRouter } from '../products/products.router.js';
import { resourcesRouter } from '../resources/resources.router.js';
import { servicesRouter } from '../services/services.router.js';
import { sessionTemplatesRouter } from '../sessions/sessions.router.js';
import { router } from '../trpc/init.js';

// Everything a clinic sets itself up with. Each feature folder owns its
// sub-router; this file only names them.
export const setupRouter = router({
  firstRun: firstRunRouter,
  branches: branchesRouter,
  resources: resourcesRouter,
  hours: hoursRouter,
  services: servicesRouter,
  products: productsRouter,
  sessions: sessionTemplatesRouter,
  imports: importsRouter,
  messages: messagesRouter,
  apiClients: apiClientsRouter,
});
