import { useMutation, useQueryClient, type UseMutationOptions } from '@tanstack/react-query';
import { domainErrorOf, type AppointmentView, type DomainErrorShape } from '@frontdesk/shared';
import type { Conflict } from '../components/ConflictPanel.js';
import { sentenceFor } from '../lib/errors.js';
import { useTRPC } from '../lib/trpc.js';
import { adoptAppointment } from '../sync/adopt.js';

/** A command the server refused, or that never got an answer, as the desk shows it. */
export interface Refusal extends Conflict {
  domain: DomainErrorShape | null;
}

export interface CommandCallbacks {
  onDone?: (appointment: AppointmentView) => void;
  onRefused?: (refusal: Refusal) => void;
  /** After either, once the server has answered (or not). */
  onSettled?: () => void;
}

export function refusalOf(error: unknown): Refusal {
  const domain = domainErrorOf(error);
  return { sentence: sentenceFor(error), domain, alternatives: domain?.code === 'SLOT_TAKEN' ? domain.details.alternatives : [] };
}

/**
 * One appointment command's lifecycle: send it, put the appointment it returns
 * into every cached day, and on a refusal put the current version there too
 * (STALE) and say why in plain words, with the nearest free times if the time
 * was taken.
 */
export function useCommand<TInput, TError>(options: UseMutationOptions<AppointmentView, TError, TInput>) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const mutation = useMutation(options);
  const run = (input: TInput, on: CommandCallbacks = {}) =>
    mutation.mutate(input, {
      onSuccess: (appointment) => {
        adoptAppointment(queryClient, trpc, appointment);
        on.onDone?.(appointment);
      },
      onError: (error) => {
        const refusal = refusalOf(error);
        if (refusal.domain?.code === 'STALE') adoptAppointment(queryClient, trpc, refusal.domain.details.current);
        on.onRefused?.(refusal);
      },
      onSettled: () => on.onSettled?.(),
    });
  return { run, isPending: mutation.isPending };
}
