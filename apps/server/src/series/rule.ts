import type { z } from 'zod';
import { DomainError, SERIES_MAX_OCCURRENCES, localDateOf, localMinuteToInstant, wallTime, type seriesRule } from '@frontdesk/shared';
// rrule ships CommonJS to Node: its named exports come through the default one.
import rrulePkg from 'rrule';

const { RRule } = rrulePkg;

export type SeriesRule = z.output<typeof seriesRule>;

/** A rule read against a first start in a zone: the RRULE text, the local start, and each occurrence's instant. */
export interface Expanded {
  rule: string;
  localStart: string;
  summary: string;
  starts: Date[];
}

const FREQ = { DAILY: RRule.DAILY, WEEKLY: RRule.WEEKLY, MONTHLY: RRule.MONTHLY } as const;
const WEEKDAYS = [RRule.MO, RRule.TU, RRule.WE, RRule.TH, RRule.FR, RRule.SA, RRule.SU] as const;

/**
 * Expands the rule in the branch's zone. rrule works on "floating" wall
 * times (a UTC date whose fields are the local ones); each occurrence's local
 * date and time is then placed in the zone, so a weekly 09:00 stays 09:00
 * local across a clock change.
 */
export function expand(startsAt: Date, r: SeriesRule, timeZone: string): Expanded {
  const date = localDateOf(startsAt.getTime(), timeZone);
  const time = wallTime(startsAt.getTime(), timeZone);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  const dtstart = new Date(Date.UTC(y, m - 1, d, hh, mm));
  const weekday = (dtstart.getUTCDay() + 6) % 7;
  const nth = Math.ceil(d / 7);
  const monthly =
    r.frequency !== 'MONTHLY' ? {} : r.monthlyBy === 'weekday' ? { byweekday: [WEEKDAYS[weekday]!.nth(nth === 5 ? -1 : nth)] } : { bymonthday: [d] };
  const until = r.until ? untilOf(r.until) : null;
  if (until && until.getTime() < dtstart.getTime()) throw new DomainError('BAD_INPUT', 'The end date is before the first visit.', { field: 'until' });
  const rule = new RRule({
    freq: FREQ[r.frequency],
    interval: r.interval,
    dtstart,
    ...monthly,
    ...(r.count ? { count: r.count } : {}),
    ...(until ? { until } : {}),
  });
  // The last-Tuesday form never skips the first visit; by date, the first date is the start itself.
  const floating = rule.all((_, i) => i < SERIES_MAX_OCCURRENCES + 1);
  if (floating.length > SERIES_MAX_OCCURRENCES) {
    throw new DomainError('BAD_INPUT', `That end date makes more than ${SERIES_MAX_OCCURRENCES} visits; choose an earlier one.`, { field: 'until' });
  }
  if (floating.length < 1 || floating[0]!.getTime() !== dtstart.getTime()) {
    throw new DomainError('BAD_INPUT', 'The first visit does not fall on the rule; choose the first visit again.', { field: 'startsAt' });
  }
  const starts = floating.map((f) => new Date(localMinuteToInstant(f.toISOString().slice(0, 10), f.getUTCHours() * 60 + f.getUTCMinutes(), timeZone)));
  const text = rule.toText();
  return {
    rule: rule.toString().split('\n').find((l) => l.startsWith('RRULE:'))!.slice('RRULE:'.length),
    localStart: `${date}T${time}`,
    summary: inWords(text, time),
    starts,
  };
}

/** The planned starts of a stored series (RRULE text and local start), for listing its places. */
export function plannedStarts(rule: string, localStart: string, timeZone: string): Date[] {
  const [date, time] = localStart.split('T') as [string, string];
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  const options = RRule.parseString(rule);
  const r = new RRule({ ...options, dtstart: new Date(Date.UTC(y, m - 1, d, hh, mm)) });
  return r.all((_, i) => i < SERIES_MAX_OCCURRENCES).map((f) => new Date(localMinuteToInstant(f.toISOString().slice(0, 10), f.getUTCHours() * 60 + f.getUTCMinutes(), timeZone)));
}

/** The summary of a stored rule. */
export function summaryOf(rule: string, localStart: string): string {
  const text = new RRule(RRule.parseString(rule)).toText();
  return inWords(text, localStart.slice(11));
}

/** rrule's words with the time of day: "Every week on Tuesday at 09:00, 6 visits", "Every 2 weeks at 08:15, until March 1, 2027". */
function inWords(text: string, time: string): string {
  const tail = / for (\d+) times?$/.exec(text) ?? / (until .*)$/.exec(text);
  const head = tail ? text.slice(0, tail.index) : text;
  const end = !tail ? '' : tail[0].startsWith(' for') ? `, ${tail[1]} visits` : `, ${tail[1]}`;
  return `${head.charAt(0).toUpperCase()}${head.slice(1)} at ${time}${end}`;
}

/** The end of a local date as a floating instant (inclusive of any time that day). */
function untilOf(date: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d, 23, 59, 59));
}
