import { useId, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { SERIES_MAX_OCCURRENCES, type AppointmentView, type DayView, type PatientSummary, type SeriesFrequency, type SeriesOccurrenceCheck, type SeriesPlanInput } from '@frontdesk/shared';
import { ErrorLine } from '../../../components/ErrorLine.js';
import { FormField } from '../../../components/FormField.js';
import { useOnline } from '../../../lib/connection.js';
import { clock, timeRange } from '../../../lib/time.js';
import { useTRPC } from '../../../lib/trpc.js';
import { serviceFits } from '../service-fit.js';
import { useSeries, type Choice } from './use-series.js';

const FREQUENCIES: { value: SeriesFrequency; label: string; unit: string }[] = [
  { value: 'DAILY', label: 'Daily', unit: 'days' },
  { value: 'WEEKLY', label: 'Weekly', unit: 'weeks' },
  { value: 'MONTHLY', label: 'Monthly', unit: 'months' },
];

/**
 * "Repeat…" from the booking panel: the rule (how often, every how many,
 * how many visits or until when, the practitioner alone or in turn with
 * another), the check of every visit (free, or taken with its nearest times
 * to pick from), then book all of them or only the free ones.
 */
export function SeriesDialog({ hold, day, patient, note, onClose, onBooked }: { hold: AppointmentView; day: DayView; patient: PatientSummary | null; note: string; onClose: () => void; onBooked: (message: string) => void }) {
  const titleId = useId();
  const online = useOnline();
  const services = useQuery(useTRPC().catalog.services.queryOptions());
  const service = services.data?.find((s) => s.id === hold.serviceId);
  // Only practitioners who give this service can take turns with the first one.
  const practitioners = day.resources.filter((r) => r.kind === 'PRACTITIONER' && (!service || serviceFits(service, r)));
  const held = hold.resources.map((r) => practitioners.find((p) => p.id === r.resourceId)).find((p) => p !== undefined);
  const [frequency, setFrequency] = useState<SeriesFrequency>('WEEKLY');
  const [interval, setInterval] = useState('1');
  const [monthlyBy, setMonthlyBy] = useState<'date' | 'weekday'>('date');
  const [ends, setEnds] = useState<'count' | 'until'>('count');
  const [count, setCount] = useState('6');
  const [until, setUntil] = useState('');
  const [alternate, setAlternate] = useState('');
  const series = useSeries({ onBooked });
  const tz = day.timeZone;

  const plan: SeriesPlanInput = {
    branchId: hold.branchId,
    serviceId: hold.serviceId,
    patientId: patient?.id ?? '',
    startsAt: hold.startsAt,
    rule: { frequency, interval: Number(interval), monthlyBy, ...(ends === 'count' ? { count: Number(count) } : { until }) },
    practitionerIds: held ? [held.id, ...(alternate ? [alternate] : [])] : [],
    note,
    replacingHoldId: hold.id,
  };
  const edit = <T,>(set: (v: T) => void) => (v: T) => {
    set(v);
    series.reset();
  };
  const unit = FREQUENCIES.find((f) => f.value === frequency)!.unit;
  const p = series.problems;
  const busy = series.checking || series.booking || !online;
  const occurrences = series.preview?.occurrences ?? [];
  const taken = occurrences.filter((o) => o.state !== 'free');

  return (
    <div
      className="overlay"
      data-testid="series-overlay"
      onKeyDown={(e) => {
        // The booking panel's own keys (Escape releases the hold, Ctrl+Enter confirms) stop here.
        e.stopPropagation();
        if (e.key === 'Escape') onClose();
      }}
    >
      <div className="card series-dialog" role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid="series-dialog">
        <h2 id={titleId}>Repeat this booking</h2>
        <p className="muted">
          {hold.serviceName} · first visit {timeRange(hold.startsAt, hold.endsAt, tz)} on {new Date(hold.startsAt).toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'long', timeZone: tz })}
          {patient ? ` · ${patient.name}` : ''}
        </p>
        <form
          className="series-form"
          // The schema's own words beside each field, not the browser's bubble.
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void series.check(plan);
          }}
        >
          <FormField label="Repeats" testId="series-frequency">
            {(f) => (
              <select {...f} autoFocus data-testid="series-frequency" value={frequency} onChange={(e) => edit(setFrequency)(e.target.value as SeriesFrequency)}>
                {FREQUENCIES.map((x) => (
                  <option key={x.value} value={x.value}>
                    {x.label}
                  </option>
                ))}
              </select>
            )}
          </FormField>
          <FormField label={`Every how many ${unit}`} error={p['rule.interval']} testId="series-interval">
            {(f) => <input {...f} data-testid="series-interval" type="number" min={1} max={12} value={interval} onChange={(e) => edit(setInterval)(e.target.value)} />}
          </FormField>
          {frequency === 'MONTHLY' && (
            <FormField label="Each month on" testId="series-monthly-by">
              {(f) => (
                <select {...f} data-testid="series-monthly-by" value={monthlyBy} onChange={(e) => edit(setMonthlyBy)(e.target.value as 'date' | 'weekday')}>
                  <option value="date">the same date</option>
                  <option value="weekday">the same weekday (e.g. 2nd Tuesday)</option>
                </select>
              )}
            </FormField>
          )}
          <FormField label="Ends" testId="series-ends">
            {(f) => (
              <select {...f} data-testid="series-ends" value={ends} onChange={(e) => edit(setEnds)(e.target.value as 'count' | 'until')}>
                <option value="count">after a number of visits</option>
                <option value="until">on a date</option>
              </select>
            )}
          </FormField>
          {ends === 'count' ? (
            <FormField label="Number of visits" error={p['rule.count']} hint={`2 to ${SERIES_MAX_OCCURRENCES}, the first one included`} testId="series-count">
              {(f) => <input {...f} data-testid="series-count" type="number" min={2} max={SERIES_MAX_OCCURRENCES} value={count} onChange={(e) => edit(setCount)(e.target.value)} />}
            </FormField>
          ) : (
            <FormField label="Last date" error={p['rule.until'] ?? p['rule.count']} testId="series-until">
              {(f) => <input {...f} data-testid="series-until" type="date" value={until} onChange={(e) => edit(setUntil)(e.target.value)} />}
            </FormField>
          )}
          <FormField label="Practitioner" error={p.practitionerIds} hint={alternate ? 'Taken in turn: 1st, 2nd, 1st, …' : undefined} testId="series-practitioner">
            {(f) => (
              <select {...f} data-testid="series-alternate" value={alternate} onChange={(e) => edit(setAlternate)(e.target.value)}>
                <option value="">{held ? `${held.name} for every visit` : 'Choose the practitioner'}</option>
                {practitioners
                  .filter((x) => x.id !== held?.id)
                  .map((x) => (
                    <option key={x.id} value={x.id}>
                      {held?.name} and {x.name} in turn
                    </option>
                  ))}
              </select>
            )}
          </FormField>
          <ErrorLine message={p.patientId ? 'Choose the patient in the booking panel first.' : null} testId="series-patient-error" />
          <div className="actions">
            <button type="submit" data-testid="series-check" disabled={busy}>
              {series.checking ? 'Checking…' : 'Check the visits'}
            </button>
            <button type="button" className="link" data-testid="series-close" onClick={onClose}>
              Close
            </button>
          </div>
        </form>
        {series.preview && (
          <>
            <h3 className="series-summary" data-testid="series-summary">
              {series.preview.summary} · {taken.length === 0 ? 'every visit is free' : `${taken.length} of ${occurrences.length} taken`}
            </h3>
            <ol className="series-list" data-testid="series-list">
              {occurrences.map((o) => (
                <OccurrenceRow key={o.index} o={o} timeZone={tz} count={occurrences.length} choice={series.choices[o.index]} disabled={busy} onChoose={(c) => series.choose(o.index, c)} />
              ))}
            </ol>
          </>
        )}
        <ErrorLine message={series.error} testId="series-error" />
        {series.preview && (
          <div className="actions">
            <button className="primary" data-testid="series-book-all" disabled={busy} onClick={() => series.submit(plan, 'all')}>
              {series.booking ? 'Booking…' : `Book all (${occurrences.filter((o) => o.state === 'free' || series.choices[o.index]?.action === 'alternative').length})`}
            </button>
            <button data-testid="series-book-free" disabled={busy || taken.length === 0} onClick={() => series.submit(plan, 'free')}>
              Book free ones, list the rest
            </button>
          </div>
        )}
      </div>
    </div>
  );
}

function OccurrenceRow({ o, timeZone, count, choice, disabled, onChoose }: { o: SeriesOccurrenceCheck; timeZone: string; count: number; choice: Choice | undefined; disabled: boolean; onChoose: (c: Choice) => void }) {
  const date = new Date(o.startsAt).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short', timeZone });
  const label = `Visit ${o.index} of ${count}, ${date} ${clock(o.startsAt, timeZone)}`;
  const value = choice?.action === 'alternative' ? choice.startsAt : 'skip';
  return (
    <li className={`series-row ${o.state}`} data-testid="series-row" data-state={o.state} data-index={o.index}>
      <span className="series-when">
        <strong>{o.index}</strong> {date} · {clock(o.startsAt, timeZone)}
      </span>
      {o.state === 'free' ? (
        <span className="series-state free">Free</span>
      ) : (
        <span className="series-taken">
          <span className="series-state taken">{o.reason ?? 'Taken'}</span>
          <select
            aria-label={`${label}: instead`}
            data-testid="series-choice"
            value={value}
            disabled={disabled}
            onChange={(e) => {
              const alt = o.alternatives.find((a) => a.startsAt === e.target.value);
              onChoose(alt ? { action: 'alternative', startsAt: alt.startsAt, resourceIds: alt.resourceIds } : { action: 'skip' });
            }}
          >
            {o.alternatives.map((a) => (
              <option key={`${a.startsAt}|${a.resourceIds.join()}`} value={a.startsAt}>
                {new Date(a.startsAt).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short', timeZone })} {clock(a.startsAt, timeZone)} instead
              </option>
            ))}
            <option value="skip">Leave this visit out</option>
          </select>
        </span>
      )}
    </li>
  );
}
