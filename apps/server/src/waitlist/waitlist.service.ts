import type { z } from 'zod';
import {
  DomainError,
  WAITLIST_MAX_DAYS,
  domainErrorOf,
  localDateOf,
  localDayBounds,
  type AppointmentView,
  type WaitlistEntryView,
  type WaitlistOfferView,
  type waitlistAddInput,
  type waitlistBookOfferInput,
  type waitlistHoldSettingInput,
  type waitlistListInput,
  type waitlistRemoveInput,
} from '@frontdesk/shared';
import { assertBranch, mayActIn, type Actor } from '../auth/scope.js';
import type { BookingService } from '../booking/booking.service.js';
import { author } from '../booking/events.js';
import { inTransaction, type Db } from '../db/tx.js';
import { notFound } from '../errors.js';
import { appendEvents, type AnyNewEvent } from '../sync/append.js';
import { markOfferBooked } from './offer-link.js';
import type { WaitlistRepository } from './waitlist.repository.js';

const DAY_MS = 86_400_000;

/**
 * The waitlist's commands: add and remove an entry, list entries and open
 * offers, and book an offer through the normal booking command (so the
 * database's constraints decide who gets a freed time). Matching: matcher.ts.
 */
export class WaitlistService {
  constructor(
    private readonly db: Db,
    private readonly repo: WaitlistRepository,
    private readonly booking: BookingService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async add(actor: Actor, input: z.output<typeof waitlistAddInput>): Promise<WaitlistEntryView> {
    for (const branchId of input.branchIds) assertBranch(actor, branchId);
    const missing = await this.repo.missingRefs(this.db, actor.tenantId, input);
    if (missing.patient) throw new DomainError('BAD_INPUT', 'Choose a patient from the list.', { field: 'patientId' });
    if (missing.service) throw new DomainError('BAD_INPUT', 'That service is not offered.', { field: 'serviceId' });
    if (missing.practitioners) throw new DomainError('BAD_INPUT', 'Choose practitioners from the list.', { field: 'practitionerIds' });
    if (missing.branches) throw new DomainError('BAD_INPUT', 'Choose branches from the list.', { field: 'branchIds' });
    const zone = await this.repo.zoneFor(this.db, actor.tenantId, input.branchIds);
    if (!zone) throw new DomainError('BAD_INPUT', 'The clinic has no branch yet.', { field: 'branchIds' });
    const today = localDateOf(this.now().getTime(), zone);
    if (input.toDate < today) throw new DomainError('BAD_INPUT', 'The last day has already passed.', { field: 'toDate' });
    const expiresAt = new Date(localDayBounds(input.toDate, zone).end);
    if (expiresAt.getTime() - this.now().getTime() > WAITLIST_MAX_DAYS * DAY_MS) {
      throw new DomainError('BAD_INPUT', `A waitlist entry reaches at most ${WAITLIST_MAX_DAYS} days ahead.`, { field: 'toDate' });
    }
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      const id = await this.repo.insertEntry(tx, { tenantId: actor.tenantId, ...input, expiresAt, createdBy: actor.staffId });
      const [entry] = await this.repo.entries(tx, actor.tenantId, { ids: [id] });
      await appendEvents(tx, author(actor), [
        { type: 'waitlist.added', tenantId: actor.tenantId, branchId: input.branchIds.length === 1 ? input.branchIds[0]! : null, aggregateId: id, patientId: input.patientId, payload: { entry: entry! } },
      ]);
      return entry!;
    });
  }

  async remove(actor: Actor, input: z.output<typeof waitlistRemoveInput>): Promise<{ entryId: string }> {
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      const entry = await this.repo.status(tx, actor.tenantId, input.entryId);
      // An entry for other branches only is theirs to remove, as it is theirs to list.
      if (!entry || (entry.branchIds.length > 0 && !entry.branchIds.some((b) => mayActIn(actor, b)))) throw notFound('waitlist entry');
      if (!(await this.repo.remove(tx, actor.tenantId, input.entryId))) {
        const now = await this.repo.status(tx, actor.tenantId, input.entryId);
        if (now?.status === 'REMOVED') return { entryId: input.entryId };
        const status = now?.status ?? entry.status;
        throw new DomainError('INVALID_STATE', `That entry is already ${status.toLowerCase()}.`, { status });
      }
      const closed = await this.repo.closeOffers(tx, actor.tenantId, { entryId: input.entryId });
      const events: AnyNewEvent[] = [{ type: 'waitlist.removed', tenantId: actor.tenantId, branchId: null, aggregateId: input.entryId, payload: { entryId: input.entryId } }];
      if (closed.length > 0) events.push({ type: 'waitlist.offer_closed', tenantId: actor.tenantId, branchId: null, aggregateId: null, payload: { offerIds: closed, reason: 'taken' } });
      await appendEvents(tx, author(actor), events);
      return { entryId: input.entryId };
    });
  }

  /** Entries for any branch, or for one of the actor's. */
  async list(actor: Actor, input: z.output<typeof waitlistListInput>): Promise<WaitlistEntryView[]> {
    const entries = await this.repo.entries(this.db, actor.tenantId, { includeClosed: input.includeClosed });
    return entries.filter((e) => e.branchIds.length === 0 || e.branchIds.some((b) => mayActIn(actor, b)));
  }

  /** Offers still open, of the actor's branches. */
  async offers(actor: Actor): Promise<WaitlistOfferView[]> {
    const open = await this.repo.offers(this.db, actor.tenantId, { openAt: this.now() });
    return open.filter((o) => mayActIn(actor, o.branchId));
  }

  /** The clinic's offer hold (Setup › Clinic): minutes a freed time is held for the best-ranked patient, 0 = off. */
  async holdSetting(actor: Actor): Promise<{ holdMinutes: number }> {
    return { holdMinutes: await this.repo.holdMinutes(this.db, actor.tenantId) };
  }

  async setHoldSetting(actor: Actor, input: z.output<typeof waitlistHoldSettingInput>): Promise<{ holdMinutes: number }> {
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      await this.repo.setHoldMinutes(tx, actor.tenantId, input.holdMinutes);
      await appendEvents(tx, author(actor), [{ type: 'waitlist.settings_changed', tenantId: actor.tenantId, branchId: null, aggregateId: actor.tenantId, payload: { holdMinutes: input.holdMinutes } }]);
      return { holdMinutes: input.holdMinutes };
    });
  }

  /**
   * Books an offer with the normal booking command: the first desk to book
   * the freed time gets it (the exclusion constraint decides); the others get
   * SLOT_TAKEN, and the offer closes on every desk.
   */
  async bookOffer(actor: Actor, input: z.output<typeof waitlistBookOfferInput>): Promise<AppointmentView> {
    const [offer] = await this.repo.offers(this.db, actor.tenantId, { ids: [input.offerId] });
    if (!offer) throw notFound('offer');
    assertBranch(actor, offer.branchId);
    // A booked or closed offer is refused before any booking is tried; the booking itself decides the race.
    const state = await this.repo.offerState(this.db, actor.tenantId, offer.id);
    if (!state || state.status !== 'OPEN' || (state.entryStatus !== 'WAITING' && state.entryStatus !== 'OFFERED')) {
      throw new DomainError('INVALID_STATE', 'That offer is no longer open: it was booked or closed.', { status: state?.status ?? 'CLOSED' });
    }
    // A held offer is booked by confirming its hold (never a second booking): the hold's version decides against the patient's own answer.
    if (offer.hold) return this.confirmHold(actor, offer, offer.hold.appointmentId);
    let appointment: AppointmentView;
    try {
      appointment = await this.booking.book(actor, {
        branchId: offer.branchId,
        serviceId: offer.serviceId,
        startsAt: offer.startsAt,
        // The practitioner; rooms and chairs are picked again.
        resourceIds: offer.resourceIds.slice(0, 1),
        patientId: offer.patient.id,
        products: [],
        note: 'Booked from the waitlist',
        idempotencyKey: `waitlist-offer-${offer.id}`,
      });
    } catch (error) {
      if (domainErrorOf(error)?.code === 'SLOT_TAKEN' || (error instanceof DomainError && error.code === 'SLOT_TAKEN')) await this.close(actor, offer.id);
      throw error;
    }
    await inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      await this.repo.offerState(tx, actor.tenantId, offer.id, true);
      const closed = await this.repo.markBooked(tx, actor.tenantId, offer.entryId, offer.id, appointment.id);
      const events: AnyNewEvent[] = [
        { type: 'waitlist.booked', tenantId: actor.tenantId, branchId: offer.branchId, aggregateId: offer.entryId, patientId: offer.patient.id, payload: { entryId: offer.entryId, offerId: offer.id, appointmentId: appointment.id } },
      ];
      if (closed.length > 0) events.push({ type: 'waitlist.offer_closed', tenantId: actor.tenantId, branchId: null, aggregateId: null, payload: { offerIds: closed, reason: 'taken' } });
      await appendEvents(tx, author(actor), events);
    });
    return appointment;
  }

  private async confirmHold(actor: Actor, offer: WaitlistOfferView, appointmentId: string): Promise<AppointmentView> {
    const hold = await this.booking.get(actor, appointmentId);
    const appointment = await this.booking.confirm(actor, { appointmentId, version: hold.version, products: [], note: 'Booked from the waitlist' });
    await markOfferBooked(this.db, this.repo, actor.tenantId, { offerId: offer.id, entryId: offer.entryId, branchId: offer.branchId, patientId: offer.patient.id }, appointment.id, author(actor));
    return appointment;
  }

  /** The freed time went to someone else: the offer leaves every desk. */
  private close(actor: Actor, offerId: string): Promise<void> {
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      const closed = await this.repo.closeOffers(tx, actor.tenantId, { ids: [offerId] });
      if (closed.length === 0) return;
      await appendEvents(tx, author(actor), [{ type: 'waitlist.offer_closed', tenantId: actor.tenantId, branchId: null, aggregateId: null, payload: { offerIds: closed, reason: 'taken' } }]);
    });
  }
}
