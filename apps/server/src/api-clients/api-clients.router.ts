import { apiClientCreateInput, apiClientIdInput } from '@frontdesk/shared';
import { router, staffProcedure } from '../trpc/init.js';

// Systems that book through /fhir/R4: the admin's register, rotate and disable.
const manage = staffProcedure('organisation.manage');

export const apiClientsRouter = router({
  list: manage.query(({ ctx }) => ctx.deps.apiClients.list(ctx.actor)),
  create: manage.input(apiClientCreateInput).mutation(({ ctx, input }) => ctx.deps.apiClients.create(ctx.actor, input)),
  rotate: manage.input(apiClientIdInput).mutation(({ ctx, input }) => ctx.deps.apiClients.rotate(ctx.actor, input.clientId)),
  disable: manage.input(apiClientIdInput).mutation(({ ctx, input }) => ctx.deps.apiClients.setDisabled(ctx.actor, input.clientId, true)),
  enable: manage.input(apiClientIdInput).mutation(({ ctx, input }) => ctx.deps.apiClients.setDisabled(ctx.actor, input.clientId, false)),
});
