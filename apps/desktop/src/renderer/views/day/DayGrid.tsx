import { useMemo, useState } from 'react';
import type { AppointmentView, DayResource, DayView } from '@frontdesk/shared';
import { clockAt, hhmm, minuteOfDay, STEP_MIN, todayIn } from '../../lib/time.js';
import { AppointmentBlock, AppointmentPeek } from './AppointmentBlock.js';
import { assignLanes, ZOOM_COLS, ZOOM_ROWS } from './grid-layout.js';
import type { Moving } from './use-keyboard-move.js';

/** The hours the grid shows: whole hours around the people's working time and every appointment, at least 08–18. */
function frameOf(day: DayView, appointments: AppointmentView[], date: string): { start: number; end: number } {
  const tz = day.timeZone;
  const mins: number[] = [];
  // Rooms and chairs often have no hours of their own (open all day): the people set the frame.
  const people = day.resources.filter((r) => r.kind === 'PRACTITIONER');
  for (const r of people.length ? people : day.resources) for (const w of r.working) mins.push(minuteOfDay(w.startsAt, date, tz), minuteOfDay(w.endsAt, date, tz));
  for (const a of appointments) mins.push(minuteOfDay(a.startsAt, date, tz), minuteOfDay(a.endsAt, date, tz));
  const lo = mins.length ? Math.min(...mins, 8 * 60) : 8 * 60;
  const hi = mins.length ? Math.max(...mins, 18 * 60) : 18 * 60;
  return { start: Math.max(0, Math.floor(lo / 60) * 60), end: Math.min(24 * 60, Math.ceil(hi / 60) * 60) };
}

/** Whether a resource works the 15 minutes from `minute` with no time off. */
function isFree(day: DayView, date: string, resourceId: string, minute: number): boolean {
  const tz = day.timeZone;
  const r = day.resources.find((x) => x.id === resourceId);
  if (!r) return false;
  const working = r.working.some((w) => minuteOfDay(w.startsAt, date, tz) <= minute && minute + STEP_MIN <= minuteOfDay(w.endsAt, date, tz));
  const off = day.timeOff.some(
    (t) => (t.resourceId === null || t.resourceId === resourceId) && minuteOfDay(t.startsAt, date, tz) < minute + STEP_MIN && minute < minuteOfDay(t.endsAt, date, tz),
  );
  return working && !off;
}

/** The day as columns of 15-minute slots: click a free one to hold it, drag an appointment to move it. */
export function DayGrid({
  day,
  columns,
  zoom,
  colourOf,
  onWeek,
  date,
  appointments,
  now,
  readOnly,
  selectedId,
  heldByMe,
  moving,
  onSlot,
  onSelect,
  onDrop,
}: {
  day: DayView;
  /** The resources shown, in order (the desk's filter). */
  columns: DayResource[];
  /** Index into ZOOM_ROWS. */
  zoom: number;
  colourOf: (a: AppointmentView) => string;
  /** The resource's week, from its column head. */
  onWeek: (resourceId: string) => void;
  date: string;
  appointments: AppointmentView[];
  now: number;
  readOnly: boolean;
  selectedId: string | null;
  heldByMe: string | null;
  moving: Moving | null;
  onSlot: (resourceId: string, minute: number) => void;
  onSelect: (a: AppointmentView) => void;
  onDrop: (appointmentId: string, fromResource: string, toResource: string, minute: number) => void;
}) {
  const tz = day.timeZone;
  const ROW_PX = ZOOM_ROWS[zoom] ?? ZOOM_ROWS[0];
  const [peek, setPeek] = useState<{ appointment: AppointmentView; anchor: HTMLElement } | null>(null);
  const onPeek = (appointment: AppointmentView | null, anchor?: HTMLElement) => setPeek(appointment && anchor ? { appointment, anchor } : null);
  const resourceName = (id: string) => day.resources.find((r) => r.id === id)?.name ?? 'another resource';
  const { start, end } = useMemo(() => frameOf(day, appointments, date), [day, appointments, date]);
  const rows = (end - start) / STEP_MIN;
  const minutes = Array.from({ length: rows }, (_, i) => start + i * STEP_MIN);
  const y = (minute: number) => ((minute - start) / STEP_MIN) * ROW_PX;
  const nowMin = minuteOfDay(now, date, tz);
  const showNow = date === todayIn(tz) && nowMin >= start && nowMin <= end;
  /** A column's blocks, each in its lane so none hides another's label. */
  const placeColumn = (resourceId: string) => {
    const blocks = appointments.flatMap((a) => {
      const part = a.resources.find((p) => p.resourceId === resourceId);
      if (!part) return [];
      const shift = moving?.id === a.id ? moving.delta : 0;
      const top = y(minuteOfDay(part.startsAt, date, tz) + shift);
      return [{ key: a.id, a, top, shift, height: Math.max(ROW_PX - 2, y(minuteOfDay(part.endsAt, date, tz) + shift) - top - 2) }];
    });
    const lanes = assignLanes(blocks);
    return blocks.map((b) => ({ ...b, lane: lanes.get(b.key) ?? { lane: 0, lanes: 1 } }));
  };

  return (
    <div
      className="grid"
      data-testid="day-grid"
      data-zoom={zoom}
      style={{ gridTemplateColumns: `56px repeat(${columns.length}, minmax(${ZOOM_COLS[zoom] ?? ZOOM_COLS[0]}px, 1fr))` }}
      onScroll={() => setPeek((p) => p && { ...p })}
    >
      <div className="corner" data-testid="grid-corner" />
      {columns.map((r) => (
        <div key={r.id} className="colhead" data-testid={`colhead-${r.id}`}>
          <strong>
            {r.colour && <span className="dot coldot" style={{ background: r.colour }} aria-hidden="true" />}
            {r.name}
          </strong>
          <span className="colhead-row">
            <span className="muted small">{r.kind.toLowerCase()}</span>
            <button className="link small week-link" data-testid={`week-${r.id}`} title={`${r.name}'s week (W)`} onClick={() => onWeek(r.id)}>
              Week
            </button>
          </span>
        </div>
      ))}
      <div className="times" data-testid="grid-times" style={{ height: rows * ROW_PX }}>
        {minutes
          .filter((m) => m % 60 === 0)
          .map((m) => (
            <div key={m} className="timelabel" style={{ top: y(m) }}>
              {clockAt(m, undefined, true)}
            </div>
          ))}
      </div>
      {columns.map((r) => (
        <div key={r.id} className="col" data-testid={`col-${r.id}`} style={{ height: rows * ROW_PX }} data-moving={moving ? 'true' : undefined}>
          {minutes.map((minute) => (
            <div
              key={minute}
              className={`slot ${isFree(day, date, r.id, minute) ? 'work' : 'closed'} ${minute % 60 === 0 ? 'hour' : ''}`}
              data-testid={`slot-${r.id}-${hhmm(minute)}`}
              style={{ height: ROW_PX }}
              title={`${r.name} ${clockAt(minute)}`}
              onClick={() => !readOnly && onSlot(r.id, minute)}
              onDragOver={(e) => !readOnly && e.preventDefault()}
              onDrop={(e) => {
                e.preventDefault();
                const [id, from] = e.dataTransfer.getData('text/plain').split('|');
                if (id && from && !readOnly) onDrop(id, from, r.id, minute);
              }}
            />
          ))}
          {day.timeOff
            .filter((t) => t.resourceId === null || t.resourceId === r.id)
            .map((t) => {
              const top = Math.max(0, y(minuteOfDay(t.startsAt, date, tz)));
              return (
                <div key={t.id} className="timeoff" data-testid={`timeoff-${t.id}`} style={{ top, height: Math.max(ROW_PX, y(Math.min(end, minuteOfDay(t.endsAt, date, tz))) - top) }}>
                  {t.reason || t.kind.toLowerCase()}
                </div>
              );
            })}
          {showNow && <div className="nowline" style={{ top: y(nowMin) }} />}
          {placeColumn(r.id).map(({ a, top, height, shift, lane }) => (
            <AppointmentBlock
              key={`${a.id}-${r.id}`}
              appointment={a}
              resourceId={r.id}
              primary={a.resources[0]?.resourceId === r.id}
              top={top}
              height={height}
              lane={lane}
              colour={colourOf(a)}
              onPeek={onPeek}
              shift={shift}
              timeZone={tz}
              now={now}
              selected={selectedId === a.id}
              mine={heldByMe === a.id}
              readOnly={readOnly}
              onSelect={onSelect}
            />
          ))}
        </div>
      ))}
      {peek && <AppointmentPeek appointment={peek.appointment} anchor={peek.anchor} timeZone={tz} resourceName={resourceName} />}
    </div>
  );
}
