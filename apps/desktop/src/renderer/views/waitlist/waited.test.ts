import { describe, expect, it } from 'vitest';
import { waitedFor } from './waited.js';

const at = Date.parse('2026-11-23T12:00:00Z');
const ago = (ms: number) => new Date(at - ms).toISOString();

describe('how long an entry has waited, in words', () => {
  it('minutes, then hours and minutes, then days', () => {
    expect(waitedFor(ago(20_000), at)).toBe('just added');
    expect(waitedFor(ago(7 * 60_000), at)).toBe('7 min');
    expect(waitedFor(ago(125 * 60_000), at)).toBe('2 h 5 min');
    expect(waitedFor(ago(3 * 3_600_000), at)).toBe('3 h');
    expect(waitedFor(ago(26 * 3_600_000), at)).toBe('1 day');
    expect(waitedFor(ago(9 * 86_400_000), at)).toBe('9 days');
  });

  it('a clock a little behind the server never shows a negative wait', () => {
    expect(waitedFor(new Date(at + 5_000).toISOString(), at)).toBe('just added');
  });
});
