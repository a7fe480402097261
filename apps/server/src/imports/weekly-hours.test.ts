import { describe, expect, it } from 'vitest';
import { parseWeeklyHours } from './weekly-hours.js';

describe('weekly hours written in one CSV value', () => {
  it('reads days, ranges of days and split shifts, in any case and spacing', () => {
    expect(parseWeeklyHours('Mon=09:00-12:00 13:00-17:00; wed-fri = 8:30 - 12:00 ;sunday=00:00-24:00').intervals).toEqual([
      { weekday: 1, startMinute: 540, endMinute: 720 },
      { weekday: 1, startMinute: 780, endMinute: 1020 },
      { weekday: 3, startMinute: 510, endMinute: 720 },
      { weekday: 4, startMinute: 510, endMinute: 720 },
      { weekday: 5, startMinute: 510, endMinute: 720 },
      { weekday: 7, startMinute: 0, endMinute: 1440 },
    ]);
  });

  it('commas separate intervals as spaces do; touching intervals are a split shift', () => {
    expect(parseWeeklyHours('tue=09:00-12:00,12:00-17:00').intervals).toHaveLength(2);
  });

  it('an empty value is a resource without hours', () => {
    expect(parseWeeklyHours('').intervals).toEqual([]);
    expect(parseWeeklyHours(' ; ').intervals).toEqual([]);
  });

  it.each([
    ['mon 09:00-17:00', /has no "="/],
    ['moonday=09:00-17:00', /is not a day/],
    ['fri-mon=09:00-17:00', /runs backwards/],
    ['mon=9-17', /"9-17" is not a span of time/],
    ['mon=09:00-25:00', /not a span of time/],
    ['mon=09:60-10:00', /not a span of time/],
    ['mon=17:00-09:00', /ends before it starts/],
    ['mon=', /has no hours/],
    ['mon=09:00-13:00 12:00-15:00', /09:00–13:00 overlaps 12:00–15:00/],
    ['mon-wed=09:00-12:00;tue=13:00-14:00', /Tuesday is given twice/],
  ])('%s is refused in plain words', (text, problem) => {
    const read = parseWeeklyHours(text);
    expect(read.intervals).toBeNull();
    expect(read.problem).toMatch(problem);
  });
});
