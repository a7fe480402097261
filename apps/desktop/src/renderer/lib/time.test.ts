import { describe, expect, it } from 'vitest';
import { clock, clockAt, formatClock, setTimeFormat, timeRange } from './time.js';

describe("the clinic's clock", () => {
  it('writes a time 24-hour or 12-hour, midnight and noon included', () => {
    expect([formatClock(0, 5, '24h'), formatClock(9, 0, '24h'), formatClock(14, 30, '24h')]).toEqual(['00:05', '09:00', '14:30']);
    expect([formatClock(0, 5, '12h'), formatClock(9, 0, '12h'), formatClock(12, 0, '12h'), formatClock(14, 30, '12h')]).toEqual(['12:05 AM', '9:00 AM', '12:00 PM', '2:30 PM']);
    // A narrow label (the grid's hours) drops ":00" in 12-hour only.
    expect([formatClock(14, 0, '12h', true), formatClock(14, 30, '12h', true), formatClock(14, 0, '24h', true)]).toEqual(['2 PM', '2:30 PM', '14:00']);
  });

  it("an instant in the branch's zone, a range and a grid label all follow the clinic's setting", () => {
    const at = '2026-11-23T19:30:00.000Z';
    setTimeFormat('12h');
    expect(clock(at, 'America/New_York')).toBe('2:30 PM');
    expect(timeRange(at, '2026-11-23T20:15:00.000Z', 'America/Chicago')).toBe('1:30 PM–2:15 PM');
    expect(clockAt(13 * 60)).toBe('1:00 PM');
    setTimeFormat('24h');
    expect(clock(at, 'America/New_York')).toBe('14:30');
    expect(clockAt(13 * 60)).toBe('13:00');
  });
});
