import { useInfiniteQuery } from '@tanstack/react-query';
import { localDateOf } from '@frontdesk/shared';
import { clock, prettyDate, useTimeFormat } from '../../lib/time.js';
import { useTRPC, useTRPCClient } from '../../lib/trpc.js';
import type { SetupSectionProps } from './sections.js';

const PAGE = 50;

const ROLE_WORDS: Record<string, string> = { RECEPTIONIST: 'receptionist', CALL_CENTRE: 'call centre', BRANCH_MANAGER: 'manager', ADMIN: 'admin' };

/** Who changed the clinic's setup, what and when: the audit trail of every setup command. */
export function HistorySection({ branch }: SetupSectionProps) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  // Re-render in the clinic's clock when the setting changes.
  useTimeFormat();
  const history = useInfiniteQuery({
    // Under the procedure's path, so a setup event's invalidation reaches every page.
    queryKey: [...trpc.admin.audit.setup.pathKey(), 'pages'],
    queryFn: ({ pageParam }) => client.admin.audit.setup.query(pageParam ? { limit: PAGE, beforeSeq: pageParam } : { limit: PAGE }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.length === PAGE ? last[last.length - 1]?.seq : undefined),
  });
  const rows = history.data?.pages.flat() ?? [];
  return (
    <div>
      <h2>Setup history</h2>
      <p className="muted">Every change to branches, resources, hours, services, prices, stock and staff, newest first. Times are {branch.name}'s.</p>
      {history.isError && <p className="error">Could not load the history. It will retry when the server is back.</p>}
      <table data-testid="setup-history">
        <thead>
          <tr>
            <th>When</th>
            <th>Who</th>
            <th>What</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => (
            <tr key={e.seq} data-testid="setup-history-row">
              <td className="small">{prettyDate(localDateOf(Date.parse(e.at), branch.timeZone))} {clock(e.at, branch.timeZone)}</td>
              <td className="small">
                {e.actor ? `${e.actor.name} (${ROLE_WORDS[e.actor.role] ?? e.actor.role})` : 'System'}
                {e.desk && <span className="muted"> · {e.desk}</span>}
              </td>
              <td>{e.summary}</td>
            </tr>
          ))}
          {rows.length === 0 && !history.isLoading && (
            <tr>
              <td colSpan={3} className="muted">No setup changes yet.</td>
            </tr>
          )}
        </tbody>
      </table>
      {history.hasNextPage && (
        <button data-testid="setup-history-more" disabled={history.isFetchingNextPage} onClick={() => void history.fetchNextPage()}>
          {history.isFetchingNextPage ? 'Loading…' : 'Older changes'}
        </button>
      )}
    </div>
  );
}
