import type { z } from 'zod';
import {
  DomainError,
  MINUTE,
  intersect,
  localDayBounds,
  localDateOf,
  normalize,
  subtract,
  candidateStarts,
  workingIntervals,
  type AppointmentView,
  type Blocker,
  type CapacitySessionView,
  type DayView,
  type ErrorDetails,
  type Interval,
  type ResourceKind,
  type SlotSuggestion,
  type SlotView,
  type TimeOffView,
  type dayInput,
  type findSlotsInput,
} from '@frontdesk/shared';
import { assertBranch, notFound, type Actor } from '../auth/scope.js';
import type { Db } from '../db/tx.js';
import { toAppointmentView } from './appointment-view.js';
import {
  AvailabilityRepository,
  type Busy,
  type Catalogue,
  type CatalogueResource,
  type SessionRow,
  type TimeOffRow,
} from './availability.repository.js';

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
}

export type SlotCheck =
  | { ok: true; slot: SlotView }
  | { ok: false; code: 'OUTSIDE_HOURS'; details: ErrorDetails['OUTSIDE_HOURS'] }
  | { ok: false; code: 'SLOT_TAKEN'; blockers: Blocker[] };

/** `branchIds` is accepted for symmetry with SlotQuery and ignored: `branchId` is the branch. */
export type CheckQuery = Omit<SlotQuery, 'from' | 'to' | 'limit' | 'exactStart' | 'branchIds'> & { branchIds?: string[]; branchId: string; start: Date };

export interface AlternativesQuery {
  tenantId: string;
  branchId: string;
  serviceId: string;
  around: Date;
  resourceIds?: string[];
  excludeAppointmentId?: string;
  limit?: number;
}

const DEFAULT_STEP_MINUTES = 15;
const DEFAULT_SEARCH_DAYS = 14;
const ALTERNATIVE_DAYS_AHEAD = 14;
const DAY_MS = 86_400_000;

// The catalogue (service, requirements, resources, hours) is cached briefly per
// process and database; occupancy and time off never are. Schedule commands
// made here invalidate at once; other processes catch up within the TTL.
const CATALOGUE_TTL_MS = 5_000;
type CatalogueCache = Map<string, Map<string, { at: number; value: Promise<Catalogue> }>>;
const catalogueCaches = new WeakMap<object, CatalogueCache>();

/** Forgets the cached catalogue of a tenant, after hours or resources change. */
export function invalidateCatalogue(db: Db, tenantId: string): void {
  catalogueCaches.get(db)?.delete(tenantId);
}

interface Requirement {
  kind: ResourceKind;
  tag: string | null;
  /** Candidates at the branch, the chosen one alone when one was chosen. */
  candidates: CatalogueResource[];
  chosen: boolean;
}

interface BranchPlan {
  branch: { id: string; name: string; timeZone: string };
  requirements: Requirement[];
  chosen: string[];
}

const fits = (r: CatalogueResource, req: { kind: ResourceKind; tag: string | null }) =>
  r.kind === req.kind && (req.tag === null || r.tags.includes(req.tag));

/** True when `inner` lies inside one interval of the sorted, merged `within`. */
function inside(within: readonly Interval[], inner: Interval): boolean {
  for (const w of within) {
    if (w.start > inner.start) return false;
    if (inner.end <= w.end) return true;
  }
  return false;
}

const overlapping = (b: { startsAt: Date; endsAt: Date }, range: Interval) =>
  b.startsAt.getTime() < range.end && b.endsAt.getTime() > range.start;

export class AvailabilityService {
  private readonly repo: AvailabilityRepository;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.repo = new AvailabilityRepository(db);
  }

  /** Free slots, earliest first, across branches and resources; never in the past. */
  async search(q: SlotQuery): Promise<SlotView[]> {
    const cat = await this.catalogue(q.tenantId, q.serviceId);
    const chosen = await this.chosenResources(q.tenantId, cat, q.resourceIds ?? []);
    if (!cat.service!.active || q.limit <= 0) return [];
    const service = cat.service!;
    const before = service.bufferBeforeMin * MINUTE;
    const after = (service.durationMin + service.bufferAfterMin) * MINUTE;
    const now = this.now().getTime();
    const from = q.from.getTime();
    let notBefore: number;
    let to: number;
    if (q.exactStart) {
      if (from < now) return [];
      notBefore = from;
      to = from + 1;
    } else {
      notBefore = Math.max(from, now);
      to = q.to.getTime();
    }
    if (notBefore >= to) return [];

    const wanted = new Set(q.branchIds);
    const plans = cat.branches
      .filter((b) => wanted.has(b.id))
      .map((b) => this.plan(cat, b, chosen))
      .filter((p): p is BranchPlan => p !== null && p.requirements.every((r) => r.candidates.length > 0));
    if (plans.length === 0) return [];

    const window: Interval = { start: notBefore - before, end: to - 1 + after };
    const busy = await this.repo.busy({
      tenantId: q.tenantId,
      resourceIds: [...new Set(plans.flatMap((p) => p.requirements.flatMap((r) => r.candidates.map((c) => c.id))))],
      branchIds: plans.map((p) => p.branch.id),
      from: new Date(window.start),
      to: new Date(window.end),
      now: new Date(now),
      excludeAppointmentId: q.excludeAppointmentId,
    });

    const step = q.stepMinutes ?? DEFAULT_STEP_MINUTES;
    const found: { slot: SlotView; at: number; branchOrder: number }[] = [];
    plans.forEach((plan, branchOrder) => {
      const free = this.freeByResource(plan, window, busy);
      const tryStart = (t: number): boolean => {
        const ids = this.assign(plan, free, { start: t - before, end: t + after });
        if (!ids) return false;
        found.push({ at: t, branchOrder, slot: { branchId: plan.branch.id, startsAt: new Date(t).toISOString(), endsAt: new Date(t + service.durationMin * MINUTE).toISOString(), resourceIds: ids } });
        return true;
      };
      if (q.exactStart) {
        tryStart(from);
        return;
      }
      // Every requirement must have some free candidate: starts inside that
      // intersection are the only ones worth checking one by one.
      const possible = plan.requirements
        .map((r) => normalize(r.candidates.flatMap((c) => free.get(c.id) ?? [])))
        .reduce((acc, next) => intersect(acc, next));
      const occupy = { durationMin: service.durationMin, bufferBeforeMin: service.bufferBeforeMin, bufferAfterMin: service.bufferAfterMin };
      let count = 0;
      for (const t of candidateStarts(possible, occupy, step, plan.branch.timeZone, notBefore)) {
        if (t >= to) break;
        if (tryStart(t) && ++count >= q.limit) break;
      }
    });
    found.sort((a, b) => a.at - b.at || a.branchOrder - b.branchOrder);
    return found.slice(0, q.limit).map((f) => f.slot);
  }

  /** Can this service start exactly at `start` at this branch, and with which resources? */
  async check(q: CheckQuery): Promise<SlotCheck> {
    const cat = await this.catalogue(q.tenantId, q.serviceId);
    const chosen = await this.chosenResources(q.tenantId, cat, q.resourceIds ?? []);
    const service = cat.service!;
    if (!service.active) throw new DomainError('BAD_INPUT', 'That service is no longer offered.', { field: 'serviceId' });
    const branch = cat.branches.find((b) => b.id === q.branchId);
    if (!branch) throw notFound('branch');

    const plan = this.plan(cat, branch, chosen);
    if (!plan) {
      const away = chosen.filter((r) => !(branch.id in r.hoursByBranch));
      return { ok: false, code: 'OUTSIDE_HOURS', details: { resourceHours: away.map((r) => ({ resourceId: r.id, branchId: branch.id, hours: [] })), timeOff: [] } };
    }
    if (plan.requirements.some((r) => r.candidates.length === 0)) {
      return { ok: false, code: 'OUTSIDE_HOURS', details: { resourceHours: [], timeOff: [] } };
    }

    const start = q.start.getTime();
    const occupy: Interval = { start: start - service.bufferBeforeMin * MINUTE, end: start + (service.durationMin + service.bufferAfterMin) * MINUTE };
    const busy = await this.repo.busy({
      tenantId: q.tenantId,
      resourceIds: [...new Set(plan.requirements.flatMap((r) => r.candidates.map((c) => c.id)))],
      branchIds: [branch.id],
      from: new Date(occupy.start),
      to: new Date(occupy.end),
      now: this.now(),
      excludeAppointmentId: q.excludeAppointmentId,
    });

    const free = this.freeByResource(plan, occupy, busy);
    const ids = this.assign(plan, free, occupy);
    if (ids) {
      return { ok: true, slot: { branchId: branch.id, startsAt: new Date(start).toISOString(), endsAt: new Date(start + service.durationMin * MINUTE).toISOString(), resourceIds: ids } };
    }

    // Why not: per requirement, each candidate is off (hours, time off), busy, or free.
    const timeOffOf = (r: CatalogueResource) =>
      busy.filter((b) => b.source === 'time_off' && (b.resourceId === r.id || (b.resourceId === null && b.branchId === branch.id)) && overlapping(b, occupy));
    const appointmentsOf = (r: CatalogueResource) => busy.filter((b) => b.source === 'appointment' && b.resourceId === r.id && overlapping(b, occupy));
    const isOff = (r: CatalogueResource) =>
      !inside(workingIntervals(occupy, r.hoursByBranch[branch.id] ?? [], branch.timeZone), occupy) || timeOffOf(r).length > 0;
    const failing = plan.requirements.filter((req) => !req.candidates.some((c) => inside(free.get(c.id) ?? [], occupy)));

    const closed = failing.filter((req) => req.candidates.every(isOff));
    if (closed.length > 0) {
      const candidates = unique(closed.flatMap((req) => req.candidates));
      const timeOff = uniqueBy(candidates.flatMap(timeOffOf), (b) => b.id);
      return {
        ok: false,
        code: 'OUTSIDE_HOURS',
        details: {
          resourceHours: candidates.map((r) => ({ resourceId: r.id, branchId: branch.id, hours: r.hoursByBranch[branch.id] ?? [] })),
          timeOff: timeOff.map((b) => ({ startsAt: b.startsAt.toISOString(), endsAt: b.endsAt.toISOString(), reason: b.reason })),
        },
      };
    }

    const blockers: Blocker[] = [];
    const seen = new Set<string>();
    for (const r of unique(failing.flatMap((req) => req.candidates))) {
      for (const b of [...appointmentsOf(r), ...timeOffOf(r)]) {
        const resourceId = b.source === 'time_off' ? b.resourceId : r.id;
        const key = `${b.id}:${resourceId}`;
        if (seen.has(key)) continue;
        seen.add(key);
        blockers.push({
          resourceId,
          kind: b.source === 'time_off' ? 'time_off' : b.status === 'HELD' ? 'hold' : 'appointment',
          startsAt: b.startsAt.toISOString(),
          endsAt: b.endsAt.toISOString(),
        });
      }
    }
    blockers.sort((a, b) => a.startsAt.localeCompare(b.startsAt));
    return { ok: false, code: 'SLOT_TAKEN', blockers };
  }

  /**
   * The free slots nearest to `around`: the same local day first (before or
   * after, nearest first), then the following days; with the chosen resources,
   * then with any.
   */
  async alternatives(q: AlternativesQuery): Promise<SlotSuggestion[]> {
    const limit = q.limit ?? 5;
    const cat = await this.catalogue(q.tenantId, q.serviceId);
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
      const base = { tenantId: q.tenantId, branchIds: [branch.id], serviceId: q.serviceId, resourceIds: pass.resourceIds, excludeAppointmentId: q.excludeAppointmentId };
      const sameDay = await this.search({ ...base, from: new Date(day.start), to: new Date(day.end), limit: 200 });
      sameDay.sort((a, b) => Math.abs(Date.parse(a.startsAt) - around) - Math.abs(Date.parse(b.startsAt) - around) || a.startsAt.localeCompare(b.startsAt));
      add(sameDay, pass.skipAround);
      if (out.length >= limit) break;
      add(await this.search({ ...base, from: new Date(day.end), to: new Date(day.end + ALTERNATIVE_DAYS_AHEAD * DAY_MS), limit: limit - out.length }), pass.skipAround);
      if (out.length >= limit) break;
    }
    return out;
  }

  /** findSlots for a desk: branches access-checked, ids checked against the tenant. */
  async findSlots(actor: Actor, input: z.output<typeof findSlotsInput>): Promise<SlotView[]> {
    const branchIds = input.branchIds ?? [...actor.branchIds];
    for (const b of branchIds) assertBranch(actor, b);
    const from = new Date(input.from);
    // Without `to`, look ahead from the first start that could be offered.
    const to = input.to ? new Date(input.to) : new Date(Math.max(from.getTime(), this.now().getTime()) + DEFAULT_SEARCH_DAYS * DAY_MS);
    return this.search({ tenantId: actor.tenantId, branchIds, serviceId: input.serviceId, resourceIds: input.resourceIds ?? [], from, to, limit: input.limit });
  }

  /** The day sheet of a branch's local day. */
  async day(actor: Actor, input: z.output<typeof dayInput>): Promise<DayView> {
    assertBranch(actor, input.branchId);
    const branch = await this.repo.branch(actor.tenantId, input.branchId);
    if (!branch) throw notFound('branch');
    // Read the log position first: every change after it reaches the desk as an event.
    const asOfSeq = await this.repo.headSeq(actor.tenantId);
    const bounds = localDayBounds(input.date, branch.timeZone);
    const from = new Date(bounds.start);
    const to = new Date(bounds.end);
    const resources = await this.repo.dayResources(actor.tenantId, branch.id);
    const [appointments, timeOff, sessions] = await Promise.all([
      this.repo.dayAppointments(actor.tenantId, branch.id, from, to),
      this.repo.dayTimeOff(actor.tenantId, branch.id, resources.map((r) => r.id), from, to),
      this.repo.daySessions(actor.tenantId, branch.id, from, to),
    ]);
    const now = this.now();
    return {
      branchId: branch.id,
      branchName: branch.name,
      timeZone: branch.timeZone,
      date: input.date,
      startsAt: from.toISOString(),
      endsAt: to.toISOString(),
      resources: resources.map((r) => ({
        id: r.id,
        kind: r.kind,
        name: r.name,
        tags: r.tags,
        working: workingIntervals(bounds, r.hours, branch.timeZone).map((i) => ({ startsAt: new Date(i.start).toISOString(), endsAt: new Date(i.end).toISOString() })),
      })),
      appointments: appointments.map((a): AppointmentView => toAppointmentView(a, now)),
      timeOff: timeOff.map(toTimeOffView),
      sessions: sessions.map(toSessionView),
      asOfSeq,
    };
  }

  private async catalogue(tenantId: string, serviceId: string): Promise<Catalogue> {
    let cache = catalogueCaches.get(this.db);
    if (!cache) catalogueCaches.set(this.db, (cache = new Map()));
    let tenant = cache.get(tenantId);
    if (!tenant) cache.set(tenantId, (tenant = new Map()));
    const hit = tenant.get(serviceId);
    const at = Date.now();
    let value: Promise<Catalogue>;
    if (hit && at - hit.at < CATALOGUE_TTL_MS) value = hit.value;
    else {
      value = this.repo.catalogue(tenantId, serviceId);
      tenant.set(serviceId, { at, value });
      value.catch(() => tenant.delete(serviceId));
    }
    const cat = await value;
    if (!cat.service) {
      tenant.delete(serviceId);
      throw notFound('service');
    }
    return cat;
  }

  /** The chosen resources, in the order given; unknown → NOT_FOUND, unfit → BAD_INPUT. */
  private async chosenResources(tenantId: string, cat: Catalogue, ids: string[]): Promise<CatalogueResource[]> {
    const byId = new Map(cat.resources.map((r) => [r.id, r]));
    const unique = [...new Set(ids)];
    const missing = unique.filter((id) => !byId.has(id));
    if (missing.length > 0) {
      const existing = await this.repo.existingResourceIds(tenantId, missing);
      if (missing.some((id) => !existing.has(id))) throw notFound('resource');
      throw new DomainError('BAD_INPUT', 'That resource cannot provide this service.', { field: 'resourceIds' });
    }
    const chosen = unique.map((id) => byId.get(id)!);
    if (chosen.length > cat.requirements.length) throw new DomainError('BAD_INPUT', 'More resources were chosen than this service needs.', { field: 'resourceIds' });
    return chosen;
  }

  /** The requirements at a branch with their candidates; null when a chosen resource does not work there. */
  private plan(cat: Catalogue, branch: { id: string; name: string; timeZone: string }, chosen: CatalogueResource[]): BranchPlan | null {
    if (chosen.some((r) => !(branch.id in r.hoursByBranch))) return null;
    const requirements: Requirement[] = cat.requirements.map((req) => ({ ...req, candidates: [], chosen: false }));
    for (const r of chosen) {
      const slot = requirements.find((req) => !req.chosen && fits(r, req));
      if (!slot) throw new DomainError('BAD_INPUT', 'The chosen resources do not match what this service needs.', { field: 'resourceIds' });
      slot.chosen = true;
      slot.candidates = [r];
    }
    const chosenIds = new Set(chosen.map((r) => r.id));
    for (const req of requirements) {
      if (req.chosen) continue;
      req.candidates = cat.resources.filter((r) => !chosenIds.has(r.id) && branch.id in r.hoursByBranch && fits(r, req));
    }
    return { branch, requirements, chosen: chosen.map((r) => r.id) };
  }

  /** Each candidate's free time at the plan's branch inside `window`. */
  private freeByResource(plan: BranchPlan, window: Interval, busy: Busy[]): Map<string, Interval[]> {
    const branchOff = busy.filter((b) => b.source === 'time_off' && b.resourceId === null && b.branchId === plan.branch.id).map(toInterval);
    const free = new Map<string, Interval[]>();
    for (const r of new Set(plan.requirements.flatMap((req) => req.candidates))) {
      const working = workingIntervals(window, r.hoursByBranch[plan.branch.id] ?? [], plan.branch.timeZone);
      const taken = busy.filter((b) => b.resourceId === r.id).map(toInterval);
      free.set(r.id, subtract(working, [...taken, ...branchOff]));
    }
    return free;
  }

  /** Distinct resources, one per requirement, free over `occupy`; chosen first. */
  private assign(plan: BranchPlan, free: Map<string, Interval[]>, occupy: Interval): string[] | null {
    const options = plan.requirements.map((req) => req.candidates.filter((c) => inside(free.get(c.id) ?? [], occupy)).map((c) => c.id));
    if (options.some((o) => o.length === 0)) return null;
    const picked: string[] = [];
    const used = new Set<string>();
    const walk = (i: number): boolean => {
      if (i === options.length) return true;
      for (const id of options[i]!) {
        if (used.has(id)) continue;
        used.add(id);
        picked[i] = id;
        if (walk(i + 1)) return true;
        used.delete(id);
      }
      return false;
    };
    if (!walk(0)) return null;
    const chosen = new Set(plan.chosen);
    return [...plan.chosen, ...picked.filter((id) => !chosen.has(id))];
  }
}

const toInterval = (b: { startsAt: Date; endsAt: Date }): Interval => ({ start: b.startsAt.getTime(), end: b.endsAt.getTime() });

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

function uniqueBy<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}

export function toTimeOffView(row: TimeOffRow): TimeOffView {
  return {
    id: row.id,
    branchId: row.branchId,
    resourceId: row.resourceId,
    kind: row.kind,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    reason: row.reason,
  };
}

export function toSessionView(row: SessionRow): CapacitySessionView {
  return {
    id: row.id,
    branchId: row.branchId,
    resourceId: row.resourceId,
    name: row.name,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    capacity: row.capacity,
    issued: row.issued,
    nowServing: row.nowServing,
  };
}
