import { staffCreateInput, staffDisableInput, staffListInput, staffSetBranchesInput } from '@frontdesk/shared';
import { auditRouter } from '../audit/audit.router.js';
import { router, staffProcedure } from '../trpc/init.js';

const manage = staffProcedure('staff.manage');

// Staff accounts (admins and branch managers) and the audit trail (audit/).
export const adminRouter = router({
  staff: router({
    list: manage.input(staffListInput).query(({ ctx, input }) => ctx.deps.staff.list(ctx.actor, input)),
    create: manage.input(staffCreateInput).mutation(({ ctx, input }) => ctx.deps.staff.create(ctx.actor, input)),
    disable: manage.input(staffDisableInput).mutation(({ ctx, input }) => ctx.deps.staff.setDisabled(ctx.actor, input)),
    setBranches: manage.input(staffSetBranchesInput).mutation(({ ctx, input }) => ctx.deps.staff.setBranches(ctx.actor, input)),
  }),
  audit: auditRouter,
});
