import { localDayBounds, localMinuteToInstant, wallTime } from '@frontdesk/shared';

// Local-day helpers for the desk. Dates are branch-local YYYY-MM-DD strings.

export const STEP_MIN = 15;

export function todayIn(timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  return parts; // en-CA formats as YYYY-MM-DD
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function prettyDate(date: string): string {
  return new Date(`${date}T12:00:00Z`).toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/** Minute of the local day for an instant (may exceed 1440 on long days; fine for drawing). */
export function minuteOfDay(instant: string | number, date: string, timeZone: string): number {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant;
  return (ms - localDayBounds(date, timeZone).start) / 60_000;
}

export function instantAt(date: string, minute: number, timeZone: string): string {
  return new Date(localMinuteToInstant(date, minute, timeZone)).toISOString();
}

export function hhmm(minute: number): string {
  const m = ((minute % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

export function timeRange(startsAt: string, endsAt: string, timeZone: string): string {
  return `${wallTime(startsAt, timeZone)}–${wallTime(endsAt, timeZone)}`;
}

export function secondsLeft(until: string | null, now: number): number {
  if (!until) return 0;
  return Math.max(0, Math.round((Date.parse(until) - now) / 1000));
}

export function mmss(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

export function money(cents: number): string {
  return (cents / 100).toLocaleString(undefined, { style: 'currency', currency: 'USD' });
}

export { wallTime };
