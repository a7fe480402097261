import { minuteLabel, type MinuteInterval, type TimeFormat } from '@frontdesk/shared';
import { formatClock } from '../../../lib/time.js';

// Pure helpers of the working-hours editor: HH:MM text, the slips in a day's
// rows named in plain words, and what a drag makes of a day's intervals.

export const STEP = 15;
export const DAY = 1440;
export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

export { minuteLabel };

/** One interval row of a form, as typed. */
export interface IntervalRow {
  start: string;
  end: string;
}

/** Minutes after midnight from "9:30" / "09:30" / "24:00"; null when it is not a time of day. */
export function parseTime(text: string): number | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!match) return null;
  const h = Number(match[1]);
  const m = Number(match[2]);
  if (m > 59 || h > 24 || (h === 24 && m > 0)) return null;
  return h * 60 + m;
}

export const toRows = (intervals: readonly MinuteInterval[]): IntervalRow[] =>
  intervals.map((i) => ({ start: minuteLabel(i.startMinute), end: minuteLabel(i.endMinute) }));

/** Each row's slip in plain words (null when it is fine), and the intervals when every row is fine. */
export function checkRows(rows: readonly IntervalRow[]): { problems: (string | null)[]; intervals: MinuteInterval[] | null } {
  const parsed = rows.map((r) => ({ start: parseTime(r.start), end: parseTime(r.end) }));
  const problems = parsed.map((p): string | null => {
    if (p.start === null || p.end === null) return 'Write times as HH:MM, e.g. 09:00.';
    if (p.start >= DAY) return 'A day’s hours start before 24:00.';
    if (p.end <= p.start) return `It ends before it starts: ${minuteLabel(p.end)} is not after ${minuteLabel(p.start)}.`;
    return null;
  });
  const readable = problems.map((p) => p === null);
  parsed.forEach((p, i) => {
    if (!readable[i]) return;
    const other = parsed.findIndex((q, j) => j !== i && readable[j] && q.start! < p.end! && p.start! < q.end!);
    if (other >= 0) problems[i] = `It overlaps ${minuteLabel(parsed[other]!.start!)}–${minuteLabel(parsed[other]!.end!)}.`;
  });
  if (problems.some(Boolean)) return { problems, intervals: null };
  return { problems, intervals: sortIntervals(parsed.map((p) => ({ startMinute: p.start!, endMinute: p.end! }))) };
}

export function sortIntervals(intervals: readonly MinuteInterval[]): MinuteInterval[] {
  return [...intervals].sort((a, b) => a.startMinute - b.startMinute || a.endMinute - b.endMinute);
}

/** Rounds to the nearest step, inside the day. */
export function snap(minute: number, step = STEP): number {
  return Math.min(DAY, Math.max(0, Math.round(minute / step) * step));
}

/** The day's intervals with `added` in: anything it overlaps or touches becomes one interval. */
export function addInterval(intervals: readonly MinuteInterval[], added: MinuteInterval): MinuteInterval[] {
  const out: MinuteInterval[] = [];
  let merged = { ...added };
  for (const i of sortIntervals(intervals)) {
    if (i.endMinute < merged.startMinute || i.startMinute > merged.endMinute) out.push(i);
    else merged = { startMinute: Math.min(i.startMinute, merged.startMinute), endMinute: Math.max(i.endMinute, merged.endMinute) };
  }
  return sortIntervals([...out, merged]);
}

/**
 * The day's intervals with one edge of interval `index` moved to `minute`,
 * stopped at its neighbours and at one step long at least.
 */
export function moveEdge(intervals: readonly MinuteInterval[], index: number, edge: 'start' | 'end', minute: number, step = STEP): MinuteInterval[] {
  const sorted = sortIntervals(intervals);
  const it = sorted[index];
  if (!it) return sorted;
  const before = sorted[index - 1];
  const after = sorted[index + 1];
  const next =
    edge === 'start'
      ? { ...it, startMinute: Math.min(Math.max(minute, before?.endMinute ?? 0), it.endMinute - step) }
      : { ...it, endMinute: Math.max(Math.min(minute, after?.startMinute ?? DAY), it.startMinute + step) };
  return sorted.map((x, i) => (i === index ? next : x));
}

export function removeInterval(intervals: readonly MinuteInterval[], index: number): MinuteInterval[] {
  return sortIntervals(intervals).filter((_, i) => i !== index);
}

/** The weekly pattern with one weekday's intervals replaced. */
export function patternWith<T extends MinuteInterval & { weekday: number }>(pattern: readonly T[], weekday: number, intervals: readonly MinuteInterval[]) {
  return [
    ...pattern.filter((h) => h.weekday !== weekday).map((h) => ({ weekday: h.weekday, startMinute: h.startMinute, endMinute: h.endMinute })),
    ...intervals.map((i) => ({ weekday, startMinute: i.startMinute, endMinute: i.endMinute })),
  ].sort((a, b) => a.weekday - b.weekday || a.startMinute - b.startMinute);
}

/** A minute of the day for people, in the clinic's clock; the day's end reads 24:00 (or 12:00 AM). */
export function clockOf(minute: number, format: TimeFormat = '24h'): string {
  if (minute >= 1440) return format === '24h' ? '24:00' : formatClock(0, 0, format);
  return formatClock(Math.floor(minute / 60), minute % 60, format);
}

/** "09:00–12:00, 14:00–18:00" (in the clinic's clock), or "off". */
export function hoursText(intervals: readonly MinuteInterval[], format: TimeFormat = '24h'): string {
  return intervals.length ? sortIntervals(intervals).map((i) => `${clockOf(i.startMinute, format)}–${clockOf(i.endMinute, format)}`).join(', ') : 'off';
}

/** "Mon, Nov 30" for a local date (YYYY-MM-DD), in the desk's language. */
export function shortDate(date: string): string {
  return new Date(`${date}T12:00:00Z`).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
}
