import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { domainErrorOf, type AppointmentView, type DayView, type PatientSummary } from '@frontdesk/shared';
import type { Conflict } from '../components/ConflictPanel.js';
import { PatientPicker } from '../components/PatientPicker.js';
import { useOnline } from '../lib/connection.js';
import { sentenceFor } from '../lib/errors.js';
import { mmss, money, secondsLeft, timeRange } from '../lib/time.js';
import { useTRPC } from '../lib/trpc.js';
import { useNow } from '../lib/use-now.js';
import { adoptAppointment } from '../sync/adopt.js';

/** The hold being turned into a booking: patient, service, products, note, confirm. */
export function BookingPanel({
  appointmentId,
  cached,
  day,
  onDone,
  onConflict,
  onRehold,
}: {
  appointmentId: string;
  cached: AppointmentView | undefined;
  day: DayView;
  onDone: (message: string | null, keepSelected?: boolean) => void;
  onConflict: (c: Conflict) => void;
  onRehold: (serviceId: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const online = useOnline();
  const now = useNow(500);
  const fetched = useQuery({ ...trpc.booking.get.queryOptions({ appointmentId }), enabled: !cached });
  const appointment = [cached, fetched.data].filter((a): a is AppointmentView => !!a).sort((a, b) => b.version - a.version)[0];
  const services = useQuery(trpc.catalog.services.queryOptions());
  const products = useQuery(trpc.catalog.products.queryOptions());
  const [patient, setPatient] = useState<PatientSummary | null>(null);
  const [lines, setLines] = useState<Record<string, number>>({});
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const extend = useMutation(trpc.booking.extendHold.mutationOptions());
  const confirm = useMutation(trpc.booking.confirm.mutationOptions());
  const release = useMutation(trpc.booking.release.mutationOptions());

  useEffect(() => {
    if (appointment?.patient && !patient) setPatient(appointment.patient);
  }, [appointment, patient]);

  // Focus the patient search as soon as the hold is there: the next thing the desk types.
  useEffect(() => {
    document.querySelector<HTMLInputElement>('[data-testid="patient-search"]')?.focus();
  }, []);

  if (!appointment) return <div className="panel">{fetched.isError ? sentenceFor(fetched.error) : 'Holding…'}</div>;

  const tz = day.timeZone;
  const left = secondsLeft(appointment.holdExpiresAt, now);
  const gone = appointment.status !== 'HELD' || left === 0;
  const busy = confirm.isPending || extend.isPending || release.isPending;

  const doConfirm = () => {
    if (!patient) {
      setError('Choose or create the patient first.');
      return;
    }
    setError(null);
    confirm.mutate(
      {
        appointmentId: appointment.id,
        version: appointment.version,
        patientId: patient.id,
        note,
        products: Object.entries(lines)
          .filter(([, q]) => q > 0)
          .map(([productId, quantity]) => ({ productId, quantity })),
      },
      {
        onSuccess: (booked) => {
          adoptAppointment(queryClient, booked);
          onDone(`Booked ${patient.name} at ${timeRange(booked.startsAt, booked.endsAt, tz)}.`, true);
        },
        onError: (err) => {
          const domain = domainErrorOf(err);
          if (domain?.code === 'SLOT_TAKEN') onConflict({ sentence: sentenceFor(err), alternatives: domain.details.alternatives });
          if (domain?.code === 'STALE') adoptAppointment(queryClient, domain.details.current as AppointmentView);
          setError(sentenceFor(err));
        },
      },
    );
  };

  const doRelease = () => {
    if (appointment.status === 'HELD' && online) release.mutate({ appointmentId: appointment.id, version: appointment.version }, { onSuccess: (a) => adoptAppointment(queryClient, a) });
    onDone(null);
  };

  return (
    <div
      className="panel booking"
      data-testid="booking-panel"
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) doConfirm();
        if (e.key === 'Escape') doRelease();
      }}
    >
      <header>
        <h2>New booking</h2>
        <button className="link" data-testid="booking-release" onClick={doRelease}>
          Release
        </button>
      </header>
      <p className="when">
        <strong>{timeRange(appointment.startsAt, appointment.endsAt, tz)}</strong> · {appointment.resources.map((r) => day.resources.find((x) => x.id === r.resourceId)?.name ?? '').filter(Boolean).join(' + ')}
      </p>
      <div className={`holdbar ${left < 60 ? 'urgent' : ''}`}>
        {appointment.status === 'HELD' ? (
          <>
            <span data-testid="hold-countdown">{left > 0 ? `Held for you: ${mmss(left)}` : 'The hold has expired'}</span>
            <button
              data-testid="hold-extend"
              disabled={!online || busy || appointment.status !== 'HELD'}
              onClick={() =>
                extend.mutate(
                  { appointmentId: appointment.id, version: appointment.version, holdMinutes: 5 },
                  { onSuccess: (a) => adoptAppointment(queryClient, a), onError: (err) => setError(sentenceFor(err)) },
                )
              }
            >
              +5 min
            </button>
          </>
        ) : (
          <span data-testid="hold-countdown">{appointment.status === 'BOOKED' ? 'Booked' : `This hold is ${appointment.status.toLowerCase()}`}</span>
        )}
      </div>
      {gone && appointment.status !== 'BOOKED' && (
        <div className="conflict" data-testid="hold-lost" role="alert">
          <p>The hold expired; the time may be taken now.</p>
          <button disabled={!online} onClick={() => onRehold(appointment.serviceId)}>
            Hold it again
          </button>
        </div>
      )}
      <label>Patient</label>
      <PatientPicker value={patient} onChange={setPatient} disabled={!online || busy} />
      <label>
        Service
        <select
          data-testid="booking-service"
          value={appointment.serviceId}
          disabled={!online || busy}
          onChange={(e) => {
            // Another service has another length and needs: hold again with it.
            release.mutate({ appointmentId: appointment.id, version: appointment.version });
            onRehold(e.target.value);
          }}
        >
          {services.data?.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name} · {s.durationMin} min · {money(s.prices.find((p) => p.branchId === day.branchId)?.priceCents ?? s.basePriceCents)}
            </option>
          ))}
        </select>
      </label>
      {products.data && products.data.length > 0 && (
        <fieldset className="products">
          <legend>Products</legend>
          {products.data.map((p) => {
            const stock = p.stock.find((s) => s.branchId === day.branchId)?.quantity ?? 0;
            return (
              <label key={p.id} className="product">
                <input
                  type="number"
                  min={0}
                  max={Math.max(0, stock)}
                  value={lines[p.id] ?? 0}
                  data-testid={`product-${p.id}`}
                  disabled={!online || busy}
                  onChange={(e) => setLines({ ...lines, [p.id]: Math.max(0, Number(e.target.value) || 0) })}
                />
                {p.name} <span className="muted">{money(p.priceCents)} · {stock} in stock</span>
              </label>
            );
          })}
        </fieldset>
      )}
      <label>
        Note
        <textarea data-testid="booking-note" rows={2} value={note} onChange={(e) => setNote(e.target.value)} disabled={!online || busy} />
      </label>
      {error && (
        <p className="error" data-testid="booking-error" role="alert">
          {error}
        </p>
      )}
      <button ref={confirmRef} className="primary" data-testid="confirm-booking" disabled={!online || busy || gone} onClick={doConfirm}>
        {confirm.isPending ? 'Booking…' : 'Confirm booking'} <kbd>Ctrl+Enter</kbd>
      </button>
    </div>
  );
}
