import { overlapOf, type MinuteInterval } from '@frontdesk/shared';

// A resource's weekly hours as one CSV value:
//   mon=09:00-13:00 14:00-18:00;tue=09:00-17:00;sat=10:00-14:00
//   mon-fri=08:30-17:00
// Days are mon tue wed thu fri sat sun (or their full names), a range of days
// is written with a hyphen; intervals of a day are separated by spaces (or
// commas, inside a quoted CSV value), days by semicolons; times are 24-hour
// HH:MM, and 24:00 ends a day. A day not named is a day off.

export interface WeeklyInterval extends MinuteInterval {
  /** ISO weekday, 1 = Monday. */
  weekday: number;
}

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const FULL = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
const DAY_LABEL = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
const MAX_INTERVALS_A_DAY = 12;

function weekdayOf(name: string): number | null {
  const lower = name.trim().toLowerCase();
  const short = DAYS.indexOf(lower as (typeof DAYS)[number]);
  if (short !== -1) return short + 1;
  const full = FULL.indexOf(lower as (typeof FULL)[number]);
  return full === -1 ? null : full + 1;
}

function minuteOf(time: string): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(time.trim());
  if (!m) return null;
  const [hours, minutes] = [Number(m[1]), Number(m[2])];
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes > 0)) return null;
  return hours * 60 + minutes;
}

/** The intervals of a week, or the first thing wrong with the text in plain words. */
export function parseWeeklyHours(text: string): { intervals: WeeklyInterval[]; problem: null } | { intervals: null; problem: string } {
  const fail = (problem: string) => ({ intervals: null, problem }) as const;
  const intervals: WeeklyInterval[] = [];
  const seen = new Set<number>();
  for (const part of text.split(';')) {
    if (!part.trim()) continue;
    const eq = part.indexOf('=');
    if (eq === -1) return fail(`"${part.trim().slice(0, 40)}" has no "=": write a day and its hours, e.g. mon=09:00-17:00.`);
    const dayText = part.slice(0, eq).trim();
    const range = dayText.split('-');
    const first = weekdayOf(range[0] ?? '');
    const last = range.length === 2 ? weekdayOf(range[1]!) : range.length === 1 ? first : null;
    if (first === null || last === null) return fail(`"${dayText.slice(0, 40)}" is not a day: use mon, tue, wed, thu, fri, sat, sun, or a range such as mon-fri.`);
    if (last < first) return fail(`"${dayText}" runs backwards: a range of days goes from Monday towards Sunday, e.g. mon-fri.`);
    const day: MinuteInterval[] = [];
    // Spaces around a dash are not separators: "09:00 - 13:00" is one span.
    const spans = part
      .slice(eq + 1)
      .replace(/\s*([-–])\s*/g, '$1')
      .split(/[,\s]+/)
      .filter((span) => span !== '');
    if (spans.length === 0) return fail(`${dayText} has no hours: write them like ${dayText}=09:00-17:00, or leave the day out.`);
    for (const span of spans) {
      const times = span.split(/[-–]/);
      const start = times.length === 2 ? minuteOf(times[0]!) : null;
      const end = times.length === 2 ? minuteOf(times[1]!) : null;
      if (start === null || end === null) return fail(`"${span.trim().slice(0, 40)}" is not a span of time: write it like 09:00-13:00 (24-hour clock).`);
      if (end <= start) return fail(`${span.trim()} ends before it starts.`);
      if (start === 1440) return fail(`${span.trim()} starts at the end of the day.`);
      day.push({ startMinute: start, endMinute: end });
    }
    if (day.length > MAX_INTERVALS_A_DAY) return fail(`${dayText} has more than ${MAX_INTERVALS_A_DAY} intervals.`);
    const overlap = overlapOf(day);
    if (overlap) return fail(`${dayText}: ${overlap}.`);
    for (let weekday = first; weekday <= last; weekday++) {
      if (seen.has(weekday)) return fail(`${DAY_LABEL[weekday - 1]} is given twice.`);
      seen.add(weekday);
      for (const interval of day) intervals.push({ weekday, ...interval });
    }
  }
  return { intervals, problem: null };
}
