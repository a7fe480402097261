import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import {
  alignUp,
  candidateStarts,
  covers,
  intersect,
  localDateOf,
  localDatesBetween,
  localDayBounds,
  localMinuteToInstant,
  normalize,
  subtract,
  wallTime,
  workingIntervals,
  workingIntervalsOn,
  type Interval,
} from './time.js';

const NY = 'America/New_York';
const at = (s: string) => Date.parse(s);
const iv = (start: string, end: string): Interval => ({ start: at(start), end: at(end) });
const HOUR = 3_600_000;

describe('interval maths', () => {
  it('normalize sorts, merges overlapping and touching intervals, and drops empty ones', () => {
    expect(normalize([{ start: 5, end: 7 }, { start: 1, end: 3 }, { start: 3, end: 4 }, { start: 9, end: 9 }, { start: 6, end: 8 }])).toEqual([
      { start: 1, end: 4 },
      { start: 5, end: 8 },
    ]);
  });

  it('subtract cuts holes, keeps half-open edges and handles unsorted input', () => {
    expect(subtract([{ start: 0, end: 10 }], [{ start: 8, end: 12 }, { start: 2, end: 4 }])).toEqual([
      { start: 0, end: 2 },
      { start: 4, end: 8 },
    ]);
    expect(subtract([{ start: 0, end: 10 }], [{ start: 0, end: 10 }])).toEqual([]);
    expect(subtract([{ start: 0, end: 10 }], [])).toEqual([{ start: 0, end: 10 }]);
  });

  it('intersect keeps only common time', () => {
    expect(intersect([{ start: 0, end: 5 }, { start: 8, end: 12 }], [{ start: 3, end: 10 }])).toEqual([
      { start: 3, end: 5 },
      { start: 8, end: 10 },
    ]);
    expect(intersect([{ start: 0, end: 5 }], [{ start: 5, end: 6 }])).toEqual([]);
  });

  it('covers needs one interval holding the whole range (back-to-back pieces merge first)', () => {
    expect(covers([{ start: 0, end: 5 }, { start: 5, end: 10 }], { start: 3, end: 7 })).toBe(true);
    expect(covers([{ start: 0, end: 5 }, { start: 6, end: 10 }], { start: 3, end: 7 })).toBe(false);
  });
});

describe('local days in America/New_York', () => {
  it('an ordinary day is 24 hours', () => {
    const d = localDayBounds('2026-03-10', NY);
    expect(d.end - d.start).toBe(24 * HOUR);
    expect(new Date(d.start).toISOString()).toBe('2026-03-10T04:00:00.000Z');
  });

  it('the spring-forward day (2026-03-08) is 23 hours long', () => {
    const d = localDayBounds('2026-03-08', NY);
    expect(new Date(d.start).toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(new Date(d.end).toISOString()).toBe('2026-03-09T04:00:00.000Z');
    expect(d.end - d.start).toBe(23 * HOUR);
  });

  it('the fall-back day (2026-11-01) is 25 hours long', () => {
    const d = localDayBounds('2026-11-01', NY);
    expect(new Date(d.start).toISOString()).toBe('2026-11-01T04:00:00.000Z');
    expect(new Date(d.end).toISOString()).toBe('2026-11-02T05:00:00.000Z');
    expect(d.end - d.start).toBe(25 * HOUR);
  });

  it('09:00 local maps to 14:00Z in winter and 13:00Z in summer', () => {
    expect(new Date(localMinuteToInstant('2026-03-06', 9 * 60, NY)).toISOString()).toBe('2026-03-06T14:00:00.000Z');
    expect(new Date(localMinuteToInstant('2026-03-09', 9 * 60, NY)).toISOString()).toBe('2026-03-09T13:00:00.000Z');
    expect(new Date(localMinuteToInstant('2026-11-02', 9 * 60, NY)).toISOString()).toBe('2026-11-02T14:00:00.000Z');
    expect(localMinuteToInstant('2026-03-08', 1440, NY)).toBe(localDayBounds('2026-03-09', NY).start);
  });

  it('local dates of instants and of ranges follow the zone, not UTC', () => {
    expect(localDateOf(at('2026-03-09T03:30:00Z'), NY)).toBe('2026-03-08');
    expect(localDatesBetween(localDayBounds('2026-11-01', NY), NY)).toEqual(['2026-11-01']);
    expect(localDatesBetween(iv('2026-03-07T12:00:00Z', '2026-03-09T12:00:00Z'), NY)).toEqual(['2026-03-07', '2026-03-08', '2026-03-09']);
  });
});

describe('working intervals across a clock change', () => {
  const sunday = [{ weekday: 7, startMinute: 60, endMinute: 240 }];

  it('01:00–04:00 on the spring-forward Sunday is two real hours', () => {
    const [w, ...rest] = workingIntervalsOn('2026-03-08', sunday, NY);
    expect(rest).toEqual([]);
    expect(new Date(w!.start).toISOString()).toBe('2026-03-08T06:00:00.000Z');
    expect(new Date(w!.end).toISOString()).toBe('2026-03-08T08:00:00.000Z');
  });

  it('01:00–04:00 on the fall-back Sunday is four real hours', () => {
    const [w] = workingIntervalsOn('2026-11-01', sunday, NY);
    expect(new Date(w!.start).toISOString()).toBe('2026-11-01T05:00:00.000Z');
    expect(new Date(w!.end).toISOString()).toBe('2026-11-01T09:00:00.000Z');
  });

  it('a full week of 09:00–17:00 weekdays reads 09:00 local on both sides of the change', () => {
    const weekdays = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, startMinute: 540, endMinute: 1020 }));
    const week = workingIntervals(iv('2026-03-02T05:00:00Z', '2026-03-14T04:00:00Z'), weekdays, NY);
    expect(week).toHaveLength(10);
    expect(week.map((w) => wallTime(w.start, NY))).toEqual(Array(10).fill('09:00'));
    expect(new Date(week[4]!.start).toISOString()).toBe('2026-03-06T14:00:00.000Z');
    expect(new Date(week[5]!.start).toISOString()).toBe('2026-03-09T13:00:00.000Z');
  });

  it('all-day hours on consecutive days merge into one interval, clipped to the range', () => {
    const allDay = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, startMinute: 0, endMinute: 1440 }));
    const range = iv('2026-10-31T12:00:00Z', '2026-11-02T12:00:00Z');
    expect(workingIntervals(range, allDay, NY)).toEqual([range]);
  });
});

describe('candidate starts', () => {
  const occupy = { durationMin: 30, bufferBeforeMin: 0, bufferAfterMin: 0 };

  it('steps on local wall-clock quarter hours and keeps the whole appointment inside free time', () => {
    const free = [iv('2026-03-10T13:05:00Z', '2026-03-10T14:20:00Z')]; // 09:05–10:20 local
    const starts = candidateStarts(free, occupy, 15, NY, 0).map((t) => wallTime(t, NY));
    expect(starts).toEqual(['09:15', '09:30', '09:45']);
  });

  it('buffers must fit too: before-buffer inside the free time, after-buffer before its end', () => {
    const free = [iv('2026-03-10T13:00:00Z', '2026-03-10T14:00:00Z')];
    const starts = candidateStarts(free, { durationMin: 30, bufferBeforeMin: 10, bufferAfterMin: 5 }, 15, NY, 0).map((t) => wallTime(t, NY));
    expect(starts).toEqual(['09:15']);
  });

  it('never starts before notBefore', () => {
    const free = [iv('2026-03-10T13:00:00Z', '2026-03-10T15:00:00Z')];
    const starts = candidateStarts(free, occupy, 15, NY, at('2026-03-10T13:50:00Z')).map((t) => wallTime(t, NY));
    expect(starts[0]).toBe('10:00');
  });

  it('on the spring-forward night, slots jump from 01:45 to 03:00 local with no gap in real time', () => {
    const free = workingIntervalsOn('2026-03-08', [{ weekday: 7, startMinute: 60, endMinute: 240 }], NY);
    const starts = candidateStarts(free, occupy, 30, NY, 0);
    expect(starts.map((t) => wallTime(t, NY))).toEqual(['01:00', '01:30', '03:00', '03:30']);
    expect(starts.map((t) => new Date(t).toISOString())).toEqual([
      '2026-03-08T06:00:00.000Z',
      '2026-03-08T06:30:00.000Z',
      '2026-03-08T07:00:00.000Z',
      '2026-03-08T07:30:00.000Z',
    ]);
  });

  it('on the fall-back night, the repeated hour gives two 01:30 slots an hour apart', () => {
    const free = workingIntervalsOn('2026-11-01', [{ weekday: 7, startMinute: 60, endMinute: 180 }], NY);
    const starts = candidateStarts(free, occupy, 30, NY, 0);
    expect(starts.map((t) => wallTime(t, NY))).toEqual(['01:00', '01:30', '01:00', '01:30', '02:00', '02:30']);
    expect(starts[3]! - starts[1]!).toBe(HOUR);
  });

  it('alignUp rounds to local quarter hours in a half-hour-offset zone', () => {
    // 09:10 in Kolkata (UTC+05:30) → 09:15 local.
    expect(new Date(alignUp(at('2026-01-05T03:40:00Z'), 15, 'Asia/Kolkata')).toISOString()).toBe('2026-01-05T03:45:00.000Z');
    expect(alignUp(at('2026-01-05T03:45:00Z'), 15, 'Asia/Kolkata')).toBe(at('2026-01-05T03:45:00Z'));
  });
});

describe('local dates and aligned minutes from remembered offsets', () => {
  // Zones with summer time, half- and quarter-hour offsets, a 30-minute summer shift, and none at all.
  const zones = ['America/New_York', 'Europe/London', 'Australia/Adelaide', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Chatham', 'Asia/Kolkata', 'UTC'];
  const luxonDate = (instant: number, zone: string) => DateTime.fromMillis(instant, { zone }).toISODate();
  const luxonAlignUp = (instant: number, step: number, zone: string) => {
    const local = DateTime.fromMillis(instant, { zone });
    const minuteOfHour = local.minute + local.second / 60 + local.millisecond / 60000;
    return Math.round(instant + (Math.ceil(minuteOfHour / step) * step - minuteOfHour) * 60_000);
  };

  it('agree with luxon at every minute around each clock change of 2026, and at random instants from 1990 to 2040', () => {
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (const zone of zones) {
      const instants: number[] = [];
      // Minute by minute through the two days around each change this year (luxon finds them by offset steps).
      for (let t = at('2026-01-01T00:00:00Z'); t < at('2027-01-01T00:00:00Z'); t += 6 * HOUR) {
        if (DateTime.fromMillis(t, { zone }).offset !== DateTime.fromMillis(t + 6 * HOUR, { zone }).offset) {
          for (let m = t - 12 * HOUR; m < t + 18 * HOUR; m += 60_000 + 7) instants.push(m);
        }
      }
      for (let i = 0; i < 2000; i++) instants.push(Math.floor(at('1990-01-01T00:00:00Z') + random() * 50 * 365 * 24 * HOUR));
      for (const instant of instants) {
        expect(localDateOf(instant, zone), `${zone} ${new Date(instant).toISOString()}`).toBe(luxonDate(instant, zone));
        for (const step of [5, 15, 20]) expect(alignUp(instant, step, zone), `${zone} ${new Date(instant).toISOString()} /${step}`).toBe(luxonAlignUp(instant, step, zone));
      }
    }
  });

  it('give no date for an unknown zone, as before', () => {
    expect(localDateOf(at('2026-03-08T12:00:00Z'), 'Mars/Olympus')).toBe('');
    expect(alignUp(at('2026-03-08T12:00:00Z'), 15, 'Mars/Olympus')).toBeNaN();
  });
});
