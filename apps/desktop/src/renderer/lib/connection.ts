import { useSyncExternalStore } from 'react';

// Whether the server answers. Fed by every HTTP call and by the subscription;
// while down, a light probe keeps asking so the desk recovers by itself.

type Listener = () => void;
let online = true;
const listeners = new Set<Listener>();
let probe: ReturnType<typeof setInterval> | null = null;
let probeUrl = '';
const recoverHooks = new Set<() => void>();

function emit(): void {
  for (const l of listeners) l();
}

export function configureProbe(serverUrl: string): void {
  probeUrl = `${serverUrl}/healthz`;
}

export function onRecover(hook: () => void): () => void {
  recoverHooks.add(hook);
  return () => recoverHooks.delete(hook);
}

export function markOffline(): void {
  if (!online) return;
  online = false;
  emit();
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
  if (online) return;
  online = true;
  emit();
  for (const hook of recoverHooks) hook();
}

export function isOnline(): boolean {
  return online;
}

/** A failure that means "no answer", as opposed to an answer that says no. */
export function isNetworkFailure(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { data?: unknown; cause?: unknown; message?: string; name?: string };
  if (e.data) return false;
  if (e.name === 'AbortError') return false;
  const msg = `${e.message ?? ''} ${(e.cause as { message?: string } | undefined)?.message ?? ''}`;
  return /fetch|network|Failed to|ECONNREFUSED|Load failed|Unable to transform response/i.test(msg) || e.cause instanceof TypeError;
}

export function useOnline(): boolean {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => online,
  );
}
