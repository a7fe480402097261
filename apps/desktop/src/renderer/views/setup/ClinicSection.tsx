import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TimeFormat } from '@frontdesk/shared';
import { ErrorLine } from '../../components/ErrorLine.js';
import { sentenceFor } from '../../lib/errors.js';
import { formatClock, setTimeFormat } from '../../lib/time.js';
import { useTRPC } from '../../lib/trpc.js';

const CHOICES: { format: TimeFormat; label: string }[] = [
  { format: '24h', label: '24-hour' },
  { format: '12h', label: '12-hour' },
];

/** The clinic's locale: how every desk writes times (14:30, or 2:30 PM). Changed here, every desk follows at once. */
export function ClinicSection() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.clinic.settings.queryOptions());
  const save = useMutation(
    trpc.clinic.setTimeFormat.mutationOptions({
      onSuccess: (next) => {
        queryClient.setQueryData(trpc.clinic.settings.queryKey(), next);
        setTimeFormat(next.timeFormat);
      },
    }),
  );
  const current = settings.data?.timeFormat;
  return (
    <div data-testid="setup-clinic-clock">
      <h2>Clinic</h2>
      <div className="setup-card">
        <h3>{settings.data?.name ?? '…'}</h3>
        <fieldset>
          <legend>Times on every desk</legend>
          {CHOICES.map((c) => (
            <label key={c.format}>
              <input
                type="radio"
                name="time-format"
                data-testid={`time-format-${c.format}`}
                checked={current === c.format}
                disabled={!current || save.isPending}
                onChange={() => save.mutate({ timeFormat: c.format })}
              />{' '}
              {c.label} <span className="muted">({formatClock(14, 30, c.format)})</span>
            </label>
          ))}
        </fieldset>
        <ErrorLine message={save.error ? sentenceFor(save.error) : settings.isError ? sentenceFor(settings.error) : null} testId="time-format-error" />
      </div>
    </div>
  );
}
