import { DateTime, IANAZone } from 'luxon';

// Pure time maths. Instants are epoch milliseconds; intervals are half-open
// [start, end). Local dates and weekly hours are read in a branch's IANA zone.

export interface Interval {
  start: number;
  end: number;
}

export interface WeeklyHours {
  /** ISO weekday, 1 = Monday. */
  weekday: number;
  startMinute: number;
  endMinute: number;
}

export const MINUTE = 60_000;

export function isValidTimeZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

// Zone arithmetic is the slow part of slot finding, and the same few dates
// and wall times come up on every request: remember them (pure, so safe).
const MEMO_LIMIT = 50_000;
function memo<T>(cache: Map<string, T>, key: string, compute: () => T): T {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const value = compute();
  if (cache.size >= MEMO_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}
const dayCache = new Map<string, { start: number; end: number; weekday: number }>();
const minuteCache = new Map<string, number>();

function localDay(date: string, timeZone: string): { start: number; end: number; weekday: number } {
  return memo(dayCache, `${timeZone}|${date}`, () => {
    const start = DateTime.fromISO(date, { zone: timeZone }).startOf('day');
    if (!start.isValid) throw new RangeError(`invalid date ${date} in ${timeZone}`);
    return { start: start.toMillis(), end: start.plus({ days: 1 }).toMillis(), weekday: start.weekday };
  });
}

/** The instants bounding a local calendar day (23 or 25 hours long when clocks change). */
export function localDayBounds(date: string, timeZone: string): Interval {
  const { start, end } = localDay(date, timeZone);
  return { start, end };
}

/**
 * A zone's offset changes only at its transitions, and every transition of
 * the tz database since 1970 falls on a quarter hour of UTC: within one
 * quarter hour the offset is one number. Remembered per zone and quarter
 * hour, so local dates and minutes cost arithmetic, not a formatter each.
 */
const QUARTER_HOUR = 15 * MINUTE;
const offsetCache = new Map<string, number>();
function offsetMs(instant: number, timeZone: string): number {
  const quarter = Math.floor(instant / QUARTER_HOUR);
  return memo(offsetCache, `${timeZone}|${quarter}`, () => {
    const local = DateTime.fromMillis(quarter * QUARTER_HOUR, { zone: timeZone });
    // An unknown zone: no date, and no aligned minute, as luxon's own invalid DateTime gave.
    return local.isValid ? local.offset * MINUTE : Number.NaN;
  });
}

/** The local calendar date (YYYY-MM-DD) of an instant. */
export function localDateOf(instant: number, timeZone: string): string {
  const local = instant + offsetMs(instant, timeZone);
  return Number.isFinite(local) ? new Date(local).toISOString().slice(0, 10) : '';
}

/** The local dates touched by [start, end), in order. */
export function localDatesBetween(range: Interval, timeZone: string): string[] {
  const dates: string[] = [];
  let date = localDateOf(range.start, timeZone);
  while (localDay(date, timeZone).start < range.end) {
    dates.push(date);
    date = nextDate(date);
  }
  return dates;
}

/** The calendar date after `date` (YYYY-MM-DD), zone-free. */
function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/**
 * A local wall-clock minute of a date as an instant. In a spring-forward gap
 * the wall time does not exist and luxon moves it forward; in a fall-back
 * overlap the earlier instant is taken.
 */
export function localMinuteToInstant(date: string, minute: number, timeZone: string): number {
  if (minute >= 1440) return localDay(date, timeZone).end;
  return memo(minuteCache, `${timeZone}|${date}|${minute}`, () =>
    DateTime.fromISO(date, { zone: timeZone }).startOf('day').set({ hour: Math.floor(minute / 60), minute: minute % 60 }).toMillis(),
  );
}

/**
 * Date-specific hours by local date (YYYY-MM-DD): on a date listed here these
 * intervals replace the weekly pattern (an extra day, different hours).
 */
export type HoursExceptions = Readonly<Record<string, readonly { startMinute: number; endMinute: number }[]>>;

/** Working intervals on one local date: the date's exception when there is one, else the weekly hours of its weekday. */
export function workingIntervalsOn(date: string, hours: readonly WeeklyHours[], timeZone: string, exceptions?: HoursExceptions): Interval[] {
  const weekday = localDay(date, timeZone).weekday;
  const day = exceptions?.[date] ?? hours.filter((h) => h.weekday === weekday);
  return normalize(
    day.map((h) => ({
      start: localMinuteToInstant(date, h.startMinute, timeZone),
      end: localMinuteToInstant(date, h.endMinute, timeZone),
    })),
  );
}

/** Working intervals across [range.start, range.end), clipped to it (weekly hours, with date exceptions replacing them). */
export function workingIntervals(range: Interval, hours: readonly WeeklyHours[], timeZone: string, exceptions?: HoursExceptions): Interval[] {
  const all = localDatesBetween(range, timeZone).flatMap((d) => workingIntervalsOn(d, hours, timeZone, exceptions));
  return intersect(normalize(all), [range]);
}

/** Sorts and merges overlapping or touching intervals; drops empty ones. */
export function normalize(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ start: i.start, end: i.end });
  }
  return out;
}

/** `from` minus every interval in `remove`. Both may be unsorted. */
export function subtract(from: readonly Interval[], remove: readonly Interval[]): Interval[] {
  const cut = normalize(remove);
  const out: Interval[] = [];
  for (const base of normalize(from)) {
    let cursor = base.start;
    for (const r of cut) {
      if (r.end <= cursor) continue;
      if (r.start >= base.end) break;
      if (r.start > cursor) out.push({ start: cursor, end: r.start });
      cursor = Math.max(cursor, r.end);
      if (cursor >= base.end) break;
    }
    if (cursor < base.end) out.push({ start: cursor, end: base.end });
  }
  return out;
}

/** Intersection of two interval sets. */
export function intersect(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const x = normalize(a);
  const y = normalize(b);
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const p = x[i]!;
    const q = y[j]!;
    const start = Math.max(p.start, q.start);
    const end = Math.min(p.end, q.end);
    if (start < end) out.push({ start, end });
    if (p.end < q.end) i++;
    else j++;
  }
  return out;
}

export function overlaps(a: Interval, b: Interval): boolean {
  return a.start < b.end && b.start < a.end;
}

/** True when [inner] lies wholly inside one interval of `within`. */
export function covers(within: readonly Interval[], inner: Interval): boolean {
  return normalize(within).some((w) => w.start <= inner.start && inner.end <= w.end);
}

/**
 * Candidate start instants inside `free` for an appointment that occupies
 * [start - before, start + duration + after), aligned to `stepMinutes` of
 * local wall-clock time so slots read 09:00, 09:15, … in the branch's zone.
 */
export function candidateStarts(
  free: readonly Interval[],
  occupy: { durationMin: number; bufferBeforeMin: number; bufferAfterMin: number },
  stepMinutes: number,
  timeZone: string,
  notBefore: number,
): number[] {
  const out: number[] = [];
  const before = occupy.bufferBeforeMin * MINUTE;
  const after = (occupy.durationMin + occupy.bufferAfterMin) * MINUTE;
  for (const f of normalize(free)) {
    const earliest = Math.max(f.start + before, notBefore);
    let t = alignUp(earliest, stepMinutes, timeZone);
    while (t + after <= f.end) {
      if (t - before >= f.start) out.push(t);
      t += stepMinutes * MINUTE;
    }
  }
  return out;
}

/** Rounds an instant up to the next local multiple of `stepMinutes` past the hour. */
export function alignUp(instant: number, stepMinutes: number, timeZone: string): number {
  const local = instant + offsetMs(instant, timeZone);
  const minuteOfHour = (((local % 3_600_000) + 3_600_000) % 3_600_000) / MINUTE;
  const up = Math.ceil(minuteOfHour / stepMinutes) * stepMinutes;
  const deltaMin = up - minuteOfHour;
  return Math.round(instant + deltaMin * MINUTE);
}

export function iso(instant: number): string {
  return new Date(instant).toISOString();
}

/** Wall-clock time of an instant in a zone, e.g. "09:30". */
export function wallTime(instant: number | string, timeZone: string): string {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant;
  return DateTime.fromMillis(ms, { zone: timeZone }).toFormat('HH:mm');
}
