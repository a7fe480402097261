import type { WeeklyHours } from '@frontdesk/shared';
import { IntervalRows } from '../hours/IntervalRows.js';
import { checkRows, toRows, WEEKDAYS, type IntervalRow } from '../hours/intervals.js';

/** Typed opening hours: a list of rows per weekday (Monday first). */
export type OpeningDays = IntervalRow[][];

export const daysOf = (hours: readonly WeeklyHours[]): OpeningDays => WEEKDAYS.map((_, i) => toRows(hours.filter((h) => h.weekday === i + 1)));

/** Each weekday's slips, and the weekly hours when every row is fine. */
export function checkDays(days: OpeningDays): { problems: (string | null)[][]; hours: WeeklyHours[] | null } {
  const checked = days.map(checkRows);
  const problems = checked.map((c) => c.problems);
  if (checked.some((c) => !c.intervals)) return { problems, hours: null };
  return { problems, hours: checked.flatMap((c, i) => c.intervals!.map((iv) => ({ weekday: i + 1, ...iv }))) };
}

/** The week's opening hours, several intervals a day; a day without any is closed. */
export function OpeningHoursFields({
  testId,
  days,
  problems,
  onChange,
}: {
  testId: string;
  days: OpeningDays;
  problems: (string | null)[][];
  onChange: (days: OpeningDays) => void;
}) {
  return (
    <div className="branch-hours" data-testid={testId}>
      {WEEKDAYS.map((name, i) => (
        <fieldset key={name} className="hours-day">
          <legend>{name}</legend>
          <IntervalRows
            name={name}
            testId={`${testId}-${i + 1}`}
            rows={days[i] ?? []}
            problems={problems[i] ?? []}
            emptyLabel="Closed"
            onChange={(rows) => onChange(days.map((r, j) => (j === i ? rows : r)))}
          />
        </fieldset>
      ))}
    </div>
  );
}
