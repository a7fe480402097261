import { describe, expect, it } from 'vitest';
import type { Blocker } from '@frontdesk/shared';
import { slotTakenSentence } from './errors.js';

const at = { resourceId: 'r1', startsAt: '2026-12-01T09:00:00.000Z', endsAt: '2026-12-01T09:30:00.000Z' };
const sentence = (...kinds: Blocker['kind'][]) => slotTakenSentence({ blockers: kinds.map((kind) => ({ ...at, kind })), alternatives: [] });

describe('what a taken time says', () => {
  it('names a booking already there as booked, not as another desk at work', () => {
    expect(sentence('appointment')).toBe('That time is already booked.');
  });

  it('a hold (another desk mid-booking) or a mix says another desk took it', () => {
    expect(sentence('hold')).toBe('That time has just been taken by another desk.');
    expect(sentence('appointment', 'hold')).toBe('That time has just been taken by another desk.');
  });

  it('time off is called blocked', () => {
    expect(sentence('time_off')).toBe('That time is blocked (time off).');
  });

  it("the patient's own appointment is named, without inventing one when it is not known", () => {
    expect(sentence('patient')).toBe('This patient already has an appointment at that time.');
  });
});
