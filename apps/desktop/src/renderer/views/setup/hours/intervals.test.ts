import { describe, expect, it } from 'vitest';
import { addInterval, checkRows, hoursText, moveEdge, parseTime, patternWith, snap } from './intervals.js';

const span = (s: number, e: number) => ({ startMinute: s * 60, endMinute: e * 60 });

describe('typed hours', () => {
  it('reads HH:MM, with 24:00 as the end of the day, and nothing else', () => {
    expect(parseTime('09:30')).toBe(570);
    expect(parseTime('9:05')).toBe(545);
    expect(parseTime('24:00')).toBe(1440);
    expect(parseTime('24:15')).toBeNull();
    expect(parseTime('12:60')).toBeNull();
    expect(parseTime('noon')).toBeNull();
  });

  it('a split shift is two rows and fine; touching rows are fine too', () => {
    const { problems, intervals } = checkRows([{ start: '14:00', end: '18:00' }, { start: '09:00', end: '12:00' }, { start: '12:00', end: '13:00' }]);
    expect(problems).toEqual([null, null, null]);
    expect(intervals).toEqual([span(9, 12), span(12, 13), span(14, 18)]);
  });

  it('names each slip beside its row: not a time, ending before starting, overlapping', () => {
    const { problems, intervals } = checkRows([
      { start: '9', end: '12:00' },
      { start: '13:00', end: '12:00' },
      { start: '09:00', end: '12:00' },
      { start: '11:00', end: '15:00' },
    ]);
    expect(intervals).toBeNull();
    expect(problems[0]).toBe('Write times as HH:MM, e.g. 09:00.');
    expect(problems[1]).toBe('It ends before it starts: 12:00 is not after 13:00.');
    expect(problems[2]).toBe('It overlaps 11:00–15:00.');
    expect(problems[3]).toBe('It overlaps 09:00–12:00.');
  });
});

describe('what a drag does to a day', () => {
  it('snaps to quarter hours inside the day', () => {
    expect(snap(547)).toBe(540);
    expect(snap(553)).toBe(555);
    expect(snap(-20)).toBe(0);
    expect(snap(1500)).toBe(1440);
  });

  it('a new interval merges with what it overlaps or touches and leaves the rest', () => {
    expect(addInterval([span(9, 12), span(14, 18)], span(11, 13))).toEqual([span(9, 13), span(14, 18)]);
    expect(addInterval([span(9, 12), span(14, 18)], span(12, 14))).toEqual([span(9, 18)]);
    expect(addInterval([span(9, 12)], span(19, 21))).toEqual([span(9, 12), span(19, 21)]);
  });

  it('an edge moves until it meets a neighbour and never makes an interval shorter than a step', () => {
    const day = [span(9, 12), span(14, 18)];
    expect(moveEdge(day, 0, 'end', 13 * 60)).toEqual([span(9, 13), span(14, 18)]);
    expect(moveEdge(day, 0, 'end', 16 * 60)).toEqual([span(9, 14), span(14, 18)]);
    expect(moveEdge(day, 1, 'start', 10 * 60)).toEqual([span(9, 12), { startMinute: 720, endMinute: 1080 }]);
    expect(moveEdge(day, 0, 'start', 12 * 60)).toEqual([{ startMinute: 705, endMinute: 720 }, span(14, 18)]);
  });

  it('replaces one weekday of the weekly pattern and keeps the others', () => {
    const pattern = [{ weekday: 1, ...span(9, 17) }, { weekday: 2, ...span(9, 17) }];
    expect(patternWith(pattern, 1, [span(9, 12), span(14, 18)])).toEqual([
      { weekday: 1, ...span(9, 12) },
      { weekday: 1, ...span(14, 18) },
      { weekday: 2, ...span(9, 17) },
    ]);
    expect(hoursText([span(14, 18), span(9, 12)])).toBe('09:00–12:00, 14:00–18:00');
    expect(hoursText([])).toBe('off');
    expect(hoursText([span(9, 12), span(14, 24)], '12h')).toBe('9:00 AM–12:00 PM, 2:00 PM–12:00 AM');
    expect(hoursText([span(14, 24)])).toBe('14:00–24:00');
  });
});
