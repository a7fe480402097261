import { useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { domainErrorOf, type AppointmentView, type DayView } from '@frontdesk/shared';
import { useOnline } from '../lib/connection.js';
import { sentenceFor } from '../lib/errors.js';
import { isTyping } from '../lib/keys.js';
import { money, timeRange, wallTime } from '../lib/time.js';
import { useTRPC } from '../lib/trpc.js';
import { adoptAppointment } from '../sync/adopt.js';

/** One appointment: who, when, and the steps of its day (arrive, no-show, cancel, history). */
export function AppointmentPanel({
  appointmentId,
  cached,
  day,
  moving,
  onClose,
  onNotice,
}: {
  appointmentId: string;
  cached: AppointmentView | undefined;
  day: DayView;
  moving: number;
  onClose: () => void;
  onNotice: (message: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const online = useOnline();
  const fetched = useQuery({ ...trpc.booking.get.queryOptions({ appointmentId }), enabled: !cached });
  const appointment = [cached, fetched.data].filter((a): a is AppointmentView => !!a).sort((a, b) => b.version - a.version)[0];
  const [cancelling, setCancelling] = useState(false);
  const [reason, setReason] = useState('');
  const [history, setHistory] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const step = {
    checkIn: useMutation(trpc.booking.checkIn.mutationOptions()),
    noShow: useMutation(trpc.booking.markNoShow.mutationOptions()),
    cancel: useMutation(trpc.booking.cancel.mutationOptions()),
  };
  const busy = step.checkIn.isPending || step.noShow.isPending || step.cancel.isPending;

  const handlers = (done: string) => ({
    onSuccess: (a: AppointmentView) => {
      adoptAppointment(queryClient, a);
      setError(null);
      onNotice(done);
    },
    onError: (err: unknown) => {
      const domain = domainErrorOf(err);
      if (domain?.code === 'STALE') adoptAppointment(queryClient, domain.details.current as AppointmentView);
      setError(sentenceFor(err));
    },
  });

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target) || e.ctrlKey || e.metaKey || !appointment) return;
      if (e.key === 'c' && appointment.status === 'BOOKED' && online) step.checkIn.mutate({ appointmentId, version: appointment.version }, handlers('Checked in.'));
      if (e.key === 'h') setHistory((h) => !h);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  if (!appointment) return <div className="panel">{fetched.isError ? sentenceFor(fetched.error) : 'Loading…'}</div>;
  const tz = day.timeZone;
  const active = appointment.status === 'BOOKED' || appointment.status === 'CHECKED_IN';

  return (
    <div className="panel" data-testid="appointment-panel" data-appointment={appointment.id}>
      <header>
        <h2>{appointment.patient?.name ?? appointment.serviceName}</h2>
        <button className="link" onClick={onClose} aria-label="Close">
          ✕
        </button>
      </header>
      <p className="when">
        <strong>{timeRange(appointment.startsAt, appointment.endsAt, tz)}</strong> · <span className={`pill s-${appointment.status.toLowerCase()}`} data-testid="appointment-status">{appointment.status.replace('_', ' ').toLowerCase()}</span>
      </p>
      <dl>
        <dt>Service</dt>
        <dd>{appointment.serviceName} · {money(appointment.priceCents)}</dd>
        <dt>With</dt>
        <dd>{appointment.resources.map((r) => day.resources.find((x) => x.id === r.resourceId)?.name ?? 'another branch resource').join(' + ')}</dd>
        {appointment.patient && (
          <>
            <dt>Patient</dt>
            <dd>
              {appointment.patient.name} · {appointment.patient.phone}
            </dd>
          </>
        )}
        {appointment.note && (
          <>
            <dt>Note</dt>
            <dd>{appointment.note}</dd>
          </>
        )}
        {appointment.cancelReason && (
          <>
            <dt>Cancelled</dt>
            <dd>{appointment.cancelReason}</dd>
          </>
        )}
      </dl>
      {moving !== 0 && (
        <p className="notice" data-testid="move-preview">
          Move to {wallTime(Date.parse(appointment.startsAt) + moving * 60_000, tz)} — <kbd>Enter</kbd> to commit, <kbd>Esc</kbd> to cancel
        </p>
      )}
      {error && (
        <p className="error" role="alert" data-testid="appointment-error">
          {error}
        </p>
      )}
      <div className="actions">
        <button data-testid="check-in" disabled={!online || busy || appointment.status !== 'BOOKED'} onClick={() => step.checkIn.mutate({ appointmentId, version: appointment.version }, handlers('Checked in.'))}>
          Check in <kbd>C</kbd>
        </button>
        <button data-testid="no-show" disabled={!online || busy || appointment.status !== 'BOOKED'} onClick={() => step.noShow.mutate({ appointmentId, version: appointment.version }, handlers('Marked as no-show.'))}>
          No-show
        </button>
        <button data-testid="cancel-open" disabled={!online || busy || !active} onClick={() => setCancelling(true)}>
          Cancel…
        </button>
        <button data-testid="history-open" onClick={() => setHistory((h) => !h)}>
          History <kbd>H</kbd>
        </button>
      </div>
      {cancelling && (
        <form
          className="cancel"
          onSubmit={(e) => {
            e.preventDefault();
            step.cancel.mutate({ appointmentId, version: appointment.version, reason }, { ...handlers('Cancelled.'), onSettled: () => setCancelling(false) });
          }}
        >
          <input data-testid="cancel-reason" autoFocus placeholder="Why is it cancelled?" value={reason} onChange={(e) => setReason(e.target.value)} required />
          <button data-testid="cancel-confirm" className="danger" disabled={!online || busy || !reason.trim()}>
            Cancel appointment
          </button>
        </form>
      )}
      {history && <History appointmentId={appointmentId} timeZone={tz} />}
    </div>
  );
}

function History({ appointmentId, timeZone }: { appointmentId: string; timeZone: string }) {
  const trpc = useTRPC();
  const rows = useQuery(trpc.admin.audit.appointment.queryOptions({ appointmentId }));
  return (
    <div className="history" data-testid="history-drawer">
      <h3>History</h3>
      {rows.isError && <p className="error">{sentenceFor(rows.error)}</p>}
      <ol>
        {rows.data?.map((r) => (
          <li key={r.seq}>
            <span className="muted">
              {new Date(r.at).toLocaleDateString(undefined, { timeZone, day: 'numeric', month: 'short' })} {wallTime(r.at, timeZone)}
            </span>{' '}
            {r.summary.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, (iso) => wallTime(iso, timeZone))}
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
