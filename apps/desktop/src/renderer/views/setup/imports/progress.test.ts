import { describe, expect, it } from 'vitest';
import type { ImportProgress } from '@frontdesk/shared';
import { fractionDone } from './progress.js';

const at = (phase: ImportProgress['phase'], rows: number, bytes: number, total: number | null): ImportProgress => ({ type: 'progress', phase, rows, bytes, total });

describe('the import progress bar', () => {
  it('moves with the bytes read, then the rows checked, then the rows written, never backwards', () => {
    const steps = [null, at('reading', 5_000, 250_000, null), at('reading', 10_000, 1_000_000, 10_000), at('checking', 0, 1_000_000, 10_000), at('checking', 10_000, 1_000_000, 10_000), at('writing', 5_000, 1_000_000, 10_000), at('writing', 10_000, 1_000_000, 10_000)];
    const fractions = steps.map((progress) => fractionDone({ status: 'running', mode: 'apply', progress, fileBytes: 1_000_000 }));
    expect(fractions[0]).toBe(0);
    expect(fractions.at(-1)).toBe(1);
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]!).toBeGreaterThanOrEqual(fractions[i - 1]!);
  });

  it('a preview spends most of its bar reading, and ends full once checked', () => {
    expect(fractionDone({ status: 'running', mode: 'preview', progress: at('reading', 100, 500, null), fileBytes: 1_000 })).toBeCloseTo(0.425);
    expect(fractionDone({ status: 'running', mode: 'preview', progress: at('checking', 100, 1_000, 100), fileBytes: 1_000 })).toBe(1);
  });
});
