import { describe, expect, it } from 'vitest';
import { amountText, branchPrices, buffersWords, centsFrom, needsWords, practitionersWords } from './service-words.js';

describe('a service in words', () => {
  it('names its needs, tagged or any of a kind', () => {
    expect(needsWords([{ kind: 'PRACTITIONER', tag: 'dentist' }, { kind: 'CHAIR', tag: null }])).toBe('Practitioner (dentist) + Any chair');
  });

  it('names its buffers, or none', () => {
    expect(buffersWords(5, 10)).toBe('5 min before · 10 min after');
    expect(buffersWords(0, 10)).toBe('10 min after');
    expect(buffersWords(0, 0)).toBe('None');
  });

  it('names who offers it with their own lengths, or anyone', () => {
    expect(practitionersWords([{ name: 'Dr Nair', durationMin: 60 }, { name: 'Dr Kim', durationMin: null }])).toBe('Dr Nair (60 min), Dr Kim');
    expect(practitionersWords([])).toBe('Anyone who meets the needs');
  });

  it("gives each branch its own price, else the base", () => {
    expect(branchPrices(8000, [{ branchId: 'w', priceCents: 9000 }], [{ id: 'e', name: 'East' }, { id: 'w', name: 'West' }])).toEqual([
      { branchId: 'e', name: 'East', priceCents: 8000, own: false },
      { branchId: 'w', name: 'West', priceCents: 9000, own: true },
    ]);
  });

  it('reads typed amounts to cents and back, refusing what is not one', () => {
    expect(centsFrom('120')).toBe(12_000);
    expect(centsFrom('$1,200.5')).toBe(120_050);
    expect(centsFrom('12.345')).toBeNull();
    expect(centsFrom('-5')).toBeNull();
    expect(centsFrom('')).toBeNull();
    expect(amountText(12_050)).toBe('120.50');
  });
});
