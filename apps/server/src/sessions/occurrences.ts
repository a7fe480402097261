import { localDateOf, localMinuteToInstant } from '@frontdesk/shared';

/** When a template's sessions happen: its local weekdays and times, between two dates. */
export interface TemplateSchedule {
  /** ISO weekdays, 1 = Monday. */
  weekdays: readonly number[];
  startMinute: number;
  endMinute: number;
  /** YYYY-MM-DD, the first day sessions are made for. */
  validFrom: string;
  /** YYYY-MM-DD, the last day; null: no end. */
  validUntil: string | null;
}

export interface Occurrence {
  date: string;
  startsAt: Date;
  endsAt: Date;
}

/**
 * The sessions a template makes from the branch's today for `daysAhead` local
 * days, skipping those already over at `now`. Local times are read in the
 * branch's zone on each date, so 09:00 stays 09:00 across a clock change; a
 * wall time the spring-forward night skips moves on with the clock (02:30 is
 * 03:30), and a session left with no time at all is not made.
 */
export function occurrences(schedule: TemplateSchedule, timeZone: string, now: number, daysAhead: number): Occurrence[] {
  const out: Occurrence[] = [];
  const today = localDateOf(now, timeZone);
  for (let i = 0; i < daysAhead; i++) {
    const date = addDays(today, i);
    if (date < schedule.validFrom || (schedule.validUntil !== null && date > schedule.validUntil)) continue;
    if (!schedule.weekdays.includes(isoWeekday(date))) continue;
    const startsAt = localMinuteToInstant(date, schedule.startMinute, timeZone);
    const endsAt = localMinuteToInstant(date, schedule.endMinute, timeZone);
    if (endsAt <= startsAt || endsAt <= now) continue;
    out.push({ date, startsAt: new Date(startsAt), endsAt: new Date(endsAt) });
  }
  return out;
}

/** The ISO weekday of a calendar date (zone-free). */
export function isoWeekday(date: string): number {
  const day = new Date(`${date}T12:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
