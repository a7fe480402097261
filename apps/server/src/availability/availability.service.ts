import type { z } from 'zod';
import { DomainError, TIME_OF_DAY_PRESETS, localDayBounds, localDateOf, slotKey, type SlotSuggestion, type SlotView, type findSlotsInput } from '@frontdesk/shared';
import { assertBranch, type Actor } from '../auth/scope.js';
import { notFound } from '../errors.js';
import { LRUCache } from 'lru-cache';
import { commitGeneration } from '../db/commit-wake.js';
import { inTransaction, type Db, type Tx } from '../db/tx.js';
import type { AvailabilityRepository, Catalogue, CatalogueResource } from './availability.repository.js';
import type { CatalogueCache } from './catalogue-cache.js';
import { candidateIds, checkStart, fitMinutes, freeSlots, isServable, notServed, occupiedBy, onFixedGrid, planBranch, searchSpan, type SlotCheck, type StartFilter } from './slot-search.js';
import { byLength, longest, mergeRefusals } from './practitioner-lengths.js';

export type { SlotCheck } from './slot-search.js';

export interface SlotQuery {
  tenantId: string;
  /** Branches to search (already access-checked by the caller). */
  branchIds: string[];
  serviceId: string;
  /** Resources that must be used (e.g. the chosen practitioner); the others are picked. */
  resourceIds?: string[];
  /** Window for the start instant, [from, to). */
  from: Date;
  to: Date;
  limit: number;
  /** Only a slot starting exactly at `from` (no step alignment). */
  exactStart?: boolean;
  /** Ignore this appointment's own occupancy (used by move). */
  excludeAppointmentId?: string;
  /** Local wall-clock alignment of starts; default 15. */
  stepMinutes?: number;
  /** The finder's time-of-day and weekday filters. */
  filter?: StartFilter;
  /**
   * Read inside this transaction, past the catalogue cache: a setup change
   * moving the appointments it affects sees its own uncommitted schedule.
   */
  tx?: Tx;
}

/** `branchIds` is accepted for symmetry with SlotQuery and ignored: `branchId` is the branch. */
export type CheckQuery = Omit<SlotQuery, 'from' | 'to' | 'limit' | 'exactStart' | 'branchIds'> & {
  branchIds?: string[];
  branchId: string;
  start: Date;
  /** Reads what is busy inside this transaction (a booking's own, under its locks); the catalogue still comes from the cache. */
  busyIn?: Tx;
};

export interface AlternativesQuery {
  tenantId: string;
  branchId: string;
  serviceId: string;
  around: Date;
  resourceIds?: string[];
  excludeAppointmentId?: string;
  limit?: number;
  tx?: Tx;
}

const DEFAULT_STEP_MINUTES = 15;
const DEFAULT_SEARCH_DAYS = 14;
const ALTERNATIVE_DAYS_AHEAD = 14;
const DAY_MS = 86_400_000;
/** How long the searches behind alternatives are shared at most; any commit with events this process learns of ends the sharing sooner. */
const SHARED_SEARCH_TTL_MS = 1_000;

/** Free time: loads the catalogue and what is busy, and lets the slot search (slot-search.ts) decide. */
export class AvailabilityService {
  /** The searches behind alternatives, shared by the refusals that ask the same one before anything commits (a flash crowd's losers). */
  private readonly sharedSearches = new LRUCache<string, { generation: number; slots: Promise<SlotView[]> }>({ max: 1_000, ttl: SHARED_SEARCH_TTL_MS });

  constructor(
    private readonly db: Db,
    private readonly repo: AvailabilityRepository,
    private readonly catalogues: CatalogueCache,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Free slots, earliest first, across branches and resources; never in the past. */
  async search(q: SlotQuery): Promise<SlotView[]> {
    const cat = await this.catalogue(q);
    const chosen = await this.chosenResources(q.tenantId, cat, q.resourceIds ?? []);
    const service = cat.service!;
    if (!service.active || q.limit <= 0) return [];
    const now = this.now().getTime();
    const from = q.from.getTime();
    if (q.exactStart && from < now) return [];
    const notBefore = q.exactStart ? from : Math.max(from, now);
    const to = q.exactStart ? from + 1 : q.to.getTime();
    if (notBefore >= to) return [];

    const wanted = new Set(q.branchIds);
    const plans = cat.branches
      .filter((b) => wanted.has(b.id))
      .map((b) => planBranch(cat, b, chosen))
      .filter(isServable);
    if (plans.length === 0) return [];
    const variants = plans.flatMap((p) => byLength(cat, p));
    const span = searchSpan(longest(variants), { notBefore, to });
    const stepMinutes = q.stepMinutes ?? DEFAULT_STEP_MINUTES;
    // Free time shorter than the shortest length is read as busy, where that cannot move a start (onFixedGrid).
    const fixedGrid = onFixedGrid(plans.map((p) => p.branch.timeZone), span, stepMinutes);
    const busyQuery = {
      tenantId: q.tenantId,
      resourceIds: candidateIds(plans),
      branchIds: plans.map((p) => p.branch.id),
      from: new Date(span.start),
      to: new Date(span.end),
      now: new Date(now),
      excludeAppointmentId: q.excludeAppointmentId,
      shortestFitMin: fixedGrid ? Math.min(...variants.map((v) => fitMinutes(v.service))) : 0,
    };
    // Outside a transaction of the caller's, one statement straight on a pooled connection (db/pg-tx.ts): a month
    // at a busy branch is about a thousand rows, which cost Node more through Prisma's raw-query machinery.
    const busy = q.tx
      ? await this.repo.busyTimes(q.tx, busyQuery)
      : await inTransaction(this.db, { tenantId: q.tenantId, direct: true }, (tx) => this.repo.busyTimes(tx, busyQuery));
    const window = { notBefore, to, exactStart: q.exactStart ?? false, stepMinutes, limit: q.limit, filter: q.filter };
    // Practitioners with their own lengths: each length searched alone, then merged earliest first, branch order breaking ties.
    const lengths = [...new Set(variants.map((v) => v.service.durationMin))];
    if (lengths.length === 1) return freeSlots(variants[0]!.service, variants.map((v) => v.plan), busy, window);
    const order = (branchId: string) => plans.findIndex((p) => p.branch.id === branchId);
    return lengths
      .flatMap((length) => {
        const same = variants.filter((v) => v.service.durationMin === length);
        return freeSlots(same[0]!.service, same.map((v) => v.plan), busy, window);
      })
      .sort((a, b) => a.startsAt.localeCompare(b.startsAt) || order(a.branchId) - order(b.branchId))
      .slice(0, q.limit);
  }

  /** Can this service start exactly at `start` at this branch, and with which resources? */
  async check(q: CheckQuery): Promise<SlotCheck> {
    // Inside a booking's transaction every read goes through it (never a second connection while it is held).
    const cat = q.busyIn && !q.tx ? await this.catalogues.get(q.tenantId, q.serviceId, q.busyIn) : await this.catalogue(q);
    const chosen = await this.chosenResources(q.tenantId, cat, q.resourceIds ?? [], q.busyIn);
    const service = cat.service!;
    if (!service.active) throw new DomainError('BAD_INPUT', 'That service is no longer offered.', { field: 'serviceId' });
    const branch = cat.branches.find((b) => b.id === q.branchId);
    if (!branch) throw branchNotBookable(cat, q.branchId);
    const plan = planBranch(cat, branch, chosen);
    if (!isServable(plan)) return notServed(branch, chosen, plan);

    const variants = byLength(cat, plan);
    const occupy = occupiedBy(longest(variants), q.start.getTime());
    const busy = await this.repo.busy(q.tx ?? q.busyIn ?? this.db, {
      tenantId: q.tenantId,
      resourceIds: candidateIds([plan]),
      branchIds: [branch.id],
      from: new Date(occupy.start),
      to: new Date(occupy.end),
      now: this.now(),
      excludeAppointmentId: q.excludeAppointmentId,
    });
    // The slot's end is the length of the practitioner it is with.
    const refusals: (SlotCheck & { ok: false })[] = [];
    for (const v of variants) {
      const answer = checkStart(v.service, v.plan, busy, q.start.getTime());
      if (answer.ok) return answer;
      refusals.push(answer);
    }
    return refusals.length === 1 ? refusals[0]! : mergeRefusals(refusals);
  }

  /**
   * The free slots nearest to `around`: the same local day first (before or
   * after, nearest first), then the following days; with the chosen resources,
   * then with any.
   */
  async alternatives(q: AlternativesQuery): Promise<SlotSuggestion[]> {
    const limit = q.limit ?? 5;
    const cat = await this.catalogue(q);
    const branch = cat.branches.find((b) => b.id === q.branchId);
    if (!branch || limit <= 0) return [];
    const around = q.around.getTime();
    const day = localDayBounds(localDateOf(around, branch.timeZone), branch.timeZone);
    const out: SlotSuggestion[] = [];
    const seen = new Set<string>();
    const add = (slots: SlotView[], skipAround: boolean) => {
      for (const s of slots) {
        if (out.length >= limit) return;
        const key = `${s.startsAt}|${s.resourceIds.join(',')}`;
        if (seen.has(key) || (skipAround && Date.parse(s.startsAt) === around)) continue;
        seen.add(key);
        out.push(s);
      }
    };
    const passes: { resourceIds: string[]; skipAround: boolean }[] = [{ resourceIds: q.resourceIds ?? [], skipAround: true }];
    if (q.resourceIds?.length) passes.push({ resourceIds: [], skipAround: false });
    for (const pass of passes) {
      const base = { tenantId: q.tenantId, branchIds: [branch.id], serviceId: q.serviceId, resourceIds: pass.resourceIds, excludeAppointmentId: q.excludeAppointmentId, tx: q.tx };
      // Nearest first, earlier first between two as near: each slot's distance worked out once, not per comparison.
      const sameDay = (await this.sharedSearch({ ...base, from: new Date(day.start), to: new Date(day.end), limit: 200 }))
        .map((slot) => ({ slot, distance: Math.abs(Date.parse(slot.startsAt) - around) }))
        .sort((a, b) => a.distance - b.distance || (a.slot.startsAt < b.slot.startsAt ? -1 : a.slot.startsAt > b.slot.startsAt ? 1 : 0))
        .map((x) => x.slot);
      add(sameDay, pass.skipAround);
      if (out.length >= limit) break;
      add(await this.sharedSearch({ ...base, from: new Date(day.end), to: new Date(day.end + ALTERNATIVE_DAYS_AHEAD * DAY_MS), limit: limit - out.length }), pass.skipAround);
      if (out.length >= limit) break;
    }
    return out;
  }

  /**
   * findSlots for a desk: branches access-checked, ids checked against the
   * tenant; with the finder's filters, any of several practitioners, "show
   * more" paging past the slots already seen, or each practitioner's earliest.
   */
  async findSlots(actor: Actor, input: z.output<typeof findSlotsInput>): Promise<SlotView[]> {
    const branchIds = input.branchIds ?? [...actor.branchIds];
    for (const b of branchIds) assertBranch(actor, b);
    const after = input.after ? Date.parse(input.after.startsAt) : null;
    const from = new Date(Math.max(Date.parse(input.from), after ?? -Infinity));
    // Without `to`, look ahead from the first start that could be offered.
    const to = input.to ? new Date(input.to) : new Date(Math.max(from.getTime(), this.now().getTime()) + DEFAULT_SEARCH_DAYS * DAY_MS);
    const preset = typeof input.timeOfDay === 'string' ? TIME_OF_DAY_PRESETS[input.timeOfDay] : input.timeOfDay;
    const filter = preset || input.weekdays ? { ...preset, weekdays: input.weekdays } : undefined;
    const seen = new Set(input.after?.seen ?? []);
    const base = { tenantId: actor.tenantId, branchIds, serviceId: input.serviceId, from, to, filter };
    const fixed = input.resourceIds ?? [];

    if (input.group === 'earliestPerPractitioner') {
      const ids = input.practitionerIds?.length ? [...new Set(input.practitionerIds)] : await this.practitionersOf(actor.tenantId, input.serviceId, fixed);
      const earliest = await Promise.all(ids.map((p) => this.search({ ...base, resourceIds: [p, ...fixed.filter((id) => id !== p)], limit: 1 })));
      return earliest.flatMap((slots) => slots.slice(0, 1)).sort((a, b) => a.startsAt.localeCompare(b.startsAt)).slice(0, input.limit);
    }

    // Asked for enough to still fill the page once the seen ones are left out.
    const limit = Math.min(input.limit + seen.size, 400);
    const practitioners = input.practitionerIds?.length ? [...new Set(input.practitionerIds)] : null;
    const found = practitioners
      ? (await Promise.all(practitioners.map((p) => this.search({ ...base, resourceIds: [p, ...fixed.filter((id) => id !== p)], limit })))).flat()
      : await this.search({ ...base, resourceIds: fixed, limit });
    const order = (branchId: string) => branchIds.indexOf(branchId);
    const out: SlotView[] = [];
    const keys = new Set(seen);
    for (const slot of practitioners ? found.sort((a, b) => a.startsAt.localeCompare(b.startsAt) || order(a.branchId) - order(b.branchId)) : found) {
      const key = slotKey(slot);
      if (keys.has(key)) continue;
      keys.add(key);
      out.push(slot);
      if (out.length >= input.limit) break;
    }
    return out;
  }

  /** A search as `search` answers it, reused while no commit with events came between (never inside a transaction). */
  private sharedSearch(q: SlotQuery): Promise<SlotView[]> {
    if (q.tx) return this.search(q);
    const key = JSON.stringify([q.tenantId, q.branchIds, q.serviceId, q.resourceIds ?? [], q.excludeAppointmentId ?? null, q.from.getTime(), q.to.getTime(), q.limit]);
    const generation = commitGeneration();
    const shared = this.sharedSearches.get(key);
    if (shared && shared.generation === generation) return shared.slots;
    const slots = this.search(q);
    this.sharedSearches.set(key, { generation, slots });
    // A failed search is not shared.
    slots.catch(() => {
      if (this.sharedSearches.peek(key)?.slots === slots) this.sharedSearches.delete(key);
    });
    return slots;
  }

  /** The practitioners who could give the service (the service's list, else any practitioner meeting its requirements). */
  private async practitionersOf(tenantId: string, serviceId: string, fixed: readonly string[]): Promise<string[]> {
    const cat = await this.catalogue({ tenantId, serviceId });
    return cat.resources.filter((r) => r.kind === 'PRACTITIONER' && !fixed.includes(r.id)).map((r) => r.id);
  }

  /** The service's catalogue: from the cache, or read fresh inside the caller's transaction. */
  private async catalogue(q: { tenantId: string; serviceId: string; tx?: Tx | undefined }): Promise<Catalogue> {
    if (!q.tx) return this.catalogues.get(q.tenantId, q.serviceId);
    const cat = await this.repo.catalogue(q.tx, q.tenantId, q.serviceId);
    if (!cat.service) throw notFound('service');
    return cat;
  }

  /** The chosen resources, in the order given; unknown → NOT_FOUND, unfit → BAD_INPUT. */
  private async chosenResources(tenantId: string, cat: Catalogue, ids: string[], via?: Tx): Promise<CatalogueResource[]> {
    const byId = new Map(cat.resources.map((r) => [r.id, r]));
    const unique = [...new Set(ids)];
    const missing = unique.filter((id) => !byId.has(id));
    if (missing.length > 0) {
      const existing = await this.repo.existingResources(via ?? this.db, tenantId, missing);
      if (missing.some((id) => !existing.has(id))) throw notFound('resource');
      // A practitioner left off the service's list: say so by name.
      const unlisted = cat.practitioners.length > 0 ? [...existing.values()].find((r) => r.kind === 'PRACTITIONER') : undefined;
      if (unlisted) throw new DomainError('BAD_INPUT', `${unlisted.name} does not offer ${cat.service!.name}.`, { field: 'resourceIds' });
      throw new DomainError('BAD_INPUT', 'That resource cannot provide this service.', { field: 'resourceIds' });
    }
    const chosen = unique.map((id) => byId.get(id)!);
    if (chosen.length > cat.requirements.length) throw new DomainError('BAD_INPUT', 'More resources were chosen than this service needs.', { field: 'resourceIds' });
    return chosen;
  }
}

/** A branch missing from the catalogue: closed for booking (said by name), or not the tenant's at all. */
function branchNotBookable(cat: Catalogue, branchId: string): DomainError {
  const closed = cat.closedBranches?.find((b) => b.id === branchId);
  return closed ? new DomainError('BAD_INPUT', `${closed.name} is closed for booking.`, { field: 'branchId' }) : notFound('branch');
}
