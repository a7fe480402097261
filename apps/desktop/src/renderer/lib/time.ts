import { useSyncExternalStore } from 'react';
import { localDayBounds, localMinuteToInstant, wallTime, type TimeFormat } from '@frontdesk/shared';

// Local-day helpers for the desk. Dates are branch-local YYYY-MM-DD strings.
// Every time a person reads goes through `formatClock`, in the clinic's clock
// (24-hour 14:30 or 12-hour 2:30 PM, its setting); `wallTime` and `hhmm` stay
// 24-hour HH:MM for what machines read (form inputs, test ids).

let clinicFormat: TimeFormat = '24h';
const formatListeners = new Set<() => void>();

/** Follows the clinic's setting (read at sign-in, changed live). */
export function setTimeFormat(format: TimeFormat): void {
  if (format === clinicFormat) return;
  clinicFormat = format;
  for (const l of formatListeners) l();
}

export function timeFormat(): TimeFormat {
  return clinicFormat;
}

/** The clinic's clock, re-rendering the caller when it changes. */
export function useTimeFormat(): TimeFormat {
  return useSyncExternalStore(
    (l) => {
      formatListeners.add(l);
      return () => formatListeners.delete(l);
    },
    () => clinicFormat,
  );
}

/**
 * The one way a time of day is written for people: 14:30, or 2:30 PM.
 * `compact` (a narrow label, the grid's hours): 2 PM on the hour in 12-hour.
 */
export function formatClock(hours: number, minutes: number, format: TimeFormat = clinicFormat, compact = false): string {
  const mm = String(minutes).padStart(2, '0');
  if (format === '24h') return `${String(hours).padStart(2, '0')}:${mm}`;
  const h = hours % 12 === 0 ? 12 : hours % 12;
  return `${h}${compact && minutes === 0 ? '' : `:${mm}`} ${hours < 12 ? 'AM' : 'PM'}`;
}

/** An instant as the branch's wall clock, for people. */
export function clock(instant: string | number, timeZone: string, format: TimeFormat = clinicFormat): string {
  const hm = wallTime(instant, timeZone);
  return formatClock(Number(hm.slice(0, 2)), Number(hm.slice(3, 5)), format);
}

/** A minute of the local day (the grid's labels), for people. */
export function clockAt(minute: number, format: TimeFormat = clinicFormat, compact = false): string {
  const m = ((minute % 1440) + 1440) % 1440;
  return formatClock(Math.floor(m / 60), m % 60, format, compact);
}

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

/** 24-hour HH:MM of a minute of the day, for inputs and ids (people read `clockAt`). */
export function hhmm(minute: number): string {
  const m = ((minute % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

export function timeRange(startsAt: string, endsAt: string, timeZone: string, format: TimeFormat = clinicFormat): string {
  return `${clock(startsAt, timeZone, format)}–${clock(endsAt, timeZone, format)}`;
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
