import { MINUTE, TIME_OF_DAY_PRESETS, WAITLIST_TIMES_OF_DAY, localDateOf, localDayBounds, wallTime, type SlotView, type WaitlistOfferView, type WaitlistTimeOfDay } from '@frontdesk/shared';
import type { AvailabilityService } from '../availability/availability.service.js';
import { withTenant } from '../db/request-scope.js';
import { inTransaction, type Db, type Tx } from '../db/tx.js';
import { appendEvents, type AnyNewEvent } from '../sync/append.js';
import type { OfferHolds } from './offer-hold.js';
import type { OfferMessages } from './offer-message.js';
import type { Candidate, Freed, NewOffer, WaitlistRepository } from './waitlist.repository.js';

/** Entries offered one freed time at most: the best-ranked that fit. */
export const OFFERS_PER_FREED_TIME = 5;
/** How long an offer stays on the desks (never past the time itself). */
export const OFFER_OPEN_MINUTES = 15;
/** Live entries read per freed time, best first; the fit is then checked against availability. */
const CANDIDATES_PER_FREED_TIME = 200;
/** Fewer for new working hours: each is a search over the entry's whole range. */
const CANDIDATES_PER_HOURS_CHANGE = 40;
const FREED_PER_TRANSACTION = 20;
const SYSTEM = { actorId: null, desk: 'waitlist' } as const;

export interface MatchRun {
  /** Freed times taken off the queue and matched. */
  freed: number;
  offers: number;
  expired: number;
}

/**
 * Matches freed time against the waitlist. The freed times come from the
 * event log (a trigger queues them, see the waitlist migration); a batch is
 * claimed with SKIP LOCKED and deleted in the transaction that writes its
 * offers and their `waitlist.offer` event, so with any number of server
 * processes each freed time is matched exactly once, and a crash mid-way
 * leaves it queued for the next run.
 */
export class WaitlistMatcher {
  constructor(
    private readonly db: Db,
    private readonly repo: WaitlistRepository,
    private readonly availability: AvailabilityService,
    private readonly messages: OfferMessages,
    private readonly now: () => Date = () => new Date(),
    private readonly holds: OfferHolds | null = null,
  ) {}

  /** One pass over every tenant with work: expiries, then every freed time queued. */
  async runOnce(): Promise<MatchRun> {
    const run: MatchRun = { freed: 0, offers: 0, expired: 0 };
    for (const tenantId of await this.repo.dueTenants(this.db)) {
      const part = await withTenant(tenantId, () => this.tenantOnce(tenantId));
      run.freed += part.freed;
      run.offers += part.offers;
      run.expired += part.expired;
    }
    return run;
  }

  private async tenantOnce(tenantId: string): Promise<MatchRun> {
    const run: MatchRun = { freed: 0, offers: 0, expired: 0 };
    run.expired = await this.expire(tenantId);
    for (;;) {
      const batch = await inTransaction(this.db, { tenantId }, async (tx) => {
        const freed = await this.repo.claimFreed(tx, tenantId, FREED_PER_TRANSACTION);
        const offers: NewOffer[] = [];
        const holdMinutes = this.holds && freed.length > 0 ? await this.holds.minutes(tx, tenantId) : 0;
        for (const f of freed) offers.push(...(await this.held(tx, tenantId, await this.match(tx, tenantId, f), holdMinutes)));
        const made = await this.offer(tx, tenantId, offers);
        return { freed: freed.length, offers: made };
      });
      run.freed += batch.freed;
      run.offers += batch.offers;
      if (batch.freed < FREED_PER_TRANSACTION) return run;
    }
  }

  /**
   * The clinic holds offers: the best-ranked one becomes a HELD appointment
   * for its patient and is the only offer of that time (one slot is never
   * bookable by two patients at once); when the hold is refused, the offers go out as before.
   */
  private async held(tx: Tx, tenantId: string, offers: NewOffer[], minutes: number): Promise<NewOffer[]> {
    const best = offers[0];
    if (!this.holds || minutes <= 0 || !best) return offers;
    const hold = await this.holds.place(tx, tenantId, best, minutes);
    if (!hold || !hold.holdExpiresAt) return offers;
    return [{ ...best, holdAppointmentId: hold.id, openUntil: new Date(hold.holdExpiresAt) }];
  }

  /** Entries past their range expire, their open offers close; held offers whose hold lapsed or was declined close; events say which. */
  private expire(tenantId: string): Promise<number> {
    return inTransaction(this.db, { tenantId }, async (tx) => {
      const lapsed = await this.repo.closeLapsedHolds(tx, tenantId);
      const entryIds = await this.repo.expireDue(tx, tenantId, 500);
      if (entryIds.length === 0) {
        if (lapsed.length > 0) await appendEvents(tx, SYSTEM, [{ type: 'waitlist.offer_closed', tenantId, branchId: null, aggregateId: null, payload: { offerIds: lapsed, reason: 'expired' } }]);
        return 0;
      }
      const closed: string[] = [...lapsed];
      for (const entryId of entryIds) closed.push(...(await this.repo.closeOffers(tx, tenantId, { entryId })));
      const events: AnyNewEvent[] = [{ type: 'waitlist.expired', tenantId, branchId: null, aggregateId: null, payload: { entryIds } }];
      if (closed.length > 0) events.push({ type: 'waitlist.offer_closed', tenantId, branchId: null, aggregateId: null, payload: { offerIds: closed, reason: 'expired' } });
      await appendEvents(tx, SYSTEM, events);
      return entryIds.length;
    });
  }

  /** The offers for one freed time: the best-ranked live entries that can take it, each with its first fitting start. */
  async match(tx: Tx, tenantId: string, f: Freed): Promise<NewOffer[]> {
    if (!f.branchId) return [];
    const zone = await this.repo.branchZone(tx, tenantId, f.branchId);
    // A lifted branch-wide closure names no practitioner: the next hours change or cancellation will.
    const practitioners = await this.repo.practitioners(tx, tenantId, f.resourceIds);
    if (!zone || practitioners.length === 0) return [];
    const now = this.now();
    const timed = f.startsAt !== null && f.endsAt !== null;
    if (timed && f.endsAt!.getTime() <= now.getTime()) return [];
    const from = timed ? new Date(Math.max(f.startsAt!.getTime(), now.getTime())) : now;
    const serviceIds = await this.repo.servicesOf(tx, tenantId, practitioners);
    if (serviceIds.length === 0) return [];
    const candidates = await this.repo.candidates(tx, {
      tenantId,
      branchId: f.branchId,
      practitionerIds: practitioners,
      serviceIds,
      timesOfDay: timed ? timesOfDayOf(from, f.endsAt!, zone) : null,
      date: timed ? localDateOf(from.getTime(), zone) : null,
      today: localDateOf(now.getTime(), zone),
      limit: timed ? CANDIDATES_PER_FREED_TIME : CANDIDATES_PER_HOURS_CHANGE,
    });
    const offeredBefore = await this.repo.offeredBefore(tx, tenantId, candidates.map((c) => c.id));
    const searches = new Map<string, Promise<SlotView | null>>();
    const offers: NewOffer[] = [];
    for (const c of candidates) {
      if (offers.length >= OFFERS_PER_FREED_TIME) break;
      // New hours are news to those not already holding an offer; a freed time, to everyone who fits.
      if (!timed && offeredBefore.open.has(c.id)) continue;
      const window = timed ? { from, to: f.endsAt! } : entryWindow(c, zone, now);
      if (!window) continue;
      for (const practitionerId of practitioners) {
        if (c.practitionerIds.length > 0 && !c.practitionerIds.includes(practitionerId)) continue;
        const key = `${c.serviceId}|${practitionerId}|${window.from.getTime()}|${window.to.getTime()}|${[...c.timesOfDay].sort().join(',')}`;
        if (!searches.has(key)) searches.set(key, this.firstStart(tenantId, f.branchId, c.serviceId, practitionerId, window, c.timesOfDay));
        const slot = await searches.get(key)!;
        if (!slot || offeredBefore.slots.has(`${c.id}|${slot.startsAt}`)) continue;
        const startsAt = new Date(slot.startsAt);
        offers.push({
          entryId: c.id,
          branchId: f.branchId,
          serviceId: c.serviceId,
          // The practitioner first: booking the offer asks for them and lets the rooms be picked again.
          resourceIds: [practitionerId, ...slot.resourceIds.filter((r) => r !== practitionerId)],
          startsAt,
          endsAt: new Date(slot.endsAt),
          freedBy: f.type,
          openUntil: new Date(Math.min(now.getTime() + OFFER_OPEN_MINUTES * MINUTE, startsAt.getTime())),
        });
        break;
      }
    }
    return offers;
  }

  /** Writes the offers and tells every desk (one event per branch); the best-ranked one's patient is messaged. */
  private async offer(tx: Tx, tenantId: string, offers: readonly NewOffer[]): Promise<number> {
    const ids = await this.repo.insertOffers(tx, tenantId, offers);
    if (ids.length === 0) return 0;
    const views = await this.repo.offers(tx, tenantId, { ids });
    const byBranch = new Map<string, WaitlistOfferView[]>();
    for (const v of views) byBranch.set(v.branchId, [...(byBranch.get(v.branchId) ?? []), v]);
    await appendEvents(
      tx,
      SYSTEM,
      [...byBranch].map(([branchId, list]): AnyNewEvent => ({ type: 'waitlist.offer', tenantId, branchId, aggregateId: null, payload: { offers: list } })),
    );
    for (const list of byBranch.values()) await this.messages.offerMade(tx, tenantId, list[0]!);
    return ids.length;
  }

  /** The earliest start for this service with this practitioner in the window, within the entry's times of day. */
  private async firstStart(tenantId: string, branchId: string, serviceId: string, practitionerId: string, window: { from: Date; to: Date }, times: readonly WaitlistTimeOfDay[]): Promise<SlotView | null> {
    const filters = times.length === 0 ? [undefined] : times.map((t) => TIME_OF_DAY_PRESETS[t]);
    let best: SlotView | null = null;
    for (const filter of filters) {
      const found = await this.availability
        .search({ tenantId, branchIds: [branchId], serviceId, resourceIds: [practitionerId], from: window.from, to: window.to, limit: 1, ...(filter ? { filter } : {}) })
        // A practitioner who does not offer the service (or left the branch) fits nobody.
        .catch(() => [] as SlotView[]);
      const slot = found[0];
      if (slot && (!best || slot.startsAt < best.startsAt)) best = slot;
    }
    return best;
  }
}

/** The times of day a start in [from, to) may fall in, by the wall clock; null (any) when the window crosses midnight. */
function timesOfDayOf(from: Date, to: Date, zone: string): WaitlistTimeOfDay[] | null {
  const minute = (instant: number) => {
    const [h, m] = wallTime(instant, zone).split(':').map(Number);
    return h! * 60 + m!;
  };
  const a = minute(from.getTime());
  const b = minute(to.getTime() - 1) + 1;
  if (b <= a) return null;
  return WAITLIST_TIMES_OF_DAY.filter((t) => TIME_OF_DAY_PRESETS[t].fromMin < b && a < TIME_OF_DAY_PRESETS[t].toMin);
}

/** New working hours: an entry's whole range still ahead, in the branch's zone. */
function entryWindow(c: Candidate, zone: string, now: Date): { from: Date; to: Date } | null {
  const from = Math.max(localDayBounds(c.fromDate, zone).start, now.getTime());
  const to = localDayBounds(c.toDate, zone).end;
  return from < to ? { from: new Date(from), to: new Date(to) } : null;
}
