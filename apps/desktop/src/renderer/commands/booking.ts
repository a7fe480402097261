import type { HoldInput } from '@frontdesk/shared';
import { newIdempotencyKey } from '../lib/idempotency.js';
import { useTRPC } from '../lib/trpc.js';
import { useCommand, type CommandCallbacks } from './use-command.js';

// The booking commands the desk sends, each with the lifecycle of useCommand.

/** Holds a time; each call is a new command with its own idempotency key. */
export function useHold() {
  const command = useCommand(useTRPC().booking.hold.mutationOptions());
  const run = (input: Omit<HoldInput, 'idempotencyKey'>, on?: CommandCallbacks) => command.run({ ...input, idempotencyKey: newIdempotencyKey('hold') }, on);
  return { ...command, run };
}

export function useMove() {
  return useCommand(useTRPC().booking.move.mutationOptions());
}

export function useConfirm() {
  return useCommand(useTRPC().booking.confirm.mutationOptions());
}

export function useExtendHold() {
  return useCommand(useTRPC().booking.extendHold.mutationOptions());
}

/** Another service in a hold's place, in one transaction on the server. */
export function useChangeService() {
  return useCommand(useTRPC().booking.changeService.mutationOptions());
}

export function useRelease() {
  return useCommand(useTRPC().booking.release.mutationOptions());
}

/** Check in, consultation, completed, no-show and cancel: the steps of an appointment's day. */
export function useAppointmentSteps() {
  const trpc = useTRPC();
  return {
    checkIn: useCommand(trpc.booking.checkIn.mutationOptions()),
    noShow: useCommand(trpc.booking.markNoShow.mutationOptions()),
    cancel: useCommand(trpc.booking.cancel.mutationOptions()),
    startConsultation: useCommand(trpc.booking.startConsultation.mutationOptions()),
    complete: useCommand(trpc.booking.complete.mutationOptions()),
  };
}

/** A booked appointment's service, patient, practitioner/room or note changed in place. */
export function useEditAppointment() {
  return useCommand(useTRPC().booking.edit.mutationOptions());
}
