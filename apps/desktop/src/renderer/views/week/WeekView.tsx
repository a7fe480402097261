import { useMemo, useState } from 'react';
import { useQueries } from '@tanstack/react-query';
import { OCCUPYING_STATUSES, type AppointmentView, type DayResource, type DayView } from '@frontdesk/shared';
import { clockAt, minuteOfDay, STEP_MIN, todayIn } from '../../lib/time.js';
import { useTRPC } from '../../lib/trpc.js';
import { AppointmentBlock, AppointmentPeek } from '../day/AppointmentBlock.js';
import { assignLanes, ZOOM_ROWS } from '../day/grid-layout.js';
import { shortDay, weekOf } from './week-dates.js';

/**
 * One practitioner's or room's week at a branch: seven day columns read from
 * the same day views the grid uses (so they follow other desks live).
 */
export function WeekView({
  branchId,
  date,
  resourceId,
  resources,
  zoom,
  now,
  colourOf,
  onResource,
  onDay,
  onSelect,
}: {
  branchId: string;
  date: string;
  resourceId: string;
  /** The branch's resources (for the picker). */
  resources: DayResource[];
  zoom: number;
  now: number;
  colourOf: (a: AppointmentView) => string;
  onResource: (resourceId: string) => void;
  /** Open a date's day grid. */
  onDay: (date: string) => void;
  onSelect: (a: AppointmentView, date: string) => void;
}) {
  const trpc = useTRPC();
  const dates = useMemo(() => weekOf(date), [date]);
  const days = useQueries({ queries: dates.map((d) => trpc.availability.day.queryOptions({ branchId, date: d })) });
  const [peek, setPeek] = useState<{ appointment: AppointmentView; anchor: HTMLElement } | null>(null);
  const rowPx = ZOOM_ROWS[zoom] ?? ZOOM_ROWS[0];
  const loaded = days.map((q) => q.data).filter((d): d is DayView => !!d);
  const tz = loaded[0]?.timeZone ?? 'UTC';
  const resource = resources.find((r) => r.id === resourceId);
  const resourceName = (id: string) => resources.find((r) => r.id === id)?.name ?? 'another resource';

  const perDay = dates.map((d, i) => {
    const day = days[i]?.data;
    const mine = (day?.appointments ?? []).filter((a) => OCCUPYING_STATUSES.includes(a.status) && a.resources.some((p) => p.resourceId === resourceId));
    const working = day?.resources.find((r) => r.id === resourceId)?.working ?? [];
    return { date: d, day, mine, working };
  });
  // Whole hours around the week's working time and bookings, at least 08–18.
  const mins = perDay.flatMap(({ date: d, mine, working }) => [
    ...working.flatMap((w) => [minuteOfDay(w.startsAt, d, tz), minuteOfDay(w.endsAt, d, tz)]),
    ...mine.flatMap((a) => [minuteOfDay(a.startsAt, d, tz), minuteOfDay(a.endsAt, d, tz)]),
  ]);
  const start = Math.max(0, Math.floor(Math.min(8 * 60, ...mins) / 60) * 60);
  const end = Math.min(24 * 60, Math.ceil(Math.max(18 * 60, ...mins) / 60) * 60);
  const y = (minute: number) => ((minute - start) / STEP_MIN) * rowPx;
  const height = ((end - start) / STEP_MIN) * rowPx;
  const hours = Array.from({ length: (end - start) / 60 }, (_, i) => start + i * 60);
  const today = todayIn(tz);

  return (
    <div className="weekview" data-testid="week-view">
      <div className="weektools">
        <label>
          Week of{' '}
          <select data-testid="week-resource" value={resourceId} onChange={(e) => onResource(e.target.value)}>
            {resources.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name} ({r.kind.toLowerCase()})
              </option>
            ))}
          </select>
        </label>
        <span className="muted small">
          {shortDay(dates[0]!)} – {shortDay(dates[6]!)} · times in {tz} · {days.some((q) => q.isFetching) ? 'updating…' : 'live'}
        </span>
        {resource?.colour && <span className="dot" style={{ background: resource.colour }} aria-hidden="true" />}
      </div>
      <div className="grid weekgrid" data-testid="week-grid" style={{ gridTemplateColumns: `56px repeat(7, minmax(130px, 1fr))` }} onScroll={() => setPeek((p) => p && { ...p })}>
        <div className="corner" />
        {perDay.map(({ date: d, mine }) => (
          <div key={d} className={`colhead ${d === date ? 'on' : ''}`} data-testid={`week-head-${d}`}>
            <button className="link weekday" onClick={() => onDay(d)} title="Open this day's grid">
              <strong>{shortDay(d)}</strong>
            </button>
            <span className="muted small">
              {mine.length} {mine.length === 1 ? 'booking' : 'bookings'}
              {d === today ? ' · today' : ''}
            </span>
          </div>
        ))}
        <div className="times" style={{ height }}>
          {hours.map((m) => (
            <div key={m} className="timelabel" style={{ top: y(m) }}>
              {clockAt(m, undefined, true)}
            </div>
          ))}
        </div>
        {perDay.map(({ date: d, day, mine, working }) => {
          const blocks = mine.map((a) => {
            const part = a.resources.find((p) => p.resourceId === resourceId)!;
            const top = y(minuteOfDay(part.startsAt, d, tz));
            return { key: a.id, a, top, height: Math.max(rowPx - 2, y(minuteOfDay(part.endsAt, d, tz)) - top - 2) };
          });
          const lanes = assignLanes(blocks);
          return (
            <div key={d} className="col weekcol" data-testid={`week-col-${d}`} style={{ height }} onDoubleClick={() => onDay(d)}>
              {hours.map((m) => (
                <div key={m} className="weekhour" style={{ top: y(m), height: rowPx * 4 }} />
              ))}
              {working.map((w) => {
                const top = y(minuteOfDay(w.startsAt, d, tz));
                return <div key={w.startsAt} className="weekwork" style={{ top, height: y(minuteOfDay(w.endsAt, d, tz)) - top }} />;
              })}
              {!day && <div className="muted small weekloading">Loading…</div>}
              {blocks.map((b) => (
                <AppointmentBlock
                  key={b.key}
                  appointment={b.a}
                  resourceId={resourceId}
                  primary
                  top={b.top}
                  height={b.height}
                  lane={lanes.get(b.key) ?? { lane: 0, lanes: 1 }}
                  colour={colourOf(b.a)}
                  shift={0}
                  timeZone={tz}
                  now={now}
                  selected={false}
                  mine={false}
                  readOnly
                  onSelect={(a) => onSelect(a, d)}
                  onPeek={(a, anchor) => setPeek(a && anchor ? { appointment: a, anchor } : null)}
                />
              ))}
            </div>
          );
        })}
        {peek && <AppointmentPeek appointment={peek.appointment} anchor={peek.anchor} timeZone={tz} resourceName={resourceName} />}
      </div>
    </div>
  );
}
