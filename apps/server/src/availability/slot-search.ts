import {
  DomainError,
  MINUTE,
  candidateStarts,
  intersect,
  localDatesBetween,
  localMinuteToInstant,
  normalize,
  subtract,
  workingIntervals,
  type Blocker,
  type ErrorDetails,
  type Interval,
  type ResourceKind,
  type SlotView,
  wallTime,
} from '@frontdesk/shared';
import type { Busy, BusyTime, Catalogue, CatalogueResource, CatalogueService } from './availability.repository.js';

// The slot search, with no database: from a service's catalogue (requirements,
// candidate resources, their weekly hours) and what is busy, which starts are
// free and with which resources, or why a start is not. The availability
// service loads the inputs and asks here.

export type CatalogueBranch = Catalogue['branches'][number];

interface Requirement {
  kind: ResourceKind;
  tag: string | null;
  /** Candidates at the branch, the chosen one alone when one was chosen. */
  candidates: CatalogueResource[];
  chosen: boolean;
}

/** What a branch must provide for the service, with the resources that could. */
export interface BranchPlan {
  branch: CatalogueBranch;
  requirements: Requirement[];
  chosen: string[];
}

export type SlotCheck =
  | { ok: true; slot: SlotView }
  | { ok: false; code: 'OUTSIDE_HOURS'; details: ErrorDetails['OUTSIDE_HOURS'] }
  | { ok: false; code: 'SLOT_TAKEN'; blockers: Blocker[] };

export interface SlotWindow {
  /** The earliest start offered. */
  notBefore: number;
  /** Starts before this instant only. */
  to: number;
  /** Only `notBefore` itself (no step alignment). */
  exactStart: boolean;
  /** Local wall-clock alignment of starts. */
  stepMinutes: number;
  limit: number;
  /** Only starts at these local times / weekdays (the finder's filters). */
  filter?: StartFilter;
}

/** The finder's filters on a start, read in the branch's zone. */
export interface StartFilter {
  /** Local minutes [fromMin, toMin) of the start. */
  fromMin?: number;
  toMin?: number;
  /** ISO weekdays, 1 Monday … 7 Sunday. */
  weekdays?: readonly number[];
}

/** The instants in `range` a start may fall in under `filter`, per local day, sorted. */
export function allowedStarts(range: Interval, timeZone: string, filter: StartFilter): Interval[] {
  const days = filter.weekdays ? new Set(filter.weekdays) : null;
  const out: Interval[] = [];
  for (const date of localDatesBetween(range, timeZone)) {
    if (days && !days.has(isoWeekday(date))) continue;
    const start = localMinuteToInstant(date, filter.fromMin ?? 0, timeZone);
    const end = localMinuteToInstant(date, filter.toMin ?? 1440, timeZone);
    out.push({ start, end });
  }
  return intersect(normalize(out), [range]);
}

/** ISO weekday of a calendar date (zone-free). */
function isoWeekday(date: string): number {
  const d = new Date(`${date}T12:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

const fits = (r: CatalogueResource, req: { kind: ResourceKind; tag: string | null }) =>
  r.kind === req.kind && (req.tag === null || r.tags.includes(req.tag));

/** The time a start at `start` takes away from its resources, buffers included. */
export function occupiedBy(service: CatalogueService, start: number): Interval {
  return { start: start - service.bufferBeforeMin * MINUTE, end: start + (service.durationMin + service.bufferAfterMin) * MINUTE };
}

/** All the time any start in the window could occupy: what the busy read must cover. */
export function searchSpan(service: CatalogueService, window: Pick<SlotWindow, 'notBefore' | 'to'>): Interval {
  return { start: occupiedBy(service, window.notBefore).start, end: occupiedBy(service, window.to - 1).end };
}

/** Occupied time plus buffers: the shortest free time a start needs. */
export function fitMinutes(service: CatalogueService): number {
  return service.bufferBeforeMin + service.durationMin + service.bufferAfterMin;
}

const HOUR = 60 * MINUTE;
/** Zones change offset twice a year at most, never twice within a day: a sample a day finds every change. */
const GRID_SAMPLE_MS = 24 * HOUR;
/** A zone's offset minutes past the hour, by zone and minute (clocks change on a minute; bounded: cleared when full). */
const offsetMinuteCache = new Map<string, number>();

/** The minutes past the hour of a zone's UTC offset at an instant (0–59). */
function offsetMinute(t: number, zone: string): number {
  const key = `${zone}|${Math.floor(t / MINUTE)}`;
  let minute = offsetMinuteCache.get(key);
  if (minute === undefined) {
    if (offsetMinuteCache.size >= 10_000) offsetMinuteCache.clear();
    minute = (((Number(wallTime(t, zone).slice(3, 5)) - new Date(t).getUTCMinutes()) % 60) + 60) % 60;
    offsetMinuteCache.set(key, minute);
  }
  return minute;
}

/**
 * True when every start a search over `span` could offer lies on one fixed
 * grid of instants: the step divides the hour, and no zone's UTC offset moves
 * by other than a multiple of the step inside the span (a DST change of an
 * hour keeps quarter hours on quarter hours). Then whether a start is offered
 * depends only on the time around it, never on where its free stretch began,
 * so free time too short for any start can be read as busy (busyTimes).
 */
export function onFixedGrid(timeZones: readonly string[], span: Interval, stepMinutes: number): boolean {
  if (!Number.isInteger(stepMinutes) || stepMinutes <= 0 || 60 % stepMinutes !== 0) return false;
  for (const zone of new Set(timeZones)) {
    const first = offsetMinute(span.start, zone) % stepMinutes;
    for (let t = span.start; t < span.end + GRID_SAMPLE_MS; t += GRID_SAMPLE_MS) {
      if (offsetMinute(Math.min(t, span.end), zone) % stepMinutes !== first) return false;
    }
  }
  return true;
}

/** The requirements at a branch with their candidates; null when a chosen resource does not work there. */
export function planBranch(cat: Catalogue, branch: CatalogueBranch, chosen: readonly CatalogueResource[]): BranchPlan | null {
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

/** True when every requirement has someone who could meet it. */
export function isServable(plan: BranchPlan | null): plan is BranchPlan {
  return plan !== null && plan.requirements.every((r) => r.candidates.length > 0);
}

/** The OUTSIDE_HOURS answer for a branch that cannot provide the service with these resources at any time. */
export function notServed(branch: CatalogueBranch, chosen: readonly CatalogueResource[], plan: BranchPlan | null): SlotCheck & { ok: false } {
  const away = plan ? [] : chosen.filter((r) => !(branch.id in r.hoursByBranch));
  return { ok: false, code: 'OUTSIDE_HOURS', details: { resourceHours: away.map((r) => ({ resourceId: r.id, branchId: branch.id, hours: [] })), timeOff: [] } };
}

/** Every resource the plans could use (what the busy read asks about). */
export function candidateIds(plans: readonly BranchPlan[]): string[] {
  return [...new Set(plans.flatMap((p) => p.requirements.flatMap((r) => r.candidates.map((c) => c.id))))];
}

/** Free slots across the plans' branches, earliest first (the branch order breaks ties), at most `limit`. */
export function freeSlots(service: CatalogueService, plans: readonly BranchPlan[], busy: readonly BusyTime[], window: SlotWindow): SlotView[] {
  const span = searchSpan(service, window);
  const found: { slot: SlotView; at: number; branchOrder: number }[] = [];
  plans.forEach((plan, branchOrder) => {
    const free = freeByResource(plan, span, busy);
    const tryStart = (t: number): boolean => {
      const ids = assign(plan, free, occupiedBy(service, t));
      if (!ids) return false;
      found.push({ at: t, branchOrder, slot: slotView(service, plan.branch.id, t, ids) });
      return true;
    };
    if (window.exactStart) {
      tryStart(window.notBefore);
      return;
    }
    // Every requirement must have some free candidate: starts inside that
    // intersection are the only ones worth checking one by one.
    const possible = plan.requirements
      .map((r) => normalize(r.candidates.flatMap((c) => free.get(c.id) ?? [])))
      .reduce((acc, next) => intersect(acc, next));
    const allowed = window.filter ? allowedStarts({ start: window.notBefore, end: window.to }, plan.branch.timeZone, window.filter) : null;
    let at = 0;
    let count = 0;
    for (const t of candidateStarts(possible, service, window.stepMinutes, plan.branch.timeZone, window.notBefore)) {
      if (t >= window.to) break;
      if (allowed) {
        // Starts come in order: walk the allowed windows along with them.
        while (at < allowed.length && allowed[at]!.end <= t) at++;
        if (at === allowed.length) break;
        if (t < allowed[at]!.start) continue;
      }
      if (tryStart(t) && ++count >= window.limit) break;
    }
  });
  found.sort((a, b) => a.at - b.at || a.branchOrder - b.branchOrder);
  return found.slice(0, window.limit).map((f) => f.slot);
}

/**
 * Whether the service can start exactly at `start` with the plan's
 * resources, and if not why: OUTSIDE_HOURS when every candidate of some
 * requirement is off (hours, time off), else SLOT_TAKEN with what blocks it.
 */
export function checkStart(service: CatalogueService, plan: BranchPlan, busy: readonly Busy[], start: number): SlotCheck {
  const { branch } = plan;
  const occupy = occupiedBy(service, start);
  const free = freeByResource(plan, occupy, busy);
  const ids = assign(plan, free, occupy);
  if (ids) return { ok: true, slot: slotView(service, branch.id, start, ids) };

  // Why not: per requirement, each candidate is off (hours, time off), busy, or free.
  const timeOffOf = (r: CatalogueResource) =>
    busy.filter((b) => b.source === 'time_off' && (b.resourceId === r.id || (b.resourceId === null && b.branchId === branch.id)) && overlapping(b, occupy));
  const appointmentsOf = (r: CatalogueResource) => busy.filter((b) => b.source === 'appointment' && b.resourceId === r.id && overlapping(b, occupy));
  const isOff = (r: CatalogueResource) =>
    !inside(workingIntervals(occupy, r.hoursByBranch[branch.id] ?? [], branch.timeZone, r.exceptionsByBranch?.[branch.id]), occupy) || timeOffOf(r).length > 0;
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

function slotView(service: CatalogueService, branchId: string, start: number, resourceIds: string[]): SlotView {
  return { branchId, startsAt: new Date(start).toISOString(), endsAt: new Date(start + service.durationMin * MINUTE).toISOString(), resourceIds };
}

/** Each candidate's free time at the plan's branch inside `window`. */
function freeByResource(plan: BranchPlan, window: Interval, busy: readonly BusyTime[]): Map<string, Interval[]> {
  const branchOff = busy.filter((b) => b.source === 'time_off' && b.resourceId === null && b.branchId === plan.branch.id).map(toInterval);
  const takenBy = new Map<string, Interval[]>();
  for (const b of busy) {
    if (b.resourceId === null) continue;
    const list = takenBy.get(b.resourceId);
    if (list) list.push(toInterval(b));
    else takenBy.set(b.resourceId, [toInterval(b)]);
  }
  // Resources with the same hours share one computation of them (a branch's staff often do).
  const workingByHours = new Map<string, Interval[]>();
  const free = new Map<string, Interval[]>();
  for (const r of new Set(plan.requirements.flatMap((req) => req.candidates))) {
    const hours = r.hoursByBranch[plan.branch.id] ?? [];
    const exceptions = r.exceptionsByBranch?.[plan.branch.id];
    const key = JSON.stringify([hours, exceptions ?? null]);
    let working = workingByHours.get(key);
    if (!working) workingByHours.set(key, (working = workingIntervals(window, hours, plan.branch.timeZone, exceptions)));
    free.set(r.id, subtract(working, [...(takenBy.get(r.id) ?? []), ...branchOff]));
  }
  return free;
}

/** Distinct resources, one per requirement, free over `occupy`; chosen first. */
function assign(plan: BranchPlan, free: Map<string, Interval[]>, occupy: Interval): string[] | null {
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

const toInterval = (b: { startsAt: Date; endsAt: Date }): Interval => ({ start: b.startsAt.getTime(), end: b.endsAt.getTime() });

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

function uniqueBy<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}
