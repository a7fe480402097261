import {
  attachPatientInput,
  callNextInput,
  displayLinkCreateInput,
  displayLinkRevokeInput,
  displayLinksInput,
  queueInput,
  recallInput,
  setDisplayFirstNamesInput,
  skipInput,
  tokenCommandInput,
  walkInTokenInput,
} from '@frontdesk/shared';
import { router, staffProcedure } from '../trpc/init.js';

// The walk-in queue: desks call, recall, skip and serve tokens; managers make
// waiting-room display links; the admin decides whether displays show first names.
export const queueRouter = router({
  session: staffProcedure('appointments.read').input(queueInput).query(({ ctx, input }) => ctx.deps.queue.queue(ctx.actor, input.sessionId)),
  callNext: staffProcedure('tokens.issue').input(callNextInput).mutation(({ ctx, input }) => ctx.deps.queue.callNext(ctx.actor, input)),
  recall: staffProcedure('tokens.issue').input(recallInput).mutation(({ ctx, input }) => ctx.deps.queue.recall(ctx.actor, input)),
  skip: staffProcedure('tokens.issue').input(skipInput).mutation(({ ctx, input }) => ctx.deps.queue.skip(ctx.actor, input)),
  markServed: staffProcedure('tokens.issue').input(tokenCommandInput).mutation(({ ctx, input }) => ctx.deps.queue.markServed(ctx.actor, input.tokenId)),
  walkIn: staffProcedure('tokens.issue').input(walkInTokenInput).mutation(({ ctx, input }) => ctx.deps.queue.issueWalkIn(ctx.actor, input)),
  attachPatient: staffProcedure('tokens.issue').input(attachPatientInput).mutation(({ ctx, input }) => ctx.deps.queue.attachPatient(ctx.actor, input)),
  displays: staffProcedure('schedule.manage').input(displayLinksInput).query(({ ctx, input }) => ctx.deps.display.links(ctx.actor, input.branchId)),
  createDisplay: staffProcedure('schedule.manage').input(displayLinkCreateInput).mutation(({ ctx, input }) => ctx.deps.display.create(ctx.actor, input)),
  revokeDisplay: staffProcedure('schedule.manage').input(displayLinkRevokeInput).mutation(({ ctx, input }) => ctx.deps.display.revoke(ctx.actor, input.linkId)),
  setDisplayFirstNames: staffProcedure('organisation.manage')
    .input(setDisplayFirstNamesInput)
    .mutation(({ ctx, input }) => ctx.deps.display.setFirstNames(ctx.actor, input.on)),
});
