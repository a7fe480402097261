import { useQuery } from '@tanstack/react-query';
import type { DesktopSettings } from '@frontdesk/shared';
import { useTRPC } from '../lib/trpc.js';
import { FirstRun } from './FirstRun.js';
import { Login } from './Login.js';

/** Nobody signed in: the first run while the server has no clinic yet, else the sign-in. */
export function SignedOut({ settings }: { settings: DesktopSettings }) {
  const trpc = useTRPC();
  const status = useQuery({ ...trpc.setup.firstRun.status.queryOptions(), staleTime: 0 });
  // A moment while the server answers; unreachable, the sign-in screen says so when tried.
  if (status.isPending) return <div className="login" data-testid="signed-out-loading" />;
  if (status.data?.needsSetup) return <FirstRun settings={settings} codeRequired={status.data.codeRequired} onAlreadySetUp={() => void status.refetch()} />;
  return <Login settings={settings} />;
}
