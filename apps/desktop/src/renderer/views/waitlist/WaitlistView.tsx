import { useQuery } from '@tanstack/react-query';
import { WAITLIST_PRIORITIES, type WaitlistEntryView } from '@frontdesk/shared';
import { ErrorLine } from '../../components/ErrorLine.js';
import { useOnline } from '../../lib/connection.js';
import { sentenceFor } from '../../lib/errors.js';
import { useNow } from '../../lib/use-now.js';
import { useTRPC } from '../../lib/trpc.js';
import { OfferList } from './OfferBanner.js';
import { useWaitlistCommands } from './use-waitlist.js';
import { waitedFor } from './waited.js';
import { WaitlistForm } from './WaitlistForm.js';

const STATUS_LABELS: Record<WaitlistEntryView['status'], string> = { WAITING: 'Waiting', OFFERED: 'Offered a time', BOOKED: 'Booked', REMOVED: 'Removed', EXPIRED: 'Expired' };
const short = (date: string) => new Date(`${date}T12:00:00Z`).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });

/** The waitlist: who waits for what, best first (urgent, then the longest wait), the freed times on offer, and the form to add someone. */
export function WaitlistView({ today, timeZone }: { today: string; timeZone: string }) {
  const trpc = useTRPC();
  const online = useOnline();
  const now = useNow(30_000);
  const entries = useQuery(trpc.waitlist.list.queryOptions({}));
  const resources = useQuery(trpc.catalog.resources.queryOptions({}));
  const commands = useWaitlistCommands();
  const nameOf = (id: string) => resources.data?.find((r) => r.id === id)?.name ?? 'a practitioner';

  return (
    <div className="waitlist" data-testid="waitlist-view">
      <section className="waitlist-list">
        <h2>Waitlist</h2>
        <OfferList timeZone={timeZone} book={commands.bookOffer} />
        {entries.isLoading && <p className="muted">Loading…</p>}
        <ErrorLine message={entries.isError ? sentenceFor(entries.error) : null} />
        {entries.data && entries.data.length === 0 && <p className="muted">Nobody is waiting.</p>}
        {entries.data && entries.data.length > 0 && (
          <table data-testid="waitlist-entries">
            <thead>
              <tr>
                <th>#</th>
                <th>Patient</th>
                <th>Wants</th>
                <th>When</th>
                <th>Priority</th>
                <th>Waited</th>
                <th>Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {entries.data.map((e, i) => (
                <tr key={e.id} data-testid={`waitlist-entry-${e.id}`} className={e.priority === 2 ? 'urgent' : ''}>
                  <td>{i + 1}</td>
                  <td>
                    <strong>{e.patient.name}</strong>
                    <div className="muted small">
                      {e.patient.phone} · {e.contact === 'any' ? 'any contact' : `by ${e.contact}`}
                    </div>
                  </td>
                  <td>
                    {e.serviceName}
                    <div className="muted small">{e.practitionerIds.length ? `with ${e.practitionerIds.map(nameOf).join(' or ')}` : 'with anyone'}</div>
                    {e.notes && <div className="muted small">{e.notes}</div>}
                  </td>
                  <td>
                    {e.fromDate === e.toDate ? short(e.fromDate) : `${short(e.fromDate)} – ${short(e.toDate)}`}
                    <div className="muted small">{e.timesOfDay.length ? e.timesOfDay.join(', ') : 'any time'}</div>
                  </td>
                  <td>{WAITLIST_PRIORITIES[e.priority]}</td>
                  <td data-testid={`waitlist-waited-${e.id}`}>{waitedFor(e.createdAt, now)}</td>
                  <td>{STATUS_LABELS[e.status]}</td>
                  <td>
                    <button
                      className="link"
                      data-testid={`waitlist-remove-${e.id}`}
                      aria-label={`Remove ${e.patient.name} from the waitlist`}
                      disabled={!online || commands.remove.isPending}
                      onClick={() => commands.remove.mutate({ entryId: e.id })}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <ErrorLine message={commands.remove.error ? sentenceFor(commands.remove.error) : null} testId="waitlist-remove-error" />
      </section>
      <WaitlistForm today={today} add={commands.add} />
    </div>
  );
}
