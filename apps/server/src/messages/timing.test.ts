import { describe, expect, it } from 'vitest';
import { immediateSendAt, quietPeriod, reminderSendAt } from './timing.js';

const NY = 'America/New_York';
const at = (s: string) => Date.parse(s);
const quiet = { startMin: 21 * 60, endMin: 8 * 60 };

describe('message timing in the branch zone', () => {
  it('quiet hours across midnight: 23:00 and 06:00 local are inside, 12:00 is not', () => {
    expect(quietPeriod(at('2026-11-24T04:00:00Z'), quiet, NY)).toEqual({ start: at('2026-11-24T02:00:00Z'), end: at('2026-11-24T13:00:00Z') });
    expect(quietPeriod(at('2026-11-24T11:00:00Z'), quiet, NY)).toEqual({ start: at('2026-11-24T02:00:00Z'), end: at('2026-11-24T13:00:00Z') });
    expect(quietPeriod(at('2026-11-24T17:00:00Z'), quiet, NY)).toBeNull();
  });

  it('a confirmation booked at 23:00 local waits until 08:00; at noon it goes at once', () => {
    expect(immediateSendAt(at('2026-11-24T04:00:00Z'), quiet, NY)).toBe(at('2026-11-24T13:00:00Z'));
    expect(immediateSendAt(at('2026-11-24T17:00:00Z'), quiet, NY)).toBe(at('2026-11-24T17:00:00Z'));
    expect(immediateSendAt(at('2026-11-24T04:00:00Z'), null, NY)).toBe(at('2026-11-24T04:00:00Z'));
  });

  it('a 2 h reminder of an 08:30 visit goes at 21:00 the evening before; a 48 h one at its time; a past one not at all', () => {
    const start = at('2026-11-26T13:30:00Z'); // 08:30 New York
    const now = at('2026-11-20T12:00:00Z');
    expect(reminderSendAt(start, 2, now, quiet, NY)).toBe(at('2026-11-26T02:00:00Z'));
    expect(reminderSendAt(start, 48, now, quiet, NY)).toBe(at('2026-11-24T13:30:00Z'));
    expect(reminderSendAt(start, 48, at('2026-11-25T12:00:00Z'), quiet, NY)).toBeNull();
  });

  it('the clock change: 21:00 local on the night summer time ends is still 21:00 local', () => {
    // 2026-11-01 02:00 EDT → 01:00 EST; quiet hours start the evening before at 21:00 EDT (01:00Z).
    expect(quietPeriod(at('2026-11-01T06:30:00Z'), quiet, NY)).toEqual({ start: at('2026-11-01T01:00:00Z'), end: at('2026-11-01T13:00:00Z') });
  });
});
