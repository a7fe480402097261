import { describe, expect, it } from 'vitest';
import { clipToOpeningHours, fitToOpeningHours, sameHours } from './opening-hours.js';

const h = (weekday: number, from: number, to: number) => ({ weekday, startMinute: from * 60, endMinute: to * 60 });

describe('opening hours and the hours of the people and rooms in them', () => {
  it('cuts a resource to the opening hours weekday by weekday, across split opening hours', () => {
    const opening = [h(1, 9, 13), h(1, 14, 18), h(2, 9, 17)];
    expect(clipToOpeningHours([h(1, 8, 19), h(2, 10, 12), h(3, 9, 17)], opening)).toEqual([h(1, 9, 13), h(1, 14, 18), h(2, 10, 12)]);
  });

  it('cuts nothing while the branch has no opening hours set', () => {
    expect(clipToOpeningHours([h(3, 0, 24), h(1, 8, 19)], [])).toEqual([h(1, 8, 19), h(3, 0, 24)]);
  });

  it('a room that was open exactly when the branch was follows the new opening hours, wider or narrower', () => {
    const before = [h(1, 9, 17), h(2, 9, 17)];
    expect(fitToOpeningHours([h(2, 9, 17), h(1, 9, 17)], before, [h(1, 8, 20)])).toEqual([h(1, 8, 20)]);
    // Anyone else is only cut, never widened.
    expect(fitToOpeningHours([h(1, 10, 12)], before, [h(1, 8, 20)])).toEqual([h(1, 10, 12)]);
    expect(fitToOpeningHours([h(1, 10, 18)], before, [h(1, 8, 11)])).toEqual([h(1, 10, 11)]);
  });

  it('compares weekly hours regardless of order', () => {
    expect(sameHours([h(2, 9, 10), h(1, 9, 10)], [h(1, 9, 10), h(2, 9, 10)])).toBe(true);
    expect(sameHours([h(1, 9, 10)], [h(1, 9, 11)])).toBe(false);
  });
});
