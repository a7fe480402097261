import { useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TimeFormat } from '@frontdesk/shared';
import { ErrorLine } from '../../components/ErrorLine.js';
import { sentenceFor } from '../../lib/errors.js';
import { formatClock, setTimeFormat } from '../../lib/time.js';
import { useTRPC } from '../../lib/trpc.js';
import { WaitlistHoldCard } from '../waitlist/HoldSettingCard.js';

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
      <VisitSettingsCard />
      <WaitlistHoldCard />
    </div>
  );
}

/** How early a patient may check in, and how much notice a cancellation needs not to be flagged late. */
function VisitSettingsCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.clinic.settings.queryOptions());
  const [windowMin, setWindowMin] = useState('');
  const [noticeHours, setNoticeHours] = useState('');
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (!settings.data) return;
    setWindowMin(String(settings.data.checkInWindowMin));
    setNoticeHours(String(settings.data.lateCancelNoticeHours));
  }, [settings.data]);
  const save = useMutation(
    trpc.clinic.setVisitSettings.mutationOptions({
      onSuccess: (next) => {
        queryClient.setQueryData(trpc.clinic.settings.queryKey(), next);
        setSaved(true);
      },
    }),
  );
  return (
    <form
      className="setup-card"
      data-testid="setup-clinic-visits"
      onSubmit={(e) => {
        e.preventDefault();
        setSaved(false);
        save.mutate({ checkInWindowMin: Number(windowMin), lateCancelNoticeHours: Number(noticeHours) });
      }}
    >
      <h3>Visits</h3>
      <label>
        Check-in opens (minutes before the start)
        <input type="number" min={0} max={1440} required data-testid="check-in-window" value={windowMin} onChange={(e) => setWindowMin(e.target.value)} />
      </label>
      <label>
        Late cancellation: less notice than (hours)
        <input type="number" min={0} max={720} required data-testid="late-cancel-notice" value={noticeHours} onChange={(e) => setNoticeHours(e.target.value)} />
      </label>
      <ErrorLine message={save.error ? sentenceFor(save.error) : null} testId="visit-settings-error" />
      <button className="primary" data-testid="visit-settings-save" disabled={!settings.data || save.isPending}>
        Save
      </button>
      {saved && <span className="muted" data-testid="visit-settings-saved"> Saved.</span>}
    </form>
  );
}
