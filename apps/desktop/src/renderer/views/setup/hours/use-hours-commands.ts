import { useMutation, useQueryClient } from '@tanstack/react-query';
import { domainErrorOf } from '@frontdesk/shared';
import { sentenceFor } from '../../../lib/errors.js';
import { useTRPC } from '../../../lib/trpc.js';

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
 * free slots once it is done.
 */
export function useHoursCommands() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const onSuccess = () => {
    void queryClient.invalidateQueries(trpc.setup.hours.pathFilter());
    void queryClient.invalidateQueries(trpc.availability.pathFilter());
  };
  return {
    setPattern: useMutation(trpc.schedule.setHours.mutationOptions({ onSuccess })),
    setException: useMutation(trpc.setup.hours.setException.mutationOptions({ onSuccess })),
    addLeave: useMutation(trpc.setup.hours.addLeave.mutationOptions({ onSuccess })),
    removeLeave: useMutation(trpc.schedule.removeTimeOff.mutationOptions({ onSuccess })),
  };
}

export type HoursCommands = ReturnType<typeof useHoursCommands>;
