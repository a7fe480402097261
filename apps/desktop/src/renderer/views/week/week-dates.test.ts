import { describe, expect, it } from 'vitest';
import { weekOf } from './week-dates.js';

describe('the week of a date', () => {
  it('runs Monday to Sunday around a midweek date', () => {
    expect(weekOf('2026-11-25')).toEqual(['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29']);
  });
  it('a Sunday belongs to the week before it; a Monday starts its own', () => {
    expect(weekOf('2026-11-29')[0]).toBe('2026-11-23');
    expect(weekOf('2026-11-30')[0]).toBe('2026-11-30');
  });
  it('crosses a month and a year', () => {
    expect(weekOf('2027-01-01')).toEqual(['2026-12-28', '2026-12-29', '2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02', '2027-01-03']);
  });
});
