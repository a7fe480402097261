import { localDateOf, localMinuteToInstant, MINUTE } from '@frontdesk/shared';

// When a message goes: quiet hours are local minutes in the branch's zone,
// possibly across midnight (21:00–08:00). Pure, unit-tested.

export interface QuietHours {
  startMin: number;
  endMin: number;
}

const HOUR = 60 * MINUTE;

function localMinute(instant: number, timeZone: string): number {
  const date = localDateOf(instant, timeZone);
  return Math.round((instant - localMinuteToInstant(date, 0, timeZone)) / MINUTE);
}

/** The quiet period an instant falls in, as [start, end) instants; null when outside quiet hours. */
export function quietPeriod(instant: number, quiet: QuietHours | null, timeZone: string): { start: number; end: number } | null {
  if (!quiet || quiet.startMin === quiet.endMin) return null;
  const date = localDateOf(instant, timeZone);
  const minute = localMinute(instant, timeZone);
  const wraps = quiet.startMin > quiet.endMin;
  const inside = wraps ? minute >= quiet.startMin || minute < quiet.endMin : minute >= quiet.startMin && minute < quiet.endMin;
  if (!inside) return null;
  const dayShift = (d: string, days: number) => new Date(Date.parse(`${d}T12:00:00Z`) + days * 24 * HOUR).toISOString().slice(0, 10);
  // Across midnight, the early-morning part belongs to the quiet period that began the evening before.
  const startDate = wraps && minute < quiet.endMin ? dayShift(date, -1) : date;
  const endDate = wraps ? dayShift(startDate, 1) : startDate;
  return { start: localMinuteToInstant(startDate, quiet.startMin, timeZone), end: localMinuteToInstant(endDate, quiet.endMin, timeZone) };
}

/** A message that goes now (a confirmation): after quiet hours when now is inside them. */
export function immediateSendAt(now: number, quiet: QuietHours | null, timeZone: string): number {
  return quietPeriod(now, quiet, timeZone)?.end ?? now;
}

/**
 * A reminder `hours` before the start: earlier, at the start of quiet hours, when that time is inside them
 * (a 2 h reminder of an 8:30 visit goes the evening before rather than not at all); null when its time has passed.
 */
export function reminderSendAt(startsAt: number, hours: number, now: number, quiet: QuietHours | null, timeZone: string): number | null {
  let at = startsAt - hours * HOUR;
  const period = quietPeriod(at, quiet, timeZone);
  if (period) at = period.start;
  return at > now ? at : null;
}
