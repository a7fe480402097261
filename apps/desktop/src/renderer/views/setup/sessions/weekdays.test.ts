import { describe, expect, it } from 'vitest';
import { minuteOf, weekdaysText } from './weekdays.js';

describe('weekdays in words', () => {
  it('runs of three or more are ranges, the rest listed', () => {
    expect(weekdaysText([1, 2, 3, 4, 5])).toBe('Mon–Fri');
    expect(weekdaysText([5, 1, 3])).toBe('Mon, Wed, Fri');
    expect(weekdaysText([1, 2, 4, 5, 6])).toBe('Mon, Tue, Thu–Sat');
    expect(weekdaysText([1, 2, 3, 4, 5, 6, 7])).toBe('Every day');
  });

  it('times of day as minutes, midnight as an end is the end of the day', () => {
    expect(minuteOf('09:30')).toBe(570);
    expect(minuteOf('00:00', true)).toBe(1440);
    expect(minuteOf('00:00')).toBe(0);
    expect(minuteOf('24:00')).toBeNull();
    expect(minuteOf('9')).toBeNull();
  });
});
