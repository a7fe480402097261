import { changePasswordInput, loginInput } from '@frontdesk/shared';
import { publicProcedure, router, staffProcedure } from '../trpc/init.js';

export const authRouter = router({
  login: publicProcedure.input(loginInput).mutation(({ ctx, input }) => ctx.deps.auth.login(input, ctx.ip)),
  me: staffProcedure('session').query(({ ctx }) => ({
    staffId: ctx.actor.staffId,
    tenantId: ctx.actor.tenantId,
    name: ctx.actor.name,
    role: ctx.actor.role,
    branchIds: [...ctx.actor.branchIds],
    desk: ctx.actor.desk,
    mustChangePassword: ctx.actor.mustChangePassword,
  })),
  logout: staffProcedure('session').mutation(async ({ ctx }) => {
    await ctx.deps.auth.logout(ctx.actor);
    return { ok: true as const };
  }),
  /** Ends every session of the signed-in staff member, on every desk. */
  logoutEverywhere: staffProcedure('session').mutation(({ ctx }) => ctx.deps.auth.logoutEverywhere(ctx.actor)),
  changePassword: staffProcedure('session')
    .input(changePasswordInput)
    .mutation(({ ctx, input }) => ctx.deps.auth.changePassword(ctx.actor, input, ctx.ip)),
});
