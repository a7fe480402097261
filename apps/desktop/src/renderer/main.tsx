import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { partialMatchKey } from '@tanstack/react-query';
import { PersistQueryClientProvider } from '@tanstack/react-query-persist-client';
import { App } from './App.js';
import { configureProbe } from './lib/connection.js';
import { restoreSession } from './lib/session.js';
import { createClients, TRPCProvider } from './lib/trpc.js';
import './styles.css';

// Settings first (the server URL decides everything else), then one query
// client and one tRPC client for the life of the window.
async function start(): Promise<void> {
  const settings = window.frontdesk ? await window.frontdesk.getSettings() : { serverUrl: location.origin, deskName: '' };
  configureProbe(settings.serverUrl);
  await restoreSession();
  const { queryClient, trpcClient, persister, trpc } = createClients(settings.serverUrl);
  // The day views and the catalogue are what opens the app instantly.
  const persisted = [trpc.availability.day.pathKey(), trpc.catalog.pathKey()];
  const root = createRoot(document.getElementById('root')!);
  root.render(
    <StrictMode>
      <PersistQueryClientProvider
        client={queryClient}
        persistOptions={{
          persister,
          maxAge: 1000 * 60 * 60 * 24,
          buster: `v1|${settings.serverUrl}`,
          dehydrateOptions: {
            shouldDehydrateQuery: (q) => q.state.status === 'success' && persisted.some((key) => partialMatchKey(q.queryKey, key)),
          },
        }}
      >
        <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
          <App settings={settings} />
        </TRPCProvider>
      </PersistQueryClientProvider>
    </StrictMode>,
  );
}

void start();
