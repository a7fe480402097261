import { useMutation, useQueryClient } from '@tanstack/react-query';
import { domainErrorOf } from '@frontdesk/shared';
import { sentenceFor } from '../../../lib/errors.js';
import { useTRPC } from '../../../lib/trpc.js';
import { useSettledMutation } from '../affected.js';

/** The refusal of a command in plain words, and the field it names (if any). */
export interface HoursRefusal {
  sentence: string;
  field: string | null;
}

export function refusalOf(error: unknown): HoursRefusal | null {
  if (!error) return null;
  const domain = domainErrorOf(error);
  const field = domain?.code === 'BAD_INPUT' ? (domain.details.field ?? null) : null;
  return { sentence: sentenceFor(error), field };
}

/**
 * The working-hours commands of one resource at one branch: the weekly
 * pattern, one date's hours, leave. Each reloads the week, the day views and
 * free slots once it is done. A change over booked appointments opens the
 * affected dialog (render `dialogs`) and is sent again with the choices made.
 */
export function useHoursCommands() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const onSuccess = () => {
    void queryClient.invalidateQueries(trpc.setup.hours.pathFilter());
    void queryClient.invalidateQueries(trpc.availability.pathFilter());
  };
  const setPattern = useSettledMutation(trpc.schedule.setHours.mutationOptions({ onSuccess }));
  const setException = useSettledMutation(trpc.setup.hours.setException.mutationOptions({ onSuccess }));
  const addLeave = useSettledMutation(trpc.setup.hours.addLeave.mutationOptions({ onSuccess }));
  return {
    setPattern,
    setException,
    addLeave,
    // Removing time off frees time: it never affects an appointment.
    removeLeave: useMutation(trpc.schedule.removeTimeOff.mutationOptions({ onSuccess })),
    dialogs: (
      <>
        {setPattern.dialog}
        {setException.dialog}
        {addLeave.dialog}
      </>
    ),
  };
}

export type HoursCommands = ReturnType<typeof useHoursCommands>;
