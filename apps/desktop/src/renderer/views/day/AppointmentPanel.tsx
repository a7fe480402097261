import { useState } from 'react';
import { CANCEL_REASON_CODES, CANCEL_REASON_LABELS, type AppointmentView, type CancelReasonCode, type DayView, type SeriesScope } from '@frontdesk/shared';
import { useAppointmentSteps } from '../../commands/booking.js';
import { ErrorLine } from '../../components/ErrorLine.js';
import { PanelHeader } from '../../components/PanelHeader.js';
import { useOnline } from '../../lib/connection.js';
import { sentenceFor } from '../../lib/errors.js';
import { useShortcuts } from '../../lib/shortcuts.js';
import { clock, money, timeRange } from '../../lib/time.js';
import { AppointmentEditForm } from './AppointmentEditForm.js';
import { AppointmentHistory } from './AppointmentHistory.js';
import { ScopeField, SeriesMove, seriesPlace, useSeriesCancel } from './series/SeriesActions.js';
import { VisitProgress } from './VisitProgress.js';
import { AppointmentMessages } from '../messages/AppointmentMessages.js';
import { useAppointment } from './use-appointment.js';

/** One appointment: who, when, and the steps of its day (edit, arrive, consultation, completed, no-show, cancel with a reason, history). */
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
  const [reasonCode, setReasonCode] = useState<CancelReasonCode | ''>('');
  const [editing, setEditing] = useState(false);
  const [history, setHistory] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const steps = useAppointmentSteps();
  // An occurrence of a series: cancel this visit, it and the following, or the whole series.
  const [scope, setScope] = useState<SeriesScope>('this');
  const seriesCancel = useSeriesCancel();
  const busy = steps.checkIn.isPending || steps.noShow.isPending || steps.cancel.isPending || steps.startConsultation.isPending || steps.complete.isPending;
  const outcome = (done: string) => ({
    onDone: () => {
      setError(null);
      onNotice(done);
    },
    onRefused: (refusal: { sentence: string }) => setError(refusal.sentence),
  });
  const step = (which: 'checkIn' | 'noShow' | 'startConsultation' | 'complete', done: string) => appointment && steps[which].run({ appointmentId, version: appointment.version }, outcome(done));

  useShortcuts(
    [
      { key: 'c', label: 'Check in', when: () => appointment?.status === 'BOOKED' && online, run: () => step('checkIn', 'Checked in.') },
      { key: 'h', label: 'History', when: () => !!appointment, run: () => setHistory((h) => !h) },
    ],
    'screen',
  );

  if (!appointment) return <div className="panel">{fetched.isError ? sentenceFor(fetched.error) : 'Loading…'}</div>;
  const tz = day.timeZone;
  const booked = appointment.status === 'BOOKED';

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
        {appointment.series && (
          <>
            <dt>Series</dt>
            <dd data-testid="series-place">Visit {seriesPlace(appointment)}</dd>
          </>
        )}
        {appointment.patient && <Detail term="Patient">{`${appointment.patient.name} · ${appointment.patient.phone}`}</Detail>}
        {appointment.note && <Detail term="Note">{appointment.note}</Detail>}
        {appointment.status === 'CANCELLED' && (
          <>
            <dt>Cancelled</dt>
            <dd data-testid="cancel-detail">
              {[appointment.cancelReasonCode ? CANCEL_REASON_LABELS[appointment.cancelReasonCode] : null, appointment.cancelReason !== (appointment.cancelReasonCode && CANCEL_REASON_LABELS[appointment.cancelReasonCode]) ? appointment.cancelReason : null]
                .filter(Boolean)
                .join(' — ')}
              {appointment.cancelledLate && (
                <span className="badge late-cancel" data-testid="late-cancel-badge" title="Cancelled with less notice than the clinic asks for">
                  Late cancellation
                </span>
              )}
            </dd>
          </>
        )}
      </dl>
      <VisitProgress appointment={appointment} timeZone={tz} />
      <AppointmentMessages appointmentId={appointment.id} version={appointment.version} timeZone={tz} />
      {editing && booked && appointment.series && (
        <p className="muted" data-testid="series-edit-note">
          Edit changes visit {seriesPlace(appointment)} only; "Move visits…" moves this and the following, or the whole series.
        </p>
      )}
      {editing && booked && (
        <AppointmentEditForm
          appointment={appointment}
          day={day}
          onCancel={() => setEditing(false)}
          onDone={(message) => {
            setEditing(false);
            onNotice(message);
          }}
        />
      )}
      {moving !== 0 && (
        <p className="notice" data-testid="move-preview">
          Move to {clock(Date.parse(appointment.startsAt) + moving * 60_000, tz)} — <kbd>Enter</kbd> to commit, <kbd>Esc</kbd> to cancel
        </p>
      )}
      <ErrorLine message={error ?? seriesCancel.error} testId="appointment-error" />
      <div className="actions">
        {booked && (
          <button data-testid="edit-open" disabled={!online || busy || editing} onClick={() => setEditing(true)}>
            Edit…
          </button>
        )}
        {booked && (
          <button data-testid="check-in" disabled={!online || busy} onClick={() => step('checkIn', 'Checked in.')}>
            Check in <kbd>C</kbd>
          </button>
        )}
        {appointment.status === 'CHECKED_IN' && (
          <button data-testid="start-consultation" className="primary" disabled={!online || busy} onClick={() => step('startConsultation', 'Consultation started.')}>
            Start consultation
          </button>
        )}
        {(appointment.status === 'CHECKED_IN' || appointment.status === 'IN_CONSULTATION') && (
          <button data-testid="complete" className={appointment.status === 'IN_CONSULTATION' ? 'primary' : ''} disabled={!online || busy} onClick={() => step('complete', 'Visit completed.')}>
            Complete
          </button>
        )}
        {booked && (
          <button data-testid="no-show" disabled={!online || busy} onClick={() => step('noShow', 'Marked as no-show.')}>
            No-show
          </button>
        )}
        {booked && (
          <button data-testid="cancel-open" disabled={!online || busy} onClick={() => setCancelling(true)}>
            Cancel…
          </button>
        )}
        {booked && appointment.series && <SeriesMove appointment={appointment} day={day} onNotice={onNotice} />}
        <button data-testid="history-open" onClick={() => setHistory((h) => !h)}>
          History <kbd>H</kbd>
        </button>
      </div>
      {cancelling && (
        <form
          className="cancel"
          onSubmit={(e) => {
            e.preventDefault();
            if (!reasonCode) return;
            if (appointment.series && scope !== 'this') {
              seriesCancel.run({ appointmentId, version: appointment.version, scope, reasonCode, reason }, (n) => {
                setCancelling(false);
                onNotice(`${n} visits cancelled.`);
              });
              return;
            }
            steps.cancel.run({ appointmentId, version: appointment.version, reasonCode, reason }, { ...outcome('Cancelled.'), onSettled: () => setCancelling(false) });
          }}
        >
          {appointment.series && <ScopeField value={scope} onChange={setScope} verb="Cancel" testId="cancel-scope" />}
          <label>
            Reason
            <select data-testid="cancel-reason-code" autoFocus required value={reasonCode} onChange={(e) => setReasonCode(e.target.value as CancelReasonCode)}>
              <option value="" disabled>
                Choose a reason…
              </option>
              {CANCEL_REASON_CODES.map((code) => (
                <option key={code} value={code}>
                  {CANCEL_REASON_LABELS[code]}
                </option>
              ))}
            </select>
          </label>
          <label>
            {reasonCode === 'OTHER' ? 'Details (needed for "Other")' : 'Details (optional)'}
            <input data-testid="cancel-reason" placeholder="What the patient said" value={reason} onChange={(e) => setReason(e.target.value)} required={reasonCode === 'OTHER'} />
          </label>
          <button data-testid="cancel-confirm" className="danger" disabled={!online || busy || !reasonCode || (reasonCode === 'OTHER' && !reason.trim())}>
            {appointment.series && scope !== 'this' ? 'Cancel visits' : 'Cancel appointment'}
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
