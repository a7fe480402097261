import { QueryClient } from '@tanstack/react-query';
import { createSyncStoragePersister } from '@tanstack/query-sync-storage-persister';
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink, type TRPCLink } from '@trpc/client';
import { createTRPCContext, createTRPCOptionsProxy, type TRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { EventSource, type EventSourceInit } from 'eventsource';
import { observable } from '@trpc/server/observable';
import type { AppRouter } from '@frontdesk/server/router';
import { domainErrorOf } from '@frontdesk/shared';
import { isNetworkFailure, markOffline, markOnline } from './connection.js';
import { getToken, setSession } from './session.js';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/** Typed query options and keys for every procedure (what `useTRPC()` gives inside React). */
export type Trpc = TRPCOptionsProxy<AppRouter>;

/** Watches every call: no answer → offline; any answer → online; UNAUTHORIZED → sign out. */
const connectionLink: TRPCLink<AppRouter> = () => ({ next, op }) =>
  observable((observer) =>
    next(op).subscribe({
      next(value) {
        markOnline();
        observer.next(value);
      },
      error(err) {
        if (isNetworkFailure(err)) markOffline();
        else {
          markOnline();
          if (domainErrorOf(err)?.code === 'UNAUTHORIZED' && op.path !== 'auth.login') void setSession(null);
        }
        observer.error(err);
      },
      complete() {
        observer.complete();
      },
    }),
  );

function authorization(): Record<string, string> {
  const token = getToken();
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** An EventSource that signs each (re)connection with the current session's token. */
class AuthorizedEventSource extends EventSource {
  constructor(url: string | URL, init?: EventSourceInit) {
    super(url, {
      ...init,
      // Read at every connection, so a reconnect after signing in again uses the new token.
      fetch: (input, fetchInit) => fetch(input, { ...fetchInit, headers: { ...fetchInit.headers, ...authorization() } }),
    });
  }
}

export function createClients(serverUrl: string) {
  const url = `${serverUrl}/trpc`;
  const queryClient = new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        // Long enough for the persisted cache to open the app on the last day.
        gcTime: 1000 * 60 * 60 * 24,
        retry: (count, error) => isNetworkFailure(error) && count < 2,
        refetchOnWindowFocus: false,
        // Coming back online refetches once, from the live sync's recovery (it invalidates everything).
        refetchOnReconnect: false,
        networkMode: 'always',
      },
      mutations: {
        retry: false,
        networkMode: 'always',
      },
    },
  });
  const trpcClient = createTRPCClient<AppRouter>({
    links: [
      connectionLink,
      splitLink({
        condition: (op) => op.type === 'subscription',
        // The token goes in the Authorization header (the URL would put it in proxies' logs);
        // a native EventSource cannot send headers, so this one fetches with them.
        true: httpSubscriptionLink({ url, EventSource: AuthorizedEventSource }),
        false: httpBatchLink({ url, maxItems: 10, headers: authorization }),
      }),
    ],
  });
  const persister = createSyncStoragePersister({ storage: window.localStorage, key: 'frontdesk.cache', throttleTime: 1000 });
  const trpc: Trpc = createTRPCOptionsProxy<AppRouter>({ client: trpcClient, queryClient });
  return { queryClient, trpcClient, persister, trpc };
}
