import { useState } from 'react';
import type { AppointmentView, DayView } from '@frontdesk/shared';
import { useShortcuts, type Shortcut } from '../../lib/shortcuts.js';
import { STEP_MIN } from '../../lib/time.js';
import type { MoveRequest } from './use-day-commands.js';

/** A move being previewed from the keyboard: minutes later (or earlier) and the column. */
export interface Moving {
  id: string;
  delta: number;
  resourceId: string;
}

const SIDES = [
  ['ArrowLeft', -1, 'left'],
  ['ArrowRight', 1, 'right'],
] as const;

/**
 * The day grid's keys: ↑/↓ (and Shift+←/→ for another column) preview a move
 * of the selected appointment, Enter commits it, Escape cancels it or else
 * does `onEscape`.
 */
export function useKeyboardMove({
  day,
  selected,
  online,
  commitMove,
  onEscape,
}: {
  day: DayView | undefined;
  selected: AppointmentView | undefined;
  online: boolean;
  commitMove: (move: MoveRequest, onSettled: () => void) => void;
  /** Escape with no move under way; undefined when Escape has nothing to do here. */
  onEscape: (() => void) | undefined;
}) {
  const [moving, setMoving] = useState<Moving | null>(null);
  const cancel = () => setMoving(null);
  const movable = !!day && !!selected && online && selected.status !== 'HELD';
  const primary = selected?.resources[0]?.resourceId ?? '';
  const base = (appointment: AppointmentView): Moving => moving ?? { id: appointment.id, delta: 0, resourceId: primary };

  const shiftBy = (minutes: number) => selected && setMoving({ ...base(selected), delta: base(selected).delta + minutes });
  const shiftColumn = (step: number) => {
    if (!selected || !day) return;
    const from = base(selected);
    const columns = day.resources;
    const i = columns.findIndex((r) => r.id === from.resourceId);
    const next = columns[Math.min(columns.length - 1, Math.max(0, i + step))];
    if (next) setMoving({ ...from, resourceId: next.id });
  };
  const commit = () => {
    if (!selected || !moving) return;
    const startsAt = new Date(Date.parse(selected.startsAt) + moving.delta * 60_000).toISOString();
    commitMove({ appointment: selected, startsAt, fromResource: primary, toResource: moving.resourceId }, cancel);
  };

  const shortcuts: Shortcut[] = [
    { key: 'Escape', label: 'Cancel the move / close the panel', when: () => !!day && (!!moving || !!onEscape), run: () => (moving ? cancel() : onEscape?.()) },
    { key: 'ArrowUp', label: 'Move 15 min earlier', when: () => movable, run: () => shiftBy(-STEP_MIN) },
    { key: 'ArrowDown', label: 'Move 15 min later', when: () => movable, run: () => shiftBy(STEP_MIN) },
    ...SIDES.map(([key, step, side]): Shortcut => ({ key, shift: true, label: `Move to the column on the ${side}`, when: () => movable, run: () => shiftColumn(step) })),
    // While a move is previewed, ←/→ stay on this day instead of turning the page.
    ...SIDES.map(([key]): Shortcut => ({ key, label: 'Stay on this day', when: () => !!moving, run: () => undefined })),
    { key: 'Enter', label: 'Commit the move', when: () => movable && !!moving, run: commit },
  ];
  useShortcuts(shortcuts, 'screen');

  return { moving, cancel };
}
