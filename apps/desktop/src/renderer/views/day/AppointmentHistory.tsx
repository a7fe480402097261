import { useQuery } from '@tanstack/react-query';
import { ErrorLine } from '../../components/ErrorLine.js';
import { sentenceFor } from '../../lib/errors.js';
import { clock } from '../../lib/time.js';
import { readableSummary } from './history-words.js';
import { useTRPC } from '../../lib/trpc.js';

/** Who did what to one appointment, when, and at which desk, in the branch's time. */
export function AppointmentHistory({ appointmentId, timeZone }: { appointmentId: string; timeZone: string }) {
  const trpc = useTRPC();
  const rows = useQuery(trpc.admin.audit.appointment.queryOptions({ appointmentId }));
  return (
    <div className="history" data-testid="history-drawer">
      <h3>History</h3>
      <ErrorLine message={rows.isError ? sentenceFor(rows.error) : null} />
      <ol>
        {rows.data?.map((r) => (
          <li key={r.seq}>
            <span className="muted">
              {new Date(r.at).toLocaleDateString(undefined, { timeZone, day: 'numeric', month: 'short' })} {clock(r.at, timeZone)}
            </span>{' '}
            {readableSummary(r.summary, timeZone)}
            <span className="muted">
              {' '}
              — {r.actor?.name ?? 'system'}
              {r.desk ? ` at ${r.desk}` : ''}
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}
