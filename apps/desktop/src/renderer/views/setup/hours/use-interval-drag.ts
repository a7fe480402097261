import { useState, type PointerEvent } from 'react';
import type { HoursDayView, MinuteInterval } from '@frontdesk/shared';
import { addInterval, moveEdge, snap, sortIntervals, STEP } from './intervals.js';

/** A drag on one day's column: drawing a new interval, or moving an edge of one. */
type Drag =
  | { date: string; kind: 'create'; anchor: number; current: number }
  | { date: string; kind: 'start' | 'end'; index: number; current: number };

function resultOf(drag: Drag, intervals: readonly MinuteInterval[]): MinuteInterval[] {
  if (drag.kind !== 'create') return moveEdge(intervals, drag.index, drag.kind, drag.current);
  const start = Math.min(drag.anchor, drag.current);
  const end = Math.max(drag.anchor, drag.current);
  // A click, or a drag shorter than a step, draws nothing.
  if (end - start < STEP) return sortIntervals(intervals);
  return addInterval(intervals, { startMinute: start, endMinute: end });
}

const same = (a: readonly MinuteInterval[], b: readonly MinuteInterval[]) =>
  a.length === b.length && a.every((x, i) => x.startMinute === b[i]!.startMinute && x.endMinute === b[i]!.endMinute);

/**
 * Pointer drags on the week's day columns, in quarter hours: press on a
 * column and drag to add an interval, drag a block's top or bottom edge to
 * move it. The column captures the pointer, so a drag may leave it. What the
 * drag would make is shown while it lasts; `onCommit` gets it on release.
 */
export function useIntervalDrag({ frameStart, rowPx, onCommit }: { frameStart: number; rowPx: number; onCommit: (date: string, intervals: MinuteInterval[]) => void }) {
  const [drag, setDrag] = useState<Drag | null>(null);
  const minuteAt = (column: Element, clientY: number) => snap(frameStart + ((clientY - column.getBoundingClientRect().top) / rowPx) * STEP);

  /** The day's intervals as the drag in progress would leave them. */
  const preview = (day: HoursDayView): MinuteInterval[] => (drag && drag.date === day.date ? resultOf(drag, day.intervals) : day.intervals);

  const column = (day: HoursDayView, enabled: boolean) => ({
    onPointerDown: (e: PointerEvent<HTMLElement>) => {
      if (!enabled || e.button !== 0) return;
      e.preventDefault();
      e.currentTarget.setPointerCapture(e.pointerId);
      const minute = minuteAt(e.currentTarget, e.clientY);
      setDrag({ date: day.date, kind: 'create', anchor: minute, current: minute });
    },
    onPointerMove: (e: PointerEvent<HTMLElement>) => {
      if (!drag || drag.date !== day.date) return;
      const current = minuteAt(e.currentTarget, e.clientY);
      if (current !== drag.current) setDrag({ ...drag, current });
    },
    onPointerUp: (e: PointerEvent<HTMLElement>) => {
      if (!drag || drag.date !== day.date) return;
      const result = resultOf({ ...drag, current: minuteAt(e.currentTarget, e.clientY) }, day.intervals);
      setDrag(null);
      if (!same(result, sortIntervals(day.intervals))) onCommit(day.date, result);
    },
    onPointerCancel: () => setDrag(null),
  });

  const edge = (day: HoursDayView, index: number, which: 'start' | 'end', enabled: boolean) => ({
    onPointerDown: (e: PointerEvent<HTMLElement>) => {
      if (!enabled || e.button !== 0) return;
      e.preventDefault();
      e.stopPropagation();
      const col = e.currentTarget.closest('[data-hours-col]');
      if (!col) return;
      col.setPointerCapture(e.pointerId);
      const interval = sortIntervals(day.intervals)[index]!;
      setDrag({ date: day.date, kind: which, index, current: which === 'start' ? interval.startMinute : interval.endMinute });
    },
  });

  return { dragging: drag?.date ?? null, preview, column, edge };
}
