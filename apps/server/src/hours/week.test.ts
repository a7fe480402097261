import { describe, expect, it } from 'vitest';
import { localMinuteToInstant, type TimeOffView } from '@frontdesk/shared';
import { buildWeek, mondayOf, wallMinuteOn, weekdayOf } from './week.js';

const NY = 'America/New_York';
const at = (date: string, hhmm: string) => new Date(localMinuteToInstant(date, Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)), NY));
const m = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
const span = (from: string, to: string) => ({ startMinute: m(from), endMinute: m(to) });
const leave = (id: string, startsAt: Date, endsAt: Date, kind: TimeOffView['kind'] = 'LEAVE'): TimeOffView => ({
  id,
  branchId: 'b',
  resourceId: kind === 'LEAVE' ? 'r' : null,
  kind,
  startsAt: startsAt.toISOString(),
  endsAt: endsAt.toISOString(),
  reason: 'away',
});

// 2026-11-23 is a Monday; 2026-03-09 the Monday after clocks went forward in New York (2026-03-08).
const week = (over: Partial<Parameters<typeof buildWeek>[0]> = {}) =>
  buildWeek({ weekStart: '2026-11-23', timeZone: NY, pattern: [], exceptions: [], timeOff: [], appointments: [], ...over });

describe('the week of a date', () => {
  it('starts on the Monday of that week, whichever day is given', () => {
    expect(mondayOf('2026-11-23')).toBe('2026-11-23');
    expect(mondayOf('2026-11-29')).toBe('2026-11-23');
    expect(mondayOf('2026-12-01')).toBe('2026-11-30');
    expect(mondayOf('2027-01-02')).toBe('2026-12-28');
    expect(weekdayOf('2026-11-29')).toBe(7);
  });
});

describe('buildWeek', () => {
  it('gives seven days, each with its weekly pattern; a split shift stays two intervals', () => {
    const days = week({ pattern: [{ weekday: 1, ...span('14:00', '18:00') }, { weekday: 1, ...span('09:00', '12:00') }, { weekday: 3, ...span('10:00', '16:00') }] });
    expect(days.map((d) => d.date)).toEqual(['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29']);
    expect(days.map((d) => d.weekday)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(days[0]!.intervals).toEqual([span('09:00', '12:00'), span('14:00', '18:00')]);
    expect(days[1]!.intervals).toEqual([]);
    expect(days[2]!.intervals).toEqual([span('10:00', '16:00')]);
    expect(days.every((d) => d.source === 'pattern')).toBe(true);
  });

  it('a date with an exception takes its hours instead of the pattern; an extra day is an exception on a day off', () => {
    const days = week({
      pattern: [{ weekday: 1, ...span('09:00', '17:00') }, { weekday: 2, ...span('09:00', '17:00') }],
      exceptions: [
        { date: '2026-11-23', ...span('12:00', '15:00') },
        { date: '2026-11-28', ...span('10:00', '13:00') },
      ],
    });
    expect(days[0]).toMatchObject({ source: 'exception', intervals: [span('12:00', '15:00')] });
    expect(days[1]).toMatchObject({ source: 'pattern', intervals: [span('09:00', '17:00')] });
    expect(days[5]).toMatchObject({ date: '2026-11-28', source: 'exception', intervals: [span('10:00', '13:00')] });
  });

  it('leave over several days is cut into days: whole days in the middle, the part on the first and last', () => {
    const days = week({ timeOff: [leave('t1', at('2026-11-24', '13:00'), at('2026-11-26', '10:00'))] });
    expect(days[0]!.timeOff).toEqual([]);
    expect(days[1]!.timeOff).toEqual([{ id: 't1', kind: 'LEAVE', reason: 'away', whole: false, ...span('13:00', '24:00') }]);
    expect(days[2]!.timeOff).toEqual([{ id: 't1', kind: 'LEAVE', reason: 'away', whole: true, ...span('00:00', '24:00') }]);
    expect(days[3]!.timeOff).toEqual([{ id: 't1', kind: 'LEAVE', reason: 'away', whole: false, ...span('00:00', '10:00') }]);
    expect(days[4]!.timeOff).toEqual([]);
  });

  it('counts appointments on the day they start and shows when they are', () => {
    const days = week({
      appointments: [
        { startsAt: at('2026-11-23', '09:00'), endsAt: at('2026-11-23', '09:30') },
        { startsAt: at('2026-11-23', '11:00'), endsAt: at('2026-11-23', '11:15') },
        { startsAt: at('2026-11-25', '23:30'), endsAt: at('2026-11-26', '00:30') },
      ],
    });
    expect(days.map((d) => d.appointments)).toEqual([2, 0, 1, 0, 0, 0, 0]);
    expect(days[0]!.booked).toEqual([span('09:00', '09:30'), span('11:00', '11:15')]);
    expect(days[2]!.booked).toEqual([span('23:30', '24:00')]);
    // The night's tail shows on the next day without counting twice.
    expect(days[3]!.booked).toEqual([span('00:00', '00:30')]);
  });

  it('reads wall-clock minutes on the day clocks change', () => {
    // 2026-03-08: 02:00–03:00 does not exist in New York; 03:30 is 150 minutes after midnight and still reads 03:30.
    expect(wallMinuteOn(at('2026-03-08', '03:30').getTime(), '2026-03-08', NY)).toBe(m('03:30'));
    const days = buildWeek({
      weekStart: '2026-03-02',
      timeZone: NY,
      pattern: [{ weekday: 7, ...span('09:00', '17:00') }],
      exceptions: [],
      timeOff: [leave('h', at('2026-03-08', '00:00'), at('2026-03-09', '00:00'), 'HOLIDAY')],
      appointments: [{ startsAt: at('2026-03-08', '09:00'), endsAt: at('2026-03-08', '10:00') }],
    });
    expect(days[6]!.intervals).toEqual([span('09:00', '17:00')]);
    expect(days[6]!.timeOff[0]).toMatchObject({ whole: true, startMinute: 0, endMinute: 1440 });
    expect(days[6]!.booked).toEqual([span('09:00', '10:00')]);
  });
});
