import {
  appointmentGetInput,
  appointmentStepInput,
  bookInput,
  cancelAppointmentInput,
  changeServiceInput,
  confirmInput,
  editAppointmentInput,
  extendHoldInput,
  holdInput,
  issueTokenInput,
  moveInput,
  releaseInput,
  releaseMineInput,
} from '@frontdesk/shared';
import { router, staffProcedure } from '../trpc/init.js';

// Thin: an input schema, then one call into the booking service (issueToken, into the
// tokens service: its path stays under booking, where the desk knows it).
const write = staffProcedure('appointments.write');

export const bookingRouter = router({
  hold: write.input(holdInput).mutation(({ ctx, input }) => ctx.deps.booking.hold(ctx.actor, input)),
  extendHold: write.input(extendHoldInput).mutation(({ ctx, input }) => ctx.deps.booking.extendHold(ctx.actor, input)),
  confirm: write.input(confirmInput).mutation(({ ctx, input }) => ctx.deps.booking.confirm(ctx.actor, input)),
  book: write.input(bookInput).mutation(({ ctx, input }) => ctx.deps.booking.book(ctx.actor, input)),
  release: write.input(releaseInput).mutation(({ ctx, input }) => ctx.deps.booking.release(ctx.actor, input)),
  /** This sign-in's own holds let go (a desk window closing sends it with keepalive). */
  releaseMine: write.input(releaseMineInput).mutation(({ ctx, input }) => ctx.deps.holds.releaseMine(ctx.actor, input)),
  changeService: write.input(changeServiceInput).mutation(({ ctx, input }) => ctx.deps.holds.changeService(ctx.actor, input)),
  move: write.input(moveInput).mutation(({ ctx, input }) => ctx.deps.booking.move(ctx.actor, input)),
  /** A booked appointment's service, patient, practitioner/room or note, changed in place. */
  edit: write.input(editAppointmentInput).mutation(({ ctx, input }) => ctx.deps.edits.edit(ctx.actor, input)),
  cancel: write.input(cancelAppointmentInput).mutation(({ ctx, input }) => ctx.deps.visits.cancel(ctx.actor, input)),
  checkIn: write.input(appointmentStepInput).mutation(({ ctx, input }) => ctx.deps.visits.checkIn(ctx.actor, input)),
  startConsultation: write.input(appointmentStepInput).mutation(({ ctx, input }) => ctx.deps.visits.startConsultation(ctx.actor, input)),
  complete: write.input(appointmentStepInput).mutation(({ ctx, input }) => ctx.deps.visits.complete(ctx.actor, input)),
  markNoShow: write.input(appointmentStepInput).mutation(({ ctx, input }) => ctx.deps.visits.markNoShow(ctx.actor, input)),
  issueToken: staffProcedure('tokens.issue')
    .input(issueTokenInput)
    .mutation(({ ctx, input }) => ctx.deps.tokens.issue(ctx.actor, input)),
  get: staffProcedure('appointments.read')
    .input(appointmentGetInput)
    .query(({ ctx, input }) => ctx.deps.booking.get(ctx.actor, input.appointmentId)),
});
