import type { Blocker, ResourceHours } from '@frontdesk/shared';
import type { Catalogue, CatalogueService } from './availability.repository.js';
import type { BranchPlan, SlotCheck } from './slot-search.js';

// A practitioner may take longer (or less long) than the service's own
// length. The slot search itself knows one length per call, so a branch's
// plan is split here into one plan per length, each with the practitioners
// who take it; the service asks the slot search about each and merges.

/** A plan with the length its practitioners take. */
export interface LengthVariant {
  service: CatalogueService;
  plan: BranchPlan;
}

/**
 * The plan split by the length its practitioners take, shortest first. Own
 * lengths count only for a service that needs one practitioner (the setup
 * refuses them otherwise); without any, the plan as it is.
 */
export function byLength(cat: Catalogue, plan: BranchPlan): LengthVariant[] {
  const service = cat.service!;
  const own = ownLengths(cat);
  const practitioner = plan.requirements.filter((r) => r.kind === 'PRACTITIONER');
  const req = practitioner[0];
  if (own.size === 0 || practitioner.length !== 1 || !req) return [{ service, plan }];
  const groups = new Map<number, typeof req.candidates>();
  for (const c of req.candidates) {
    const length = own.get(c.id) ?? service.durationMin;
    groups.set(length, [...(groups.get(length) ?? []), c]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([durationMin, candidates]) => ({
      service: { ...service, durationMin },
      plan: { ...plan, requirements: plan.requirements.map((r) => (r === req ? { ...r, candidates } : r)) },
    }));
}

/** The longest length any of the variants takes: how far a busy read must look. */
export function longest(variants: readonly LengthVariant[]): CatalogueService {
  return variants.reduce((a, b) => (b.service.durationMin > a.service.durationMin ? b : a)).service;
}

/** One answer from the variants' refusals: what blocks the time wins over hours (it comes with alternatives). */
export function mergeRefusals(refusals: readonly (SlotCheck & { ok: false })[]): SlotCheck & { ok: false } {
  const taken = refusals.filter((r) => r.code === 'SLOT_TAKEN');
  if (taken.length > 0) {
    const blockers = uniqueBy(taken.flatMap((r) => r.blockers), (b: Blocker) => `${b.resourceId}|${b.kind}|${b.startsAt}|${b.endsAt}`);
    blockers.sort((a, b) => a.startsAt.localeCompare(b.startsAt));
    return { ok: false, code: 'SLOT_TAKEN', blockers };
  }
  const closed = refusals.filter((r) => r.code === 'OUTSIDE_HOURS');
  return {
    ok: false,
    code: 'OUTSIDE_HOURS',
    details: {
      resourceHours: uniqueBy(closed.flatMap((r) => r.details.resourceHours), (h: ResourceHours) => `${h.resourceId}|${h.branchId}`),
      timeOff: uniqueBy(closed.flatMap((r) => r.details.timeOff), (t) => `${t.startsAt}|${t.endsAt}|${t.reason}`),
    },
  };
}

function ownLengths(cat: Catalogue): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of cat.practitioners ?? []) if (p.durationMin !== null) out.set(p.resourceId, p.durationMin);
  return out;
}

function uniqueBy<T>(items: readonly T[], key: (t: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}
