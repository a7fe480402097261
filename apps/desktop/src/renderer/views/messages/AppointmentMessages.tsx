import { useEffect } from 'react';
import { useQuery } from '@tanstack/react-query';
import { messageLabel, type MessageState, type MessageView } from '@frontdesk/shared';
import { ErrorLine } from '../../components/ErrorLine.js';
import { sentenceFor } from '../../lib/errors.js';
import { clock } from '../../lib/time.js';
import { useTRPC } from '../../lib/trpc.js';

const STATE_WORDS: Record<MessageState, string> = {
  queued: 'queued',
  sending: 'sending',
  sent: 'sent',
  failed: 'failed',
  bounced: 'bounced',
  cancelled: 'dropped',
  skipped: 'not sent',
};

function when(m: MessageView, timeZone: string): string {
  const at = m.sentAt ?? m.sendAt;
  const day = new Date(at).toLocaleDateString(undefined, { timeZone, day: 'numeric', month: 'short' });
  return `${m.state === 'queued' ? 'due' : ''} ${day} ${clock(at, timeZone)}`.trim();
}

/**
 * The appointment's messages to the patient with their delivery state (queued, sent, failed, bounced), and
 * "Confirmed by patient" once they answered a link; kept live by the message events (sync/apply-event.ts).
 */
export function AppointmentMessages({ appointmentId, version, timeZone }: { appointmentId: string; version: number; timeZone: string }) {
  const trpc = useTRPC();
  const messages = useQuery(trpc.setup.messages.ofAppointment.queryOptions({ appointmentId }));
  const { refetch } = messages;
  // A booking, move or cancel queues or drops messages in its own transaction: read them again at each version.
  useEffect(() => {
    void refetch();
  }, [version, refetch]);
  const list = (messages.data?.messages ?? []).filter((m) => m.state !== 'cancelled');
  const confirmed = messages.data?.confirmedByPatientAt;
  if (!confirmed && list.length === 0 && !messages.isError) return null;
  return (
    <section className="appointment-messages" data-testid="appointment-messages" aria-label="Messages to the patient">
      {confirmed && (
        <p className="badge confirmed-badge" data-testid="confirmed-by-patient">
          ✓ Confirmed by patient <span className="muted">{clock(confirmed, timeZone)}</span>
        </p>
      )}
      <ErrorLine message={messages.isError ? sentenceFor(messages.error) : null} />
      {list.length > 0 && (
        <ul>
          {list.map((m) => (
            <li key={m.id} data-testid="message-row" data-kind={m.kind}>
              <span>
                {messageLabel(m.kind)} <span className="muted">· {m.channel === 'email' ? 'email' : 'SMS'}</span>
              </span>
              <span className={`message-state m-${m.state}`} data-testid="message-state" title={m.lastError ?? undefined}>
                {STATE_WORDS[m.state]}
                {m.attempts > 1 && m.state !== 'sent' ? ` (try ${m.attempts})` : ''}
              </span>
              <span className="muted">{when(m, timeZone)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
