import { sessionTemplateCreateInput, sessionTemplateIdInput, sessionTemplateListInput, sessionTemplateUpdateInput } from '@frontdesk/shared';
import { router, staffProcedure } from '../trpc/init.js';

// Recurring walk-in sessions, generated ahead: a manager's at his branches.
const manage = staffProcedure('schedule.manage');

export const sessionTemplatesRouter = router({
  list: manage.input(sessionTemplateListInput).query(({ ctx, input }) => ctx.deps.sessionTemplates.list(ctx.actor, input)),
  create: manage.input(sessionTemplateCreateInput).mutation(({ ctx, input }) => ctx.deps.sessionTemplates.create(ctx.actor, input)),
  update: manage.input(sessionTemplateUpdateInput).mutation(({ ctx, input }) => ctx.deps.sessionTemplates.update(ctx.actor, input)),
  deactivate: manage.input(sessionTemplateIdInput).mutation(({ ctx, input }) => ctx.deps.sessionTemplates.setActive(ctx.actor, input.templateId, false)),
  activate: manage.input(sessionTemplateIdInput).mutation(({ ctx, input }) => ctx.deps.sessionTemplates.setActive(ctx.actor, input.templateId, true)),
});
