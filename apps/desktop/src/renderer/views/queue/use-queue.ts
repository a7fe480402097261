import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { QueueView } from '@frontdesk/shared';
import { sentenceFor } from '../../lib/errors.js';
import { useTRPC } from '../../lib/trpc.js';

const COUNTER_KEY = 'frontdesk.queue.counter';

/** Where this desk calls tokens to, remembered on this computer. */
export function useCounter(): [string, (c: string) => void] {
  const [counter, setCounter] = useState(() => localStorage.getItem(COUNTER_KEY) ?? 'Counter 1');
  return [
    counter,
    (c) => {
      setCounter(c);
      localStorage.setItem(COUNTER_KEY, c);
    },
  ];
}

/** A session's queue and its commands; every answer carries the queue as it now is, adopted at once (other desks' changes come by the live feed). */
export function useQueue(sessionId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const queue = useQuery({ ...trpc.queue.session.queryOptions({ sessionId }), enabled: !!sessionId });
  const adopt = (next: { queue: QueueView }) => queryClient.setQueryData(trpc.queue.session.queryKey({ sessionId }), next.queue);
  const callNext = useMutation(trpc.queue.callNext.mutationOptions({ onSuccess: adopt }));
  const recall = useMutation(trpc.queue.recall.mutationOptions({ onSuccess: adopt }));
  const skip = useMutation(trpc.queue.skip.mutationOptions({ onSuccess: adopt }));
  const served = useMutation(trpc.queue.markServed.mutationOptions({ onSuccess: adopt }));
  const walkIn = useMutation(trpc.queue.walkIn.mutationOptions({ onSuccess: adopt }));
  const attach = useMutation(trpc.queue.attachPatient.mutationOptions({ onSuccess: adopt }));
  const failed = [callNext, recall, skip, served].find((m) => m.isError);
  const busy = [callNext, recall, skip, served].some((m) => m.isPending);
  return { queue, callNext, recall, skip, served, walkIn, attach, busy, error: failed ? sentenceFor(failed.error) : null };
}
