import { useEffect, useMemo, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { markOffline, markOnline, onRecover } from '../lib/connection.js';
import { useTRPC } from '../lib/trpc.js';
import { applyChange, createSyncState } from './apply-event.js';

const LAST_SEQ_KEY = 'frontdesk.lastSeq';

/**
 * One `changes` stream for the window. Events patch the cache in place; on
 * reconnect tRPC resumes after the last seq it saw, and a fresh start resumes
 * after the last seq this desk applied (persisted).
 */
export function useLiveSync(enabled: boolean): void {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const state = useRef(createSyncState(localStorage.getItem(LAST_SEQ_KEY))).current;
  // Changes only when a dead stream is restarted: it then resumes from here.
  const [resumeFrom, setResumeFrom] = useState(state.lastSeq);
  const input = useMemo(() => ({ lastEventId: resumeFrom }), [resumeFrom]);

  const subscription = useSubscription(
    trpc.changes.subscriptionOptions(input, {
      enabled,
      onStarted: () => markOnline(),
      onData: (tracked) => {
        markOnline();
        const outcome = applyChange(queryClient, trpc, state, tracked.data);
        if (outcome !== 'duplicate' && state.lastSeq) localStorage.setItem(LAST_SEQ_KEY, state.lastSeq);
      },
      onConnectionStateChange: (s) => {
        if (s.state === 'connecting' && s.error) markOffline();
      },
      onError: () => markOffline(),
    }),
  );

  // Back online: refetch what is on screen; the stream resumes from lastSeq.
  useEffect(
    () =>
      onRecover(() => {
        void queryClient.invalidateQueries();
        if (subscription.status === 'error') {
          setResumeFrom(state.lastSeq);
          subscription.reset();
        }
      }),
    [queryClient, subscription, state],
  );
}
