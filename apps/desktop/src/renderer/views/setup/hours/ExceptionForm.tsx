import { useState, type FormEvent } from 'react';
import type { HoursDayView } from '@frontdesk/shared';
import { ErrorLine } from '../../../components/ErrorLine.js';
import { prettyDate, useTimeFormat } from '../../../lib/time.js';
import { IntervalRows } from './IntervalRows.js';
import { checkRows, hoursText, shortDate, toRows, type IntervalRow } from './intervals.js';
import { refusalOf, type HoursCommands } from './use-hours-commands.js';

/**
 * Hours for one date only: different hours, or an extra working day. They
 * replace the weekly pattern that day; "Back to the weekly pattern" removes them.
 */
export function ExceptionForm({
  resourceId,
  branchId,
  date,
  day,
  commands,
  onDate,
}: {
  resourceId: string;
  branchId: string;
  date: string;
  /** The day as the week view has it, when the date is in the week shown. */
  day: HoursDayView | undefined;
  commands: HoursCommands;
  onDate: (date: string) => void;
}) {
  const [rows, setRows] = useState<IntervalRow[]>(() => toRows(day?.intervals ?? []));
  const [problems, setProblems] = useState<(string | null)[]>([]);
  const format = useTimeFormat();
  const mutation = commands.setException;
  const refusal = refusalOf(mutation.error);

  const send = (intervals: { startMinute: number; endMinute: number }[]) => mutation.mutate({ resourceId, branchId, date, intervals });
  const sent = mutation.isSuccess && mutation.variables.date === date ? mutation.variables : null;
  const done = sent && (sent.intervals?.length ? `Hours for ${prettyDate(date)} saved.` : `${prettyDate(date)} follows the weekly pattern again.`);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const checked = checkRows(rows);
    setProblems(checked.problems);
    if (!checked.intervals) return;
    send(checked.intervals);
  };

  return (
    <form className="hours-form" onSubmit={submit} data-testid="hours-exception-form" aria-label="Hours for one date">
      <p className="muted small">Different hours on one date, or an extra working day. To take the day off, add leave.</p>
      <label>
        Date
        <input type="date" data-testid="hours-exception-date" value={date} onChange={(e) => e.target.value && onDate(e.target.value)} aria-invalid={refusal?.field === 'date' ? true : undefined} />
      </label>
      {refusal?.field === 'date' && <span className="field-error" role="alert" data-testid="hours-exception-date-error">{refusal.sentence}</span>}
      {day && (
        <p className="small" data-testid="hours-exception-current">
          {day.source === 'exception' ? 'This date has its own hours: ' : 'Weekly hours that day: '}
          <strong>{hoursText(day.intervals, format)}</strong>
        </p>
      )}
      <IntervalRows name={shortDate(date)} testId="hours-exception" rows={rows} problems={problems} onChange={(r) => { setRows(r); setProblems([]); }} />
      <div className="actions">
        <button type="submit" className="primary" data-testid="hours-exception-save" disabled={mutation.isPending}>
          {mutation.isPending ? 'Saving…' : 'Save for this date only'}
        </button>
        <button
          type="button"
          data-testid="hours-exception-remove"
          disabled={mutation.isPending || day?.source === 'pattern'}
          onClick={() => { setRows([]); send([]); }}
        >
          Back to the weekly pattern
        </button>
      </div>
      {done && <p className="notice" role="status" data-testid="hours-exception-saved">{done}</p>}
      {refusal?.field !== 'date' && <ErrorLine message={refusal?.sentence} testId="hours-exception-error" />}
    </form>
  );
}
