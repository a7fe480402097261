import { useState, type FormEvent } from 'react';
import { localDateOf, type TimeOffView } from '@frontdesk/shared';
import { ErrorLine } from '../../../components/ErrorLine.js';
import { clock, prettyDate, wallTime } from '../../../lib/time.js';
import { shortDate } from './intervals.js';
import { refusalOf, type HoursCommands } from './use-hours-commands.js';

const KIND_WORDS: Record<TimeOffView['kind'], string> = { LEAVE: 'Leave', HOLIDAY: 'Holiday', BLOCKED: 'Blocked', CLOSURE: 'Branch closed' };

/** Leave over whole days (from..to), and the time off in the week shown, each removable. */
export function LeaveForm({
  resourceId,
  branchId,
  timeZone,
  firstDate,
  timeOff,
  commands,
}: {
  resourceId: string;
  branchId: string;
  timeZone: string;
  /** Where the dates start: the date picked on the week. */
  firstDate: string;
  timeOff: TimeOffView[];
  commands: HoursCommands;
}) {
  const [from, setFrom] = useState(firstDate);
  const [to, setTo] = useState(firstDate);
  const [reason, setReason] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const mutation = commands.addLeave;
  const refusal = refusalOf(mutation.error);
  const removal = refusalOf(commands.removeLeave.error);
  const slip = to < from ? 'The last day is before the first.' : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (slip) return;
    setDone(null);
    mutation.mutate({ resourceId, branchId, from, to, reason }, { onSuccess: () => { setDone(from === to ? `Leave on ${prettyDate(from)} added.` : `Leave from ${prettyDate(from)} to ${prettyDate(to)} added.`); setReason(''); } });
  };
  const when = (t: TimeOffView) => {
    const start = Date.parse(t.startsAt);
    const end = Date.parse(t.endsAt);
    const first = shortDate(localDateOf(start, timeZone));
    const last = shortDate(localDateOf(end - 1, timeZone));
    if (wallTime(start, timeZone) === '00:00' && wallTime(end, timeZone) === '00:00') return first === last ? first : `${first} – ${last}`;
    return `${first} ${clock(start, timeZone)} – ${last} ${clock(end, timeZone)}`;
  };

  return (
    <form className="hours-form" onSubmit={submit} data-testid="hours-leave-form" aria-label="Leave">
      <p className="muted small">Whole days away, first and last day included.</p>
      <label>
        First day
        <input type="date" data-testid="hours-leave-from" value={from} onChange={(e) => { setFrom(e.target.value); if (e.target.value > to) setTo(e.target.value); }} />
      </label>
      <label>
        Last day
        <input type="date" data-testid="hours-leave-to" value={to} min={from} onChange={(e) => setTo(e.target.value)} aria-invalid={slip || refusal?.field === 'to' ? true : undefined} />
      </label>
      {(slip || refusal?.field === 'to') && <span className="field-error" role="alert" data-testid="hours-leave-to-error">{slip ?? refusal?.sentence}</span>}
      <label>
        Reason
        <input data-testid="hours-leave-reason" value={reason} maxLength={500} placeholder="e.g. annual leave" onChange={(e) => setReason(e.target.value)} />
      </label>
      <div className="actions">
        <button type="submit" className="primary" data-testid="hours-leave-save" disabled={mutation.isPending || !from || !to}>
          {mutation.isPending ? 'Adding…' : 'Add leave'}
        </button>
      </div>
      {done && !mutation.isPending && <p className="notice" role="status" data-testid="hours-leave-saved">{done}</p>}
      {refusal?.field !== 'to' && <ErrorLine message={refusal?.sentence} testId="hours-leave-error" />}
      <h3 className="hours-subhead">Time off this week</h3>
      {timeOff.length === 0 && <p className="muted small">None.</p>}
      <ul className="hours-timeoff" data-testid="hours-timeoff-list">
        {timeOff.map((t) => (
          <li key={t.id} data-testid="hours-timeoff-item">
            <span>
              <strong>{KIND_WORDS[t.kind]}</strong> {t.reason && `(${t.reason})`}
              <br />
              <span className="muted small">{when(t)}</span>
            </span>
            {t.resourceId && (
              <button type="button" className="link" aria-label={`Remove ${KIND_WORDS[t.kind].toLowerCase()} ${t.reason}`} disabled={commands.removeLeave.isPending} onClick={() => commands.removeLeave.mutate({ timeOffId: t.id })}>
                Remove
              </button>
            )}
          </li>
        ))}
      </ul>
      <ErrorLine message={removal?.sentence} testId="hours-timeoff-remove-error" />
    </form>
  );
}
