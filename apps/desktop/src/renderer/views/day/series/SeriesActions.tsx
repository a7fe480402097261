import { useState } from 'react';
import { useMutation, useQuery, useQueryClient, type UseMutationOptions } from '@tanstack/react-query';
import { domainErrorOf, localDateOf, localMinuteToInstant, wallTime, type AppointmentView, type DayView, type SeriesChangeResult, type SeriesScope } from '@frontdesk/shared';
import { ErrorLine } from '../../../components/ErrorLine.js';
import { FormField } from '../../../components/FormField.js';
import { useOnline } from '../../../lib/connection.js';
import { sentenceFor } from '../../../lib/errors.js';
import { useTRPC } from '../../../lib/trpc.js';
import { adoptAppointment } from '../../../sync/adopt.js';
import { serviceFits } from '../service-fit.js';

const SCOPES: { value: SeriesScope; label: string }[] = [
  { value: 'this', label: 'This visit only' },
  { value: 'following', label: 'This and the following visits' },
  { value: 'all', label: 'The whole series' },
];

/** "2 of 6": an occurrence's place in its series. */
export function seriesPlace(a: AppointmentView): string | null {
  return a.series ? `${a.series.index} of ${a.series.count}` : null;
}

/** Which visits of the series a change reaches (a labelled select). */
export function ScopeField({ value, onChange, verb, testId }: { value: SeriesScope; onChange: (s: SeriesScope) => void; verb: string; testId: string }) {
  return (
    <FormField label={`${verb} which visits`} testId={testId}>
      {(f) => (
        <select {...f} data-testid={testId} value={value} onChange={(e) => onChange(e.target.value as SeriesScope)}>
          {SCOPES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      )}
    </FormField>
  );
}

/** A scoped series command: each changed visit put into every cached day; a refusal in the server's words (it names the visit). */
function useSeriesChange<I, E>(options: UseMutationOptions<SeriesChangeResult, E, I>) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const mutation = useMutation(options);
  const [error, setError] = useState<string | null>(null);
  const run = (input: I, onDone: (n: number) => void) =>
    mutation.mutate(input, {
      onSuccess: (result) => {
        setError(null);
        for (const a of result.appointments) adoptAppointment(queryClient, trpc, a);
        onDone(result.appointments.length);
      },
      onError: (e) => {
        const domain = domainErrorOf(e);
        if (domain?.code === 'STALE') adoptAppointment(queryClient, trpc, domain.details.current);
        setError(domain?.code === 'STALE' ? sentenceFor(e) : (domain?.message ?? sentenceFor(e)));
      },
    });
  return { run, error, setError, isPending: mutation.isPending };
}

export function useSeriesCancel() {
  return useSeriesChange(useTRPC().series.cancel.mutationOptions());
}

/**
 * Move a visit, or it and the following, or the whole series, to another
 * date and time (and practitioner): the others of the scope move by the same
 * change of day, to the same time of day; the rest stay where they are.
 */
export function SeriesMove({ appointment, day, onNotice }: { appointment: AppointmentView; day: DayView; onNotice: (message: string) => void }) {
  const timeZone = day.timeZone;
  const service = useQuery(useTRPC().catalog.services.queryOptions()).data?.find((s) => s.id === appointment.serviceId);
  const practitioners = day.resources.filter((r) => r.kind === 'PRACTITIONER' && (!service || serviceFits(service, r)));
  const [practitioner, setPractitioner] = useState('');
  const online = useOnline();
  const [open, setOpen] = useState(false);
  const [scope, setScope] = useState<SeriesScope>('following');
  const [date, setDate] = useState(localDateOf(Date.parse(appointment.startsAt), timeZone));
  const [time, setTime] = useState(wallTime(appointment.startsAt, timeZone));
  const move = useSeriesChange(useTRPC().series.move.mutationOptions());
  if (!open) {
    return (
      <button data-testid="series-move-open" disabled={!online} onClick={() => setOpen(true)}>
        Move visits…
      </button>
    );
  }
  return (
    <form
      className="cancel series-move"
      data-testid="series-move"
      onSubmit={(e) => {
        e.preventDefault();
        if (!date || !/^\d\d:\d\d$/.test(time)) {
          move.setError('Choose the new date and time.');
          return;
        }
        const startsAt = new Date(localMinuteToInstant(date, Number(time.slice(0, 2)) * 60 + Number(time.slice(3)), timeZone)).toISOString();
        move.run({ appointmentId: appointment.id, version: appointment.version, scope, startsAt, ...(practitioner ? { resourceIds: [practitioner] } : {}) }, (n) => {
          setOpen(false);
          onNotice(n === 1 ? 'Visit moved.' : `${n} visits moved.`);
        });
      }}
    >
      <ScopeField value={scope} onChange={setScope} verb="Move" testId="series-move-scope" />
      <FormField label="New date" testId="series-move-date">
        {(f) => <input {...f} type="date" data-testid="series-move-date" value={date} onChange={(e) => setDate(e.target.value)} />}
      </FormField>
      <FormField label="New time" testId="series-move-time">
        {(f) => <input {...f} type="time" step={300} data-testid="series-move-time" value={time} onChange={(e) => setTime(e.target.value)} />}
      </FormField>
      <FormField label="Practitioner" testId="series-move-practitioner">
        {(f) => (
          <select {...f} data-testid="series-move-practitioner" value={practitioner} onChange={(e) => setPractitioner(e.target.value)}>
            <option value="">Keep each visit's own</option>
            {practitioners.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <ErrorLine message={move.error} testId="series-move-error" />
      <div className="actions">
        <button className="primary" data-testid="series-move-confirm" disabled={!online || move.isPending}>
          {move.isPending ? 'Moving…' : 'Move'}
        </button>
        <button type="button" className="link" onClick={() => setOpen(false)}>
          Close
        </button>
      </div>
    </form>
  );
}
