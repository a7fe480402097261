import { useEffect, useRef, useState, type RefObject } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { AppointmentView, DayView } from '@frontdesk/shared';
import type { Conflict } from '../../components/ConflictPanel.js';
import { ErrorLine } from '../../components/ErrorLine.js';
import { PatientPicker } from '../../components/PatientPicker.js';
import { useOnline } from '../../lib/connection.js';
import { sentenceFor } from '../../lib/errors.js';
import { money, secondsLeft, timeRange } from '../../lib/time.js';
import { useTRPC } from '../../lib/trpc.js';
import { useNow } from '../../lib/use-now.js';
import { HoldBar } from './HoldBar.js';
import { SeriesDialog } from './series/SeriesDialog.js';
import { ProductsField } from './ProductsField.js';
import { lengthWith, serviceFits } from './service-fit.js';
import { useAppointment } from './use-appointment.js';
import { useBookingForm, type BookingDraft } from './use-booking-form.js';

/**
 * The hold being turned into a booking: patient, service, products, note,
 * confirm. What is filled in lives in the day view (`draft`), so it stays
 * when the hold is replaced: another service in its place, another time.
 */
export function BookingPanel({
  appointmentId,
  cached,
  day,
  searchRef,
  draft,
  onDraft,
  onDone,
  onConflict,
  onRehold,
}: {
  appointmentId: string;
  cached: AppointmentView | undefined;
  day: DayView;
  /** The patient search field, focused when the panel opens: the next thing the desk types. */
  searchRef: RefObject<HTMLInputElement | null>;
  draft: BookingDraft;
  onDraft: (draft: BookingDraft) => void;
  onDone: (message: string | null, keepSelected?: boolean) => void;
  /** SLOT_TAKEN on confirm or on another service: the alternatives hold again, for `serviceId`. */
  onConflict: (c: Conflict, serviceId: string) => void;
  onRehold: (serviceId: string) => void;
}) {
  const trpc = useTRPC();
  const online = useOnline();
  const now = useNow(500);
  const { appointment, fetched } = useAppointment(appointmentId, cached);
  const services = useQuery(trpc.catalog.services.queryOptions());
  const serviceRef = useRef<HTMLSelectElement>(null);
  const form = useBookingForm({ appointment, timeZone: day.timeZone, draft, onDraft, onDone, onConflict });
  const [repeating, setRepeating] = useState(false);

  useEffect(() => {
    searchRef.current?.focus();
  }, [searchRef]);

  if (!appointment) return <div className="panel">{fetched.isError ? sentenceFor(fetched.error) : 'Holding…'}</div>;

  // The hold's practitioner (else its first resource): only services it can do are offered in its place, at its own length.
  const held = appointment.resources.map((r) => day.resources.find((x) => x.id === r.resourceId)).filter((r) => r !== undefined);
  const column = held.find((r) => r.kind === 'PRACTITIONER') ?? held[0];
  const left = secondsLeft(appointment.holdExpiresAt, now);
  const gone = appointment.status !== 'HELD' || left === 0;
  const editable = online && !form.busy;

  return (
    <div
      className="panel booking"
      data-testid="booking-panel"
      onKeyDown={(e) => {
        // The form's own keys: they act on this panel only, wherever the focus is inside it.
        // Plain Enter on the service confirms too: the last step of a booking from the keyboard.
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey || e.target === serviceRef.current)) form.submit();
        if (e.key === 'Escape') form.releaseHold();
      }}
    >
      <header>
        <h2>New booking</h2>
        <button className="link" data-testid="booking-release" onClick={form.releaseHold}>
          Release
        </button>
      </header>
      <p className="when">
        <strong>{timeRange(appointment.startsAt, appointment.endsAt, day.timeZone)}</strong> ·{' '}
        {appointment.resources
          .map((r) => day.resources.find((x) => x.id === r.resourceId)?.name ?? '')
          .filter(Boolean)
          .join(' + ')}
      </p>
      <HoldBar appointment={appointment} left={left} online={online} busy={form.busy} onExtend={form.extendHold} onRehold={() => onRehold(appointment.serviceId)} />
      <label>Patient</label>
      <PatientPicker
        ref={searchRef}
        value={form.patient}
        onChange={(p) => {
          form.setPatient(p);
          // The patient chosen, the next keystroke is for the service (Enter there confirms).
          if (p) requestAnimationFrame(() => serviceRef.current?.focus());
        }}
        disabled={!editable}
      />
      <label>
        Service
        <select
          ref={serviceRef}
          data-testid="booking-service"
          value={appointment.serviceId}
          disabled={!editable}
          aria-busy={form.changingService}
          onChange={(e) => form.changeService(e.target.value)}
        >
          {services.data
            ?.filter((s) => s.id === appointment.serviceId || !column || serviceFits(s, column))
            .map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} · {lengthWith(s, column?.id)} min · {money(s.prices.find((p) => p.branchId === day.branchId)?.priceCents ?? s.basePriceCents)}
              </option>
            ))}
        </select>
      </label>
      <ProductsField branchId={day.branchId} lines={form.lines} problems={form.problems.products} disabled={!editable} onChange={form.setLine} />
      <label>
        Note
        <textarea data-testid="booking-note" rows={2} value={form.note} onChange={(e) => form.setNote(e.target.value)} disabled={!editable} />
        <ErrorLine message={form.problems.note} testId="booking-note-problem" />
      </label>
      <ErrorLine message={form.error} testId="booking-error" />
      <button className="primary" data-testid="confirm-booking" disabled={!editable || gone} onClick={form.submit}>
        {form.confirming ? 'Booking…' : 'Confirm booking'} <kbd>Ctrl+Enter</kbd>
      </button>
      {/* A series from this hold: its time is the first visit; the hold goes in the series' own transaction. */}
      <button data-testid="booking-repeat" disabled={!editable || gone} onClick={() => setRepeating(true)}>
        Repeat…
      </button>
      {repeating && <SeriesDialog hold={appointment} day={day} patient={form.patient} note={form.note} onClose={() => setRepeating(false)} onBooked={(message) => onDone(message)} />}
    </div>
  );
}
