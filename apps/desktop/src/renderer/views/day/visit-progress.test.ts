import { describe, expect, it } from 'vitest';
import { minutesInWords } from './VisitProgress.js';

describe('minutesInWords: waiting time as the desk reads it', () => {
  it('whole minutes, rounded down', () => {
    expect(minutesInWords(0)).toBe('0 min');
    expect(minutesInWords(59_999)).toBe('0 min');
    expect(minutesInWords(12 * 60_000 + 30_000)).toBe('12 min');
  });
  it('an hour and more in hours and minutes', () => {
    expect(minutesInWords(60 * 60_000)).toBe('1 h');
    expect(minutesInWords(65 * 60_000)).toBe('1 h 5 min');
  });
  it('a clock a little behind never shows a negative wait', () => {
    expect(minutesInWords(-30_000)).toBe('0 min');
  });
});
