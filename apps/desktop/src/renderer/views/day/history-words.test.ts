import { afterEach, describe, expect, it } from 'vitest';
import { setTimeFormat } from '../../lib/time.js';
import { readableSummary } from './history-words.js';

const NY = 'America/New_York';

describe('an audit line as the desk reads it', () => {
  afterEach(() => setTimeFormat('24h'));

  it('"Moved … from 10:00 to 10:30" in the branch\'s wall clock', () => {
    expect(readableSummary('Moved GP consultation from 2026-11-23T15:00:00.000Z to 2026-11-23T15:30:00.000Z', NY)).toBe('Moved GP consultation from 10:00 to 10:30');
  });

  it("in the clinic's 12-hour clock when it uses one", () => {
    setTimeFormat('12h');
    expect(readableSummary('Moved GP consultation from 2026-11-23T15:00:00.000Z to 2026-11-23T19:30:00.000Z', NY)).toBe('Moved GP consultation from 10:00 AM to 2:30 PM');
  });

  it('with the dates when the move crosses days', () => {
    expect(readableSummary('Moved GP consultation from 2026-11-23T21:00:00.000Z to 2026-11-24T14:00:00.000Z', NY)).toBe('Moved GP consultation from Mon 23 Nov 16:00 to Tue 24 Nov 09:00');
  });
});
