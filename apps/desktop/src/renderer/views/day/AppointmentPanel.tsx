import { useState } from 'react';
import type { DayView, AppointmentView } from '@frontdesk/shared';
import { useAppointmentSteps } from '../../commands/booking.js';
import { ErrorLine } from '../../components/ErrorLine.js';
import { PanelHeader } from '../../components/PanelHeader.js';
import { useOnline } from '../../lib/connection.js';
import { sentenceFor } from '../../lib/errors.js';
import { useShortcuts } from '../../lib/shortcuts.js';
import { clock, money, timeRange } from '../../lib/time.js';
import { AppointmentHistory } from './AppointmentHistory.js';
import { useAppointment } from './use-appointment.js';

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
  /** Minutes of a move being previewed from the keyboard (0: none). */
  moving: number;
  onClose: () => void;
  onNotice: (message: string) => void;
}) {
  const online = useOnline();
  const { appointment, fetched } = useAppointment(appointmentId, cached);
  const [cancelling, setCancelling] = useState(false);
  const [reason, setReason] = useState('');
  const [history, setHistory] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const steps = useAppointmentSteps();
  const busy = steps.checkIn.isPending || steps.noShow.isPending || steps.cancel.isPending;
  const outcome = (done: string) => ({
    onDone: () => {
      setError(null);
      onNotice(done);
    },
    onRefused: (refusal: { sentence: string }) => setError(refusal.sentence),
  });
  const step = (which: 'checkIn' | 'noShow', done: string) => appointment && steps[which].run({ appointmentId, version: appointment.version }, outcome(done));

  useShortcuts(
    [
      { key: 'c', label: 'Check in', when: () => appointment?.status === 'BOOKED' && online, run: () => step('checkIn', 'Checked in.') },
      { key: 'h', label: 'History', when: () => !!appointment, run: () => setHistory((h) => !h) },
    ],
    'screen',
  );

  if (!appointment) return <div className="panel">{fetched.isError ? sentenceFor(fetched.error) : 'Loading…'}</div>;
  const tz = day.timeZone;
  const active = appointment.status === 'BOOKED' || appointment.status === 'CHECKED_IN';

  return (
    <div className="panel" data-testid="appointment-panel" data-appointment={appointment.id}>
      <PanelHeader title={appointment.patient?.name ?? appointment.serviceName} onClose={onClose} />
      <p className="when">
        <strong>{timeRange(appointment.startsAt, appointment.endsAt, tz)}</strong> ·{' '}
        <span className={`pill s-${appointment.status.toLowerCase()}`} data-testid="appointment-status">
          {appointment.status.replace('_', ' ').toLowerCase()}
        </span>
      </p>
      <dl>
        <dt>Service</dt>
        <dd>
          {appointment.serviceName} · {money(appointment.priceCents)}
        </dd>
        <dt>With</dt>
        <dd>{appointment.resources.map((r) => day.resources.find((x) => x.id === r.resourceId)?.name ?? 'another branch resource').join(' + ')}</dd>
        {appointment.patient && <Detail term="Patient">{`${appointment.patient.name} · ${appointment.patient.phone}`}</Detail>}
        {appointment.note && <Detail term="Note">{appointment.note}</Detail>}
        {appointment.cancelReason && <Detail term="Cancelled">{appointment.cancelReason}</Detail>}
      </dl>
      {moving !== 0 && (
        <p className="notice" data-testid="move-preview">
          Move to {clock(Date.parse(appointment.startsAt) + moving * 60_000, tz)} — <kbd>Enter</kbd> to commit, <kbd>Esc</kbd> to cancel
        </p>
      )}
      <ErrorLine message={error} testId="appointment-error" />
      <div className="actions">
        <button data-testid="check-in" disabled={!online || busy || appointment.status !== 'BOOKED'} onClick={() => step('checkIn', 'Checked in.')}>
          Check in <kbd>C</kbd>
        </button>
        <button data-testid="no-show" disabled={!online || busy || appointment.status !== 'BOOKED'} onClick={() => step('noShow', 'Marked as no-show.')}>
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
            steps.cancel.run({ appointmentId, version: appointment.version, reason }, { ...outcome('Cancelled.'), onSettled: () => setCancelling(false) });
          }}
        >
          <input data-testid="cancel-reason" autoFocus placeholder="Why is it cancelled?" value={reason} onChange={(e) => setReason(e.target.value)} required />
          <button data-testid="cancel-confirm" className="danger" disabled={!online || busy || !reason.trim()}>
            Cancel appointment
          </button>
        </form>
      )}
      {history && <AppointmentHistory appointmentId={appointmentId} timeZone={tz} />}
    </div>
  );
}

function Detail({ term, children }: { term: string; children: string }) {
  return (
    <>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </>
  );
}
