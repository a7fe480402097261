import { describe, expect, it } from 'vitest';
import type { Catalogue, CatalogueResource } from './availability.repository.js';
import { byLength, longest, mergeRefusals } from './practitioner-lengths.js';
import { isServable, planBranch, type BranchPlan } from './slot-search.js';

// Splitting a branch's plan by the length each practitioner takes. No database.

const east = { id: 'east', name: 'East', timeZone: 'America/New_York' };
const hours = { east: [{ weekday: 1, startMinute: 540, endMinute: 1020 }] };
const resource = (id: string, kind: CatalogueResource['kind'], tags: string[]): CatalogueResource => ({ id, kind, name: id, tags, hoursByBranch: hours });
const nair = resource('nair', 'PRACTITIONER', ['dentist']);
const kim = resource('kim', 'PRACTITIONER', ['dentist']);
const lee = resource('lee', 'PRACTITIONER', ['dentist']);
const chair = resource('chair', 'CHAIR', []);

const catalogue = (practitioners: Catalogue['practitioners'], requirements: Catalogue['requirements'] = [{ kind: 'PRACTITIONER', tag: 'dentist' }, { kind: 'CHAIR', tag: null }]): Catalogue => ({
  service: { id: 'implant', name: 'Implant', durationMin: 45, bufferBeforeMin: 0, bufferAfterMin: 10, active: true },
  requirements,
  branches: [east],
  resources: [nair, kim, lee, chair],
  practitioners,
});
const plan = (cat: Catalogue, chosen: CatalogueResource[] = []): BranchPlan => {
  const p = planBranch(cat, east, chosen);
  if (!isServable(p)) throw new Error('expected a servable plan');
  return p;
};
const summary = (cat: Catalogue, chosen: CatalogueResource[] = []) =>
  byLength(cat, plan(cat, chosen)).map((v) => [v.service.durationMin, v.plan.requirements.map((r) => r.candidates.map((c) => c.id))]);

describe("practitioners' own lengths", () => {
  it('without own lengths the plan stays whole, at the service length', () => {
    expect(summary(catalogue([]))).toEqual([[45, [['nair', 'kim', 'lee'], ['chair']]]]);
    expect(summary(catalogue([{ resourceId: 'nair', durationMin: null }]))).toEqual([[45, [['nair', 'kim', 'lee'], ['chair']]]]);
  });

  it('splits the practitioners by the length each takes, shortest first; the rest of the plan is shared', () => {
    const cat = catalogue([
      { resourceId: 'nair', durationMin: 60 },
      { resourceId: 'kim', durationMin: 30 },
      { resourceId: 'lee', durationMin: null },
    ]);
    expect(summary(cat)).toEqual([
      [30, [['kim'], ['chair']]],
      [45, [['lee'], ['chair']]],
      [60, [['nair'], ['chair']]],
    ]);
    expect(longest(byLength(cat, plan(cat))).durationMin).toBe(60);
  });

  it('a chosen practitioner takes his own length alone', () => {
    const cat = catalogue([{ resourceId: 'nair', durationMin: 60 }, { resourceId: 'kim', durationMin: 30 }]);
    expect(summary(cat, [nair])).toEqual([[60, [['nair'], ['chair']]]]);
  });

  it('own lengths are ignored for a service that needs two practitioners', () => {
    const cat = catalogue([{ resourceId: 'nair', durationMin: 60 }], [{ kind: 'PRACTITIONER', tag: 'dentist' }, { kind: 'PRACTITIONER', tag: 'dentist' }]);
    expect(summary(cat).map(([length]) => length)).toEqual([45]);
  });

  it('refusals of several lengths merge: what blocks the time wins over hours', () => {
    const taken = { ok: false as const, code: 'SLOT_TAKEN' as const, blockers: [{ resourceId: 'kim', kind: 'appointment' as const, startsAt: '2030-01-07T15:00:00.000Z', endsAt: '2030-01-07T16:00:00.000Z' }] };
    const closed = { ok: false as const, code: 'OUTSIDE_HOURS' as const, details: { resourceHours: [{ resourceId: 'nair', branchId: 'east', hours: [] }], timeOff: [] } };
    expect(mergeRefusals([closed, taken, taken])).toEqual(taken);
    expect(mergeRefusals([closed, closed])).toEqual(closed);
  });
});
