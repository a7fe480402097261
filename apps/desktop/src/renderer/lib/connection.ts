import { useSyncExternalStore } from 'react';
import { onlineManager } from '@tanstack/react-query';
import { isTRPCClientError } from '@trpc/client';

// Whether the server answers, kept in TanStack Query's onlineManager. Fed by
// every HTTP call and by the subscription; while down, a light probe keeps
// asking so the desk recovers by itself.

// The browser's online/offline events say nothing about this server: only its answers do.
onlineManager.setEventListener(() => undefined);

let probe: ReturnType<typeof setInterval> | null = null;
let probeUrl = '';

export function configureProbe(serverUrl: string): void {
  probeUrl = `${serverUrl}/healthz`;
}

/** Runs `hook` each time the server answers again after a silence. */
export function onRecover(hook: () => void): () => void {
  return onlineManager.subscribe((online) => {
    if (online) hook();
  });
}

export function markOffline(): void {
  onlineManager.setOnline(false);
  probe ??= setInterval(() => {
    fetch(probeUrl, { cache: 'no-store' })
      .then((r) => (r.ok ? markOnline() : undefined))
      .catch(() => undefined);
  }, 2500);
}

export function markOnline(): void {
  if (probe) {
    clearInterval(probe);
    probe = null;
  }
  onlineManager.setOnline(true);
}

/** No answer (refused, reset, or a reply that is not tRPC's), as opposed to an answer that says no. */
export function isNetworkFailure(error: unknown): boolean {
  return isTRPCClientError(error) && !error.data && (error.cause as { name?: string } | undefined)?.name !== 'AbortError';
}

const subscribe = (listener: () => void) => onlineManager.subscribe(listener);
const getOnline = () => onlineManager.isOnline();

export function useOnline(): boolean {
  return useSyncExternalStore(subscribe, getOnline);
}
