import type { z } from 'zod';
import {
  DomainError,
  type ResourceKind,
  type activateServiceInput,
  type createServiceInput,
  type deactivateServiceInput,
  type setPriceInput,
  type setServicePractitionersInput,
  type updateServiceInput,
} from '@frontdesk/shared';
import { NOTHING_SETTLED, type AffectedAppointments, type Resolutions, type SettleScope, type Settled } from '../affected/affected.js';
import { assertBranch, type Actor } from '../auth/scope.js';
import type { CatalogueCache } from '../availability/catalogue-cache.js';
import type { ServiceTermsCache } from '../booking/service-terms.js';
import { inTransaction, type Db, type Tx } from '../db/tx.js';
import { notFound } from '../errors.js';
import { appendEvents, type AnyNewEvent } from '../sync/append.js';
import type { ServiceSetupRow, ServicesRepository } from './services.repository.js';

/** A service as the setup screen shows it: everything it takes, needs, who offers it and its own branch prices. */
export interface ServiceSetupView {
  id: string;
  name: string;
  durationMin: number;
  bufferBeforeMin: number;
  bufferAfterMin: number;
  basePriceCents: number;
  colour: string;
  active: boolean;
  requirements: { kind: ResourceKind; tag: string | null }[];
  /** Empty: any practitioner meeting the requirements offers it. */
  practitioners: { resourceId: string; name: string; active: boolean; durationMin: number | null }[];
  /** Branches with a price of their own (of the actor's branches); the others charge the base price. */
  prices: { branchId: string; priceCents: number }[];
}

export interface ServiceResult {
  service: ServiceSetupView;
  /** What was done with the appointments the change broke. */
  settled: Settled;
}

type Definition = z.output<typeof createServiceInput>;
type Practitioners = Definition['practitioners'];
/** A definition as written: tags trimmed (empty: none), ids in lower case, each practitioner's own length or null. */
type Checked = Omit<Definition, 'requirements' | 'practitioners'> & {
  requirements: { kind: ResourceKind; tag: string | null }[];
  practitioners: { resourceId: string; durationMin: number | null }[];
};

// The clinic's services: what they take, need, who offers them, their prices.
// Each command is one transaction that validates, writes, settles the
// appointments it would break (deps.affected) and appends its events.
export class ServicesService {
  constructor(
    private readonly db: Db,
    private readonly repo: ServicesRepository,
    /** Told after every change, so slot searches and bookings see it at once. */
    private readonly catalogues: CatalogueCache,
    private readonly terms: ServiceTermsCache,
    /** Settles the appointments a change breaks, inside its transaction. */
    private readonly affected: AffectedAppointments,
    private readonly now: () => Date,
  ) {}

  /** Every service of the tenant, inactive ones too. */
  async list(actor: Actor): Promise<ServiceSetupView[]> {
    const rows = await this.repo.list(this.db, actor.tenantId);
    return rows.map((row) => toView(row, actor));
  }

  async create(actor: Actor, input: z.output<typeof createServiceInput>): Promise<ServiceResult> {
    return this.changed(actor, async (tx) => {
      const definition = await this.checked(tx, actor, input, null);
      const serviceId = await this.repo.insert(tx, actor.tenantId, fieldsOf(definition));
      await this.repo.replaceRequirements(tx, actor.tenantId, serviceId, definition.requirements);
      await this.repo.replacePractitioners(tx, actor.tenantId, serviceId, definition.practitioners);
      await this.repo.replacePrices(tx, actor.tenantId, serviceId, definition.prices);
      return { serviceId, settled: NOTHING_SETTLED, events: [serviceChanged(actor, serviceId, 'created')] };
    });
  }

  async update(actor: Actor, input: z.output<typeof updateServiceInput>): Promise<ServiceResult> {
    return this.changed(actor, async (tx) => {
      const before = await this.locked(tx, actor, input.serviceId);
      const definition = await this.checked(tx, actor, input, before.id);
      await this.repo.update(tx, actor.tenantId, before.id, fieldsOf(definition));
      await this.repo.replaceRequirements(tx, actor.tenantId, before.id, definition.requirements);
      await this.repo.replacePractitioners(tx, actor.tenantId, before.id, definition.practitioners);
      await this.repo.replacePrices(tx, actor.tenantId, before.id, definition.prices);
      const settled = await this.settleRemoved(tx, actor, before, definition.practitioners, input.resolutions);
      const events = [serviceChanged(actor, before.id, 'updated'), ...priceEvents(actor, before, definition)];
      return { serviceId: before.id, settled, events };
    });
  }

  async setPractitioners(actor: Actor, input: z.output<typeof setServicePractitionersInput>): Promise<ServiceResult> {
    return this.changed(actor, async (tx) => {
      const before = await this.locked(tx, actor, input.serviceId);
      const practitioners = await this.checkedPractitioners(tx, actor, before.requirements, input.practitioners);
      await this.repo.replacePractitioners(tx, actor.tenantId, before.id, practitioners);
      const settled = await this.settleRemoved(tx, actor, before, practitioners, input.resolutions);
      return { serviceId: before.id, settled, events: [serviceChanged(actor, before.id, 'practitioners')] };
    });
  }

  /** The service is no longer offered; its future appointments are settled first (keep, cancel, move). */
  async deactivate(actor: Actor, input: z.output<typeof deactivateServiceInput>): Promise<ServiceResult> {
    return this.changed(actor, async (tx) => {
      const before = await this.locked(tx, actor, input.serviceId);
      if (!before.active) return { serviceId: before.id, settled: NOTHING_SETTLED, events: [] };
      await this.repo.setActive(tx, actor.tenantId, before.id, false);
      const settled = await this.affected.settle(tx, actor, { serviceIds: [before.id], from: this.now() }, input.resolutions);
      return { serviceId: before.id, settled, events: [serviceChanged(actor, before.id, 'deactivated')] };
    });
  }

  async activate(actor: Actor, input: z.output<typeof activateServiceInput>): Promise<ServiceResult> {
    return this.changed(actor, async (tx) => {
      const before = await this.locked(tx, actor, input.serviceId);
      if (before.active) return { serviceId: before.id, settled: NOTHING_SETTLED, events: [] };
      await this.repo.setActive(tx, actor.tenantId, before.id, true);
      return { serviceId: before.id, settled: NOTHING_SETTLED, events: [serviceChanged(actor, before.id, 'activated')] };
    });
  }

  /** A branch's own price of a service: an admin anywhere, a manager at their own branches (catalog.setPrice). */
  async setPrice(actor: Actor, input: z.output<typeof setPriceInput>): Promise<{ serviceId: string; branchId: string; priceCents: number }> {
    assertBranch(actor, input.branchId);
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      if (!(await this.repo.branch(tx, actor.tenantId, input.branchId))) throw notFound('branch');
      if (!(await this.repo.one(tx, actor.tenantId, input.serviceId))) throw notFound('service');
      await this.repo.setPrice(tx, { tenantId: actor.tenantId, ...input });
      await appendEvents(tx, author(actor), [priceChanged(actor, input.serviceId, input.branchId, input.priceCents)]);
      return { serviceId: input.serviceId, branchId: input.branchId, priceCents: input.priceCents };
    }).finally(() => this.terms.invalidate(actor.tenantId));
  }

  // ---- internals ---------------------------------------------------------

  /** One command: its work and events in one transaction, then the catalogues forgotten and the service as it is now. */
  private async changed(actor: Actor, work: (tx: Tx) => Promise<{ serviceId: string; settled: Settled; events: AnyNewEvent[] }>): Promise<ServiceResult> {
    const result = await inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      const done = await work(tx);
      await appendEvents(tx, author(actor), done.events);
      const row = await this.repo.one(tx, actor.tenantId, done.serviceId);
      return { service: toView(row!, actor), settled: done.settled };
    });
    this.catalogues.invalidate(actor.tenantId);
    this.terms.invalidate(actor.tenantId);
    return result;
  }

  private async locked(tx: Tx, actor: Actor, serviceId: string): Promise<ServiceSetupRow> {
    const row = await this.repo.lock(tx, actor.tenantId, serviceId);
    if (!row) throw notFound('service');
    return row;
  }

  /** The definition with its ids checked against the tenant and its rules in plain words; tags trimmed, empty ones none. */
  private async checked(tx: Tx, actor: Actor, input: Definition, serviceId: string | null): Promise<Checked> {
    const requirements = input.requirements.map((r) => ({ kind: r.kind, tag: r.tag ? r.tag : null }));
    const prices = input.prices.map((p) => ({ branchId: p.branchId.toLowerCase(), priceCents: p.priceCents }));
    const known = await this.repo.branchIds(tx, actor.tenantId, prices.map((p) => p.branchId));
    if (prices.some((p) => !known.has(p.branchId))) throw notFound('branch');
    const practitioners = await this.checkedPractitioners(tx, actor, requirements, input.practitioners);
    if (await this.repo.sameName(tx, actor.tenantId, input.name, serviceId)) {
      throw new DomainError('BAD_INPUT', `A service called "${input.name}" already exists.`, { field: 'name' });
    }
    return { ...input, requirements, practitioners, prices };
  }

  /** Listed practitioners must be practitioners of the tenant who meet what the service needs of one. */
  private async checkedPractitioners(
    tx: Tx,
    actor: Actor,
    requirements: readonly { kind: ResourceKind; tag: string | null }[],
    practitioners: Practitioners,
  ): Promise<{ resourceId: string; durationMin: number | null }[]> {
    const list = practitioners.map((p) => ({ resourceId: p.resourceId.toLowerCase(), durationMin: p.durationMin ?? null }));
    const found = new Map((await this.repo.resources(tx, actor.tenantId, list.map((p) => p.resourceId))).map((r) => [r.id, r]));
    if (list.some((p) => !found.has(p.resourceId))) throw notFound('resource');
    if (list.length === 0) return list;
    const needed = requirements.filter((r) => r.kind === 'PRACTITIONER');
    const bad = (message: string) => new DomainError('BAD_INPUT', message, { field: 'practitioners' });
    if (needed.length === 0) throw bad('Only a service that needs a practitioner can list who offers it. Add "a practitioner" to what it needs, or clear the list.');
    for (const p of list) {
      const r = found.get(p.resourceId)!;
      if (r.kind !== 'PRACTITIONER') throw bad(`${r.name} is not a practitioner.`);
      if (!needed.some((q) => q.tag === null || r.tags.includes(q.tag))) {
        const tags = [...new Set(needed.map((q) => `"${q.tag}"`))].join(' or ');
        throw bad(`${r.name} does not have the tag ${tags} this service needs.`);
      }
    }
    if (needed.length > 1 && list.some((p) => p.durationMin !== null)) {
      throw bad('A practitioner can have an own length only for a service that needs one practitioner.');
    }
    return list;
  }

  /**
   * Practitioners taken off the service: their future appointments of it are
   * settled. From "anyone" to a list, everyone not on it is taken off.
   */
  private async settleRemoved(tx: Tx, actor: Actor, before: ServiceSetupRow, after: readonly { resourceId: string }[], resolutions: Resolutions): Promise<Settled> {
    if (after.length === 0) return NOTHING_SETTLED;
    const kept = new Set(after.map((p) => p.resourceId));
    const removed = before.practitioners.map((p) => p.resourceId).filter((id) => !kept.has(id));
    if (before.practitioners.length > 0 && removed.length === 0) return NOTHING_SETTLED;
    const scope: SettleScope = { serviceIds: [before.id], from: this.now(), ...(before.practitioners.length > 0 ? { resourceIds: removed } : {}) };
    return this.affected.settle(tx, actor, scope, resolutions);
  }
}

function toView(row: ServiceSetupRow, actor: Actor): ServiceSetupView {
  const { priceCents, practitioners, prices, ...rest } = row;
  return {
    ...rest,
    basePriceCents: priceCents,
    practitioners: practitioners.map((p) => ({ resourceId: p.resourceId, name: p.resource.name, active: p.resource.active, durationMin: p.durationMin })),
    prices: prices.filter((p) => actor.branchIds.includes(p.branchId)),
  };
}

function fieldsOf(d: Checked) {
  return { name: d.name, durationMin: d.durationMin, bufferBeforeMin: d.bufferBeforeMin, bufferAfterMin: d.bufferAfterMin, priceCents: d.basePriceCents, colour: d.colour.toLowerCase() };
}

const author = (actor: Actor) => ({ actorId: actor.staffId, desk: actor.desk });

function serviceChanged(actor: Actor, serviceId: string, change: 'created' | 'updated' | 'practitioners' | 'deactivated' | 'activated'): AnyNewEvent {
  return { type: 'service.changed', tenantId: actor.tenantId, branchId: null, aggregateId: serviceId, payload: { serviceId, change } };
}

function priceChanged(actor: Actor, serviceId: string, branchId: string, priceCents: number): AnyNewEvent {
  return { type: 'price.changed', tenantId: actor.tenantId, branchId, aggregateId: serviceId, payload: { serviceId, branchId, priceCents } };
}

/** price.changed for each branch whose own price was set, changed or dropped (it then charges the new base price). */
function priceEvents(actor: Actor, before: ServiceSetupRow, after: Checked): AnyNewEvent[] {
  const was = new Map(before.prices.map((p) => [p.branchId, p.priceCents]));
  const now = new Map(after.prices.map((p) => [p.branchId, p.priceCents]));
  const events: AnyNewEvent[] = [];
  for (const [branchId, priceCents] of now) if (was.get(branchId) !== priceCents) events.push(priceChanged(actor, before.id, branchId, priceCents));
  for (const branchId of was.keys()) if (!now.has(branchId)) events.push(priceChanged(actor, before.id, branchId, after.basePriceCents));
  return events;
}
