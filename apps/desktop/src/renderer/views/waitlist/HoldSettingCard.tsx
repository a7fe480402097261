import { useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { WAITLIST_HOLD_MINUTES_MAX } from '@frontdesk/shared';
import { ErrorLine } from '../../components/ErrorLine.js';
import { sentenceFor } from '../../lib/errors.js';
import { useTRPC } from '../../lib/trpc.js';

/** Setup › Clinic: whether a freed time is held for the waitlist's best-ranked patient, and for how long (0: not held). */
export function WaitlistHoldCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const setting = useQuery(trpc.waitlist.holdSetting.queryOptions());
  const [minutes, setMinutes] = useState('');
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (setting.data) setMinutes(String(setting.data.holdMinutes));
  }, [setting.data]);
  const save = useMutation(
    trpc.waitlist.setHoldSetting.mutationOptions({
      onSuccess: (next) => {
        queryClient.setQueryData(trpc.waitlist.holdSetting.queryKey(), next);
        setSaved(true);
      },
    }),
  );
  return (
    <form
      className="setup-card"
      data-testid="setup-waitlist-hold"
      onSubmit={(e) => {
        e.preventDefault();
        setSaved(false);
        save.mutate({ holdMinutes: minutes.trim() === '' ? Number.NaN : Number(minutes) });
      }}
    >
      <h3>Waitlist offers</h3>
      <p className="muted">
        When a time frees up, hold it for the first patient on the waitlist and send them a link to accept or decline. 0 leaves the time open to every desk.
      </p>
      <label>
        Hold a freed time for the first patient (minutes)
        <input type="number" min={0} max={WAITLIST_HOLD_MINUTES_MAX} data-testid="waitlist-hold-minutes" value={minutes} onChange={(e) => setMinutes(e.target.value)} />
      </label>
      <ErrorLine message={save.error ? sentenceFor(save.error) : setting.isError ? sentenceFor(setting.error) : null} testId="waitlist-hold-error" />
      <button className="primary" data-testid="waitlist-hold-save" disabled={!setting.data || save.isPending}>
        Save
      </button>
      {saved && <span className="muted" data-testid="waitlist-hold-saved"> Saved.</span>}
    </form>
  );
}
