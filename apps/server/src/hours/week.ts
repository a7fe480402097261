import { localDayBounds, localDateOf, wallTime, type HoursDayView, type MinuteInterval, type TimeOffView, type WeeklyHours } from '@frontdesk/shared';

// The week at a glance of one resource at one branch, with no database: the
// weekly pattern, replaced by a date's exception where it has one, time off
// and appointments cut into local days. The hours service loads the inputs.

export interface WeekInputs {
  weekStart: string;
  timeZone: string;
  pattern: readonly WeeklyHours[];
  /** Exception intervals, each with its local date. */
  exceptions: readonly (MinuteInterval & { date: string })[];
  timeOff: readonly TimeOffView[];
  /** Active appointments of the resource at the branch touching the week. */
  appointments: readonly { startsAt: Date; endsAt: Date }[];
}

const DAY_MS = 86_400_000;

/** The calendar date `n` days after `date` (YYYY-MM-DD), zone-free. */
export function plusDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** ISO weekday (1 = Monday) of a calendar date; the same in every zone. */
export function weekdayOf(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay() || 7;
}

/** The Monday of the week a date falls in. */
export function mondayOf(date: string): string {
  return plusDays(date, 1 - weekdayOf(date));
}

/** The local wall-clock minute of an instant on a date, clipped to the day: 0 before it, 1440 after it. */
export function wallMinuteOn(instant: number, date: string, timeZone: string): number {
  const day = localDayBounds(date, timeZone);
  if (instant <= day.start) return 0;
  if (instant >= day.end) return 1440;
  const [h, m] = wallTime(instant, timeZone).split(':').map(Number);
  return h! * 60 + m!;
}

const byStart = (a: MinuteInterval, b: MinuteInterval) => a.startMinute - b.startMinute || a.endMinute - b.endMinute;

/** The part of [startsAt, endsAt) that lies on a local date, in wall minutes; null when none does. */
function clipToDay(startsAt: number, endsAt: number, date: string, timeZone: string): (MinuteInterval & { whole: boolean }) | null {
  const day = localDayBounds(date, timeZone);
  if (endsAt <= day.start || startsAt >= day.end) return null;
  const startMinute = wallMinuteOn(startsAt, date, timeZone);
  const endMinute = wallMinuteOn(endsAt, date, timeZone);
  const whole = startsAt <= day.start && endsAt >= day.end;
  // A sliver inside a clock-change hour can read backwards on the wall; show it as a point.
  return { startMinute, endMinute: Math.max(endMinute, startMinute), whole };
}

/** The seven days of the week starting `weekStart`, each with the hours that apply, time off and appointments. */
export function buildWeek(input: WeekInputs): HoursDayView[] {
  const { timeZone } = input;
  return Array.from({ length: 7 }, (_, i) => {
    const date = plusDays(input.weekStart, i);
    const weekday = weekdayOf(date);
    const exceptions = input.exceptions.filter((e) => e.date === date);
    const source = exceptions.length > 0 ? 'exception' : 'pattern';
    const intervals = (source === 'exception' ? exceptions : input.pattern.filter((h) => h.weekday === weekday))
      .map((h) => ({ startMinute: h.startMinute, endMinute: h.endMinute }))
      .sort(byStart);
    const timeOff = input.timeOff.flatMap((t) => {
      const part = clipToDay(Date.parse(t.startsAt), Date.parse(t.endsAt), date, timeZone);
      return part ? [{ id: t.id, kind: t.kind, reason: t.reason, ...part }] : [];
    });
    return {
      date,
      weekday,
      source,
      intervals,
      timeOff,
      appointments: input.appointments.filter((a) => localDateOf(a.startsAt.getTime(), timeZone) === date).length,
      booked: input.appointments
        .flatMap((a) => {
          const part = clipToDay(a.startsAt.getTime(), a.endsAt.getTime(), date, timeZone);
          return part ? [{ startMinute: part.startMinute, endMinute: part.endMinute }] : [];
        })
        .sort(byStart),
    };
  });
}
