import { parseTime, minuteLabel, type IntervalRow } from './intervals.js';

/** The row a new interval starts with: after the last one, else a working day. */
function nextRow(rows: readonly IntervalRow[]): IntervalRow {
  const lastEnd = rows.length ? parseTime(rows[rows.length - 1]!.end) : null;
  if (lastEnd === null || lastEnd >= 23 * 60) return { start: '09:00', end: '17:00' };
  const start = Math.min(lastEnd + 60, 23 * 60);
  return { start: minuteLabel(start), end: minuteLabel(Math.min(start + 4 * 60, 1440)) };
}

/**
 * A day's intervals as rows of two HH:MM fields, each with its slip beside
 * it; add and remove with the keyboard. `name` labels the fields ("Monday").
 */
export function IntervalRows({
  name,
  testId,
  rows,
  problems,
  emptyLabel = 'Not working',
  onChange,
}: {
  name: string;
  testId: string;
  rows: IntervalRow[];
  problems: (string | null)[];
  /** Shown when the day has no rows ("Closed" for a branch). */
  emptyLabel?: string;
  onChange: (rows: IntervalRow[]) => void;
}) {
  const set = (i: number, patch: Partial<IntervalRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <div className="hours-rows" data-testid={testId}>
      {rows.length === 0 && <span className="muted small">{emptyLabel}</span>}
      {rows.map((r, i) => (
        <div key={i} className="hours-row">
          <input
            aria-label={`${name} from (${i + 1})`}
            data-testid={`${testId}-start-${i}`}
            value={r.start}
            placeholder="09:00"
            inputMode="numeric"
            maxLength={5}
            size={5}
            aria-invalid={problems[i] ? true : undefined}
            onChange={(e) => set(i, { start: e.target.value })}
          />
          <span aria-hidden="true">–</span>
          <input
            aria-label={`${name} until (${i + 1})`}
            data-testid={`${testId}-end-${i}`}
            value={r.end}
            placeholder="17:00"
            inputMode="numeric"
            maxLength={5}
            size={5}
            aria-invalid={problems[i] ? true : undefined}
            onChange={(e) => set(i, { end: e.target.value })}
          />
          <button type="button" className="link" aria-label={`Remove ${name} ${r.start}–${r.end}`} data-testid={`${testId}-remove-${i}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
            Remove
          </button>
          {problems[i] && (
            <span className="field-error" role="alert" data-testid={`${testId}-problem-${i}`}>
              {problems[i]}
            </span>
          )}
        </div>
      ))}
      <button type="button" className="link" data-testid={`${testId}-add`} onClick={() => onChange([...rows, nextRow(rows)])}>
        + Add hours on {name}
      </button>
    </div>
  );
}
