import type { HoursDayView, HoursWeekView, MinuteInterval } from '@frontdesk/shared';
import { useTimeFormat } from '../../../lib/time.js';
import { clockOf, hoursText, shortDate, sortIntervals, WEEKDAYS } from './intervals.js';
import { useIntervalDrag } from './use-interval-drag.js';

const ROW_PX = 10; // one quarter hour
const QUARTER = 15;

/** The hours the grid shows: whole hours around everything in the week, at least 07:00–19:00. */
function frameOf(days: readonly HoursDayView[]): { start: number; end: number } {
  const mins = days.flatMap((d) => [
    ...d.intervals.flatMap((i) => [i.startMinute, i.endMinute]),
    ...d.booked.flatMap((i) => [i.startMinute, i.endMinute]),
  ]);
  const lo = Math.min(7 * 60, ...mins);
  const hi = Math.max(19 * 60, ...mins);
  return { start: Math.max(0, Math.floor(lo / 60) * 60 - 60), end: Math.min(1440, Math.ceil(hi / 60) * 60 + 60) };
}

export type DragTarget = 'pattern' | 'date';

/**
 * A resource's week at a glance: seven day columns of its hours (blocks),
 * dates with their own hours marked, time off shaded, appointments ticked.
 * Drag on a column to add hours, drag a block's edge to change them; what
 * a drag changes (the weekly pattern, or that date only) is `target`.
 */
export function WeekGrid({
  week,
  today,
  target,
  colour,
  selectedDate,
  pending,
  onSelectDate,
  onCommit,
}: {
  week: HoursWeekView;
  today: string;
  target: DragTarget;
  colour: string;
  selectedDate: string;
  /** A change sent and not yet read back: drawn as it will be. */
  pending: { date: string; intervals: MinuteInterval[] } | null;
  onSelectDate: (date: string) => void;
  onCommit: (day: HoursDayView, intervals: MinuteInterval[]) => void;
}) {
  const format = useTimeFormat();
  const timeOf = (minute: number) => clockOf(minute, format);
  const days = week.days.map((d) => (pending?.date === d.date ? { ...d, intervals: pending.intervals } : d));
  const { start, end } = frameOf(days);
  const height = ((end - start) / QUARTER) * ROW_PX;
  const y = (minute: number) => ((Math.min(Math.max(minute, start), end) - start) / QUARTER) * ROW_PX;
  const drag = useIntervalDrag({ frameStart: start, rowPx: ROW_PX, onCommit: (date, intervals) => onCommit(days.find((d) => d.date === date)!, intervals) });
  // A date with its own hours is changed as that date; the pattern would not show there.
  const editable = (d: HoursDayView) => (target === 'pattern' ? d.source === 'pattern' : d.date >= today);
  const lockedWhy = target === 'pattern' ? 'This date has its own hours: choose “this date only” to change them.' : 'This date has passed.';

  return (
    <div className="hours-week" data-testid="hours-week" style={{ gridTemplateColumns: `52px repeat(7, minmax(92px, 1fr))` }}>
      <div className="hours-corner" />
      {days.map((d) => (
        <div key={d.date} className={`hours-head ${d.date === selectedDate ? 'on' : ''}`} data-testid={`hours-day-${d.date}`} data-source={d.source}>
          <button type="button" className="link" aria-pressed={d.date === selectedDate} onClick={() => onSelectDate(d.date)} title={`Choose ${WEEKDAYS[d.weekday - 1]} for “this date only” and leave`}>
            <strong>{shortDate(d.date)}</strong>
          </button>
          <span className="small" data-testid={`hours-day-text-${d.date}`}>{hoursText(d.intervals, format)}</span>
          <span className="hours-tags">
            {d.source === 'exception' && <span className="hours-tag exception" data-testid={`hours-exception-mark-${d.date}`}>this date only</span>}
            {d.timeOff.some((t) => t.whole) && <span className="hours-tag off">{d.timeOff.find((t) => t.whole)!.kind === 'LEAVE' ? 'on leave' : 'closed'}</span>}
            {d.appointments > 0 && (
              <span className="hours-tag count" data-testid={`hours-count-${d.date}`}>
                {d.appointments} appt{d.appointments === 1 ? '' : 's'}
              </span>
            )}
          </span>
        </div>
      ))}
      <div className="hours-times" style={{ height }}>
        {Array.from({ length: (end - start) / 60 }, (_, i) => start + i * 60).map((m) => (
          <div key={m} className="timelabel" style={{ top: y(m) }}>
            {timeOf(m)}
          </div>
        ))}
      </div>
      {days.map((d) => {
        const may = editable(d);
        const shown = sortIntervals(drag.preview(d));
        return (
          <div
            key={d.date}
            data-hours-col
            data-testid={`hours-col-${d.date}`}
            className={`hours-col ${may ? 'editable' : 'locked'} ${d.date < today ? 'past' : ''} ${drag.dragging === d.date ? 'dragging' : ''}`}
            style={{ height, backgroundSize: `100% ${ROW_PX * 4}px` }}
            title={may ? 'Drag to add hours' : lockedWhy}
            {...drag.column(d, may)}
          >
            {d.timeOff.map((t) => (
              <div key={t.id} className={`hours-off ${t.kind.toLowerCase()}`} data-testid={`hours-off-${d.date}`} style={{ top: y(t.startMinute), height: Math.max(ROW_PX, y(t.endMinute) - y(t.startMinute)) }}>
                {t.reason || t.kind.toLowerCase()}
              </div>
            ))}
            {shown.map((iv, i) => (
              <div
                key={`${iv.startMinute}-${iv.endMinute}`}
                className={`hours-block ${d.source}`}
                data-testid={`hours-block-${d.date}-${i}`}
                style={{ top: y(iv.startMinute), height: Math.max(ROW_PX, y(iv.endMinute) - y(iv.startMinute)), borderLeftColor: colour }}
                aria-label={`${WEEKDAYS[d.weekday - 1]} ${timeOf(iv.startMinute)}–${timeOf(iv.endMinute)}`}
                onPointerDown={(e) => e.stopPropagation()}
              >
                {may && <div className="hours-edge top" data-testid={`hours-edge-${d.date}-${i}-start`} {...drag.edge(d, i, 'start', may)} />}
                <span className="hours-block-time">
                  {timeOf(iv.startMinute)}–{timeOf(iv.endMinute)}
                </span>
                {may && <div className="hours-edge bottom" data-testid={`hours-edge-${d.date}-${i}-end`} {...drag.edge(d, i, 'end', may)} />}
              </div>
            ))}
            {d.booked.map((b, i) => (
              <div key={i} className="hours-booked" style={{ top: y(b.startMinute), height: Math.max(3, y(b.endMinute) - y(b.startMinute)) }} title={`Booked ${timeOf(b.startMinute)}–${timeOf(b.endMinute)}`} />
            ))}
          </div>
        );
      })}
    </div>
  );
}
