import { waitlistAddInput, waitlistBookOfferInput, waitlistHoldSettingInput, waitlistListInput, waitlistRemoveInput } from '@frontdesk/shared';
import { router, staffProcedure } from '../trpc/init.js';

// Thin: an input schema, then one call into the waitlist service.
const read = staffProcedure('appointments.read');
const write = staffProcedure('appointments.write');

export const waitlistRouter = router({
  list: read.input(waitlistListInput).query(({ ctx, input }) => ctx.deps.waitlist.list(ctx.actor, input)),
  /** Freed times still on offer, for a desk that opens after the live event. */
  offers: read.query(({ ctx }) => ctx.deps.waitlist.offers(ctx.actor)),
  add: write.input(waitlistAddInput).mutation(({ ctx, input }) => ctx.deps.waitlist.add(ctx.actor, input)),
  remove: write.input(waitlistRemoveInput).mutation(({ ctx, input }) => ctx.deps.waitlist.remove(ctx.actor, input)),
  /** Books an offer through the booking command: the first desk wins, the others hear SLOT_TAKEN. */
  bookOffer: write.input(waitlistBookOfferInput).mutation(({ ctx, input }) => ctx.deps.waitlist.bookOffer(ctx.actor, input)),
  /** The clinic's offer hold, in minutes (0: offers are not held). */
  holdSetting: read.query(({ ctx }) => ctx.deps.waitlist.holdSetting(ctx.actor)),
  setHoldSetting: staffProcedure('organisation.manage').input(waitlistHoldSettingInput).mutation(({ ctx, input }) => ctx.deps.waitlist.setHoldSetting(ctx.actor, input)),
});
