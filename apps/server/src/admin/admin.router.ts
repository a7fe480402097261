import {
  staffCreateInput,
  staffDisableInput,
  staffIdInput,
  staffInviteInput,
  staffListInput,
  staffResetPasswordInput,
  staffSetBranchesInput,
  staffUpdateInput,
} from '@frontdesk/shared';
import { auditRouter } from '../audit/audit.router.js';
import { router, staffProcedure } from '../trpc/init.js';

const manage = staffProcedure('staff.manage');

// Staff accounts (admins and branch managers) and the audit trail (audit/).
export const adminRouter = router({
  staff: router({
    list: manage.input(staffListInput).query(({ ctx, input }) => ctx.deps.staff.list(ctx.actor, input)),
    create: manage.input(staffCreateInput).mutation(({ ctx, input }) => ctx.deps.staff.create(ctx.actor, input)),
    /** Creates the account with a temporary password, returned once; changed at first sign-in. */
    invite: manage.input(staffInviteInput).mutation(({ ctx, input }) => ctx.deps.staff.invite(ctx.actor, input)),
    update: manage.input(staffUpdateInput).mutation(({ ctx, input }) => ctx.deps.staff.update(ctx.actor, input)),
    disable: manage.input(staffDisableInput).mutation(({ ctx, input }) => ctx.deps.staff.setDisabled(ctx.actor, input)),
    enable: manage.input(staffIdInput).mutation(({ ctx, input }) => ctx.deps.staff.setDisabled(ctx.actor, { staffId: input.staffId, disabled: false })),
    setBranches: manage.input(staffSetBranchesInput).mutation(({ ctx, input }) => ctx.deps.staff.setBranches(ctx.actor, input)),
    /** A temporary password, returned once; the account's sessions end and its next sign-in asks for a new one. */
    resetPassword: manage.input(staffResetPasswordInput).mutation(({ ctx, input }) => ctx.deps.staff.resetPassword(ctx.actor, input)),
  }),
  audit: auditRouter,
});
