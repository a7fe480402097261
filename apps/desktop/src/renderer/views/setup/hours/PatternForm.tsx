import { useState, type FormEvent } from 'react';
import type { WeeklyHours } from '@frontdesk/shared';
import { ErrorLine } from '../../../components/ErrorLine.js';
import { IntervalRows } from './IntervalRows.js';
import { checkRows, toRows, WEEKDAYS, type IntervalRow } from './intervals.js';
import { refusalOf, type HoursCommands } from './use-hours-commands.js';

const rowsOf = (pattern: readonly WeeklyHours[]) => WEEKDAYS.map((_, i) => toRows(pattern.filter((h) => h.weekday === i + 1)));

/**
 * The weekly pattern, typed: per weekday any number of intervals (a split
 * shift is two). Slips are named beside their row before anything is sent.
 */
export function PatternForm({
  resourceId,
  branchId,
  pattern,
  commands,
}: {
  resourceId: string;
  branchId: string;
  pattern: WeeklyHours[];
  commands: HoursCommands;
}) {
  const [days, setDays] = useState<IntervalRow[][]>(() => rowsOf(pattern));
  const [problems, setProblems] = useState<(string | null)[][]>(() => WEEKDAYS.map(() => []));
  const mutation = commands.setPattern;
  const refusal = refusalOf(mutation.error);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const checked = days.map(checkRows);
    setProblems(checked.map((c) => c.problems));
    if (checked.some((c) => !c.intervals)) return;
    const hours = checked.flatMap((c, i) => c.intervals!.map((iv) => ({ weekday: i + 1, ...iv })));
    mutation.mutate({ resourceId, branchId, hours });
  };

  return (
    <form className="hours-form" onSubmit={submit} data-testid="hours-pattern-form" aria-label="Weekly hours">
      <p className="muted small">The hours that repeat every week. Add a second interval for a split shift.</p>
      {WEEKDAYS.map((name, i) => (
        <fieldset key={name} className="hours-day" data-testid={`hours-pattern-day-${i + 1}`}>
          <legend>{name}</legend>
          <IntervalRows
            name={name}
            testId={`hours-pattern-${i + 1}`}
            rows={days[i]!}
            problems={problems[i] ?? []}
            onChange={(rows) => {
              setDays((all) => all.map((r, j) => (j === i ? rows : r)));
              setProblems((all) => all.map((p, j) => (j === i ? [] : p)));
            }}
          />
        </fieldset>
      ))}
      <div className="actions">
        <button type="submit" className="primary" data-testid="hours-pattern-save" disabled={mutation.isPending}>
          {mutation.isPending ? 'Saving…' : 'Save weekly hours'}
        </button>
        <button type="button" data-testid="hours-pattern-reset" onClick={() => { setDays(rowsOf(pattern)); setProblems(WEEKDAYS.map(() => [])); mutation.reset(); }}>
          Undo changes
        </button>
      </div>
      {mutation.isSuccess && <p className="notice" role="status" data-testid="hours-pattern-saved">Weekly hours saved.</p>}
      <ErrorLine message={refusal?.sentence} testId="hours-pattern-error" />
    </form>
  );
}
