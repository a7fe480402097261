import { describe, expect, it } from 'vitest';
import { describeOpeningHours } from './opening-hours-words.js';

const h = (weekday: number, from: number, to: number) => ({ weekday, startMinute: from * 60, endMinute: to * 60 });

describe('opening hours in a line', () => {
  it('groups weekdays with the same hours and leaves closed days out', () => {
    expect(describeOpeningHours([1, 2, 3, 4, 5].map((d) => h(d, 9, 17)).concat(h(6, 9, 12)))).toBe('Mon–Fri 09:00–17:00 · Sat 09:00–12:00');
  });

  it('names split hours, two-day runs and days apart', () => {
    expect(describeOpeningHours([h(1, 14, 18), h(1, 9, 13), h(2, 9, 13), h(2, 14, 18), h(4, 8, 12)])).toBe('Mon, Tue 09:00–13:00, 14:00–18:00 · Thu 08:00–12:00');
  });

  it('says when none are set', () => {
    expect(describeOpeningHours([])).toBe('Not set');
  });
});
