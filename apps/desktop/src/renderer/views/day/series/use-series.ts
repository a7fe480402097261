import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { domainErrorOf, seriesPlanInput, type SeriesCheckView, type SeriesPick, type SeriesPlanInput } from '@frontdesk/shared';
import { sentenceFor } from '../../../lib/errors.js';
import { newIdempotencyKey } from '../../../lib/idempotency.js';
import { useTRPC, useTRPCClient } from '../../../lib/trpc.js';
import { problemsWith } from '../../../lib/validate.js';
import { adoptAppointment } from '../../../sync/adopt.js';

/** What the desk chose for one visit the check found taken: an alternative (by its start) or leave it out. */
export type Choice = { action: 'alternative'; startsAt: string; resourceIds: string[] } | { action: 'skip' };

/**
 * A series' lifecycle at the desk: the plan checked with the server's schema
 * (slips named by field), the preview asked of series.check, a choice per
 * taken visit, then series.book (all, or the free ones) with one key per
 * attempt; a refusal in plain words, and the booked visits put into every
 * cached day at once.
 */
export function useSeries({ onBooked }: { onBooked: (message: string) => void }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [preview, setPreview] = useState<SeriesCheckView | null>(null);
  const [checking, setChecking] = useState(false);
  const [choices, setChoices] = useState<Record<number, Choice>>({});
  const book = useMutation(trpc.series.book.mutationOptions());

  const valid = (plan: SeriesPlanInput) => {
    const found = problemsWith(seriesPlanInput, plan);
    setProblems(found ?? {});
    if (found) setError(found.patientId ?? found.practitionerIds ?? null);
    return !found;
  };

  const check = async (plan: SeriesPlanInput) => {
    if (!valid(plan)) return;
    setChecking(true);
    setError(null);
    try {
      const answer = await client.series.check.query(plan);
      setPreview(answer);
      // Each taken visit starts on its nearest alternative (same day first); with none, it is left out.
      const next: Record<number, Choice> = {};
      for (const o of answer.occurrences) {
        if (o.state === 'free') continue;
        const first = o.alternatives[0];
        next[o.index] = first ? { action: 'alternative', startsAt: first.startsAt, resourceIds: first.resourceIds } : { action: 'skip' };
      }
      setChoices(next);
    } catch (e) {
      setPreview(null);
      const domain = domainErrorOf(e);
      const field = domain?.code === 'BAD_INPUT' ? (domain.details as { field?: string }).field : undefined;
      if (field) setProblems({ [field === 'until' ? 'rule.until' : field]: domain!.message });
      else setError(sentenceFor(e));
    } finally {
      setChecking(false);
    }
  };

  const submit = (plan: SeriesPlanInput, mode: 'all' | 'free') => {
    if (!preview || !valid(plan)) return;
    const picks: SeriesPick[] = Object.entries(choices).map(([index, c]) => (c.action === 'skip' ? { index: Number(index), action: 'skip' } : { index: Number(index), action: 'alternative', startsAt: c.startsAt, resourceIds: c.resourceIds }));
    book.mutate(
      { ...plan, picks, mode, idempotencyKey: newIdempotencyKey('series') },
      {
        onSuccess: (result) => {
          if (result.outcome === 'taken') {
            // Someone took a visit meanwhile: nothing was written; the preview shows what changed.
            setPreview({ ...preview, occurrences: preview.occurrences.map((o) => result.occurrences.find((t) => t.index === o.index) ?? o) });
            setError(`${result.occurrences.length === 1 ? 'A visit was' : `${result.occurrences.length} visits were`} taken meanwhile. Nothing was booked; choose again.`);
            return;
          }
          for (const a of result.booked) adoptAppointment(queryClient, trpc, a);
          const left = result.unbooked.length;
          onBooked(`Series booked: ${result.booked.length} visits${left ? `, ${left} left out` : ''}.`);
        },
        onError: (e) => setError(domainErrorOf(e)?.message ?? sentenceFor(e)),
      },
    );
  };

  return {
    problems,
    error,
    preview,
    checking,
    choices,
    booking: book.isPending,
    check,
    submit,
    choose: (index: number, choice: Choice) => setChoices((c) => ({ ...c, [index]: choice })),
    /** The plan changed: the preview no longer says what would happen. */
    reset: () => setPreview(null),
  };
}
