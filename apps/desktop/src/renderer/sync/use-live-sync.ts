import { useEffect, useMemo, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { markOffline, markOnline, onRecover } from '../lib/connection.js';
import { useTRPC } from '../lib/trpc.js';
import { applyChange, createSyncState } from './apply-event.js';

const LAST_SEQ_KEY = 'frontdesk.lastSeq';
/** The stream's own position (its tracked id): a seq plus any transactions still pending below it, for an exact resume. */
const RESUME_KEY = 'frontdesk.resumeId';

/**
 * One `changes` stream for the window. Events patch the cache in place; on
 * reconnect tRPC resumes after the last id it saw, and a fresh start resumes
 * from the last position this desk applied (persisted).
 */
export function useLiveSync(enabled: boolean): void {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const state = useRef(createSyncState(localStorage.getItem(LAST_SEQ_KEY))).current;
  const position = useRef(localStorage.getItem(RESUME_KEY) ?? state.lastSeq);
  // Changes only when a dead stream is restarted: it then resumes from here.
  const [resumeFrom, setResumeFrom] = useState(position.current);
  const input = useMemo(() => ({ lastEventId: resumeFrom }), [resumeFrom]);

  const subscription = useSubscription(
    trpc.changes.subscriptionOptions(input, {
      enabled,
      onStarted: () => markOnline(),
      onData: (tracked) => {
        markOnline();
        const outcome = applyChange(queryClient, trpc, state, tracked.data);
        if (outcome === 'duplicate') return;
        if (state.lastSeq) localStorage.setItem(LAST_SEQ_KEY, state.lastSeq);
        position.current = tracked.id;
        localStorage.setItem(RESUME_KEY, tracked.id);
      },
      onConnectionStateChange: (s) => {
        if (s.state === 'connecting' && s.error) markOffline();
      },
      onError: () => markOffline(),
    }),
  );

  // Back online: refetch what is on screen; the stream resumes from its last position.
  useEffect(
    () =>
      onRecover(() => {
        void queryClient.invalidateQueries();
        if (subscription.status === 'error') {
          setResumeFrom(position.current);
          subscription.reset();
        }
      }),
    [queryClient, subscription, state],
  );
}
