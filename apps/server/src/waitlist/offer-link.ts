import type { AppointmentView } from '@frontdesk/shared';
import type { Actor } from '../auth/scope.js';
import type { BookingService } from '../booking/booking.service.js';
import { withTenant } from '../db/request-scope.js';
import { inTransaction, type Db } from '../db/tx.js';
import { readLink, signLink, verifyLink } from '../messages/links.js';
import type { MessagesRepository } from '../messages/messages.repository.js';
import { appendEvents, type AnyNewEvent } from '../sync/append.js';
import type { HeldOffer, WaitlistRepository } from './waitlist.repository.js';

// The patient's answer to a held waitlist offer, through the signed link in
// the offer message (purpose waitlist_accept, expiring with the hold). Accept
// confirms THAT hold at its version through the booking's confirm; Decline
// releases it, and the freed time goes to the next entry.

export const OFFER_LINK_PREFIX = '/w/';
const PATIENT_DESK = 'patient link';

/** What the patient's page shows. */
export interface OfferLinkPage {
  clinic: string;
  service: string;
  practitioner: string;
  branch: string;
  /** "Tue 24 Nov" */
  date: string;
  /** "14:00" */
  time: string;
  /** open: may accept or decline; booked: they took it; otherwise it is gone. */
  state: 'open' | 'booked' | 'gone';
}

export type OfferLinkAnswer = { ok: boolean; text: string; page: OfferLinkPage | null };

export class OfferLinks {
  constructor(
    private readonly db: Db,
    private readonly repo: WaitlistRepository,
    private readonly messages: MessagesRepository,
    private readonly booking: BookingService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The signed path of a held offer's link, or null when the clinic has no link key yet (messages never set up). */
  async linkPath(tx: Parameters<MessagesRepository['settings']>[0], tenantId: string, offerId: string, until: Date): Promise<string | null> {
    const settings = await this.messages.settings(tx, tenantId);
    if (!settings) return null;
    return `${OFFER_LINK_PREFIX}${signLink(settings.linkSecret, { tenantId, messageId: offerId, purpose: 'waitlist_accept', expires: Math.ceil(until.getTime() / 1000) })}`;
  }

  /** The page behind the link; null for a link that is not genuine, not this purpose, or expired. */
  async page(token: string): Promise<OfferLinkPage | null> {
    const found = await this.offerOf(token);
    return found && toPage(found.offer, this.now());
  }

  async answer(token: string, answer: 'accept' | 'decline'): Promise<OfferLinkAnswer> {
    const found = await this.offerOf(token);
    if (!found) return { ok: false, text: 'This link does not work any more.', page: null };
    const { tenantId, offer } = found;
    const page = toPage(offer, this.now());
    if (offer.status === 'BOOKED') return { ok: false, text: 'You have already taken this time.', page };
    const hold = offer.hold;
    if (page.state !== 'open' || !hold) return { ok: false, text: 'This time is no longer held for you; please call the clinic.', page };
    const patient = { staffId: null, tenantId, role: 'ADMIN', name: 'Patient', branchIds: [offer.branchId], sessionId: '', desk: PATIENT_DESK, mustChangePassword: false } as unknown as Actor;
    if (answer === 'decline') {
      const released = await withTenant(tenantId, () => this.booking.release(patient, { appointmentId: hold.appointmentId, version: hold.version })).catch((e: unknown) => e);
      if (released instanceof Error) return { ok: false, text: 'This time is no longer held for you.', page: { ...page, state: 'gone' } };
      await this.closed(tenantId, offer.offerId);
      return { ok: true, text: 'Thank you: the time is offered to someone else. You stay on the waiting list.', page: { ...page, state: 'gone' } };
    }
    const booked = await withTenant(tenantId, () =>
      this.booking.confirm(patient, { appointmentId: hold.appointmentId, version: hold.version, products: [], note: 'Booked by the patient from a waitlist offer' }),
    ).catch((e: unknown) => e);
    if (booked instanceof Error) {
      // Another answer (or a desk) got there first, or the hold ran out: the patient reads a plain sentence.
      const now = await inTransaction(this.db, { tenantId }, (tx) => this.repo.heldOffer(tx, tenantId, offer.offerId));
      if (now?.status === 'BOOKED' || now?.hold?.status === 'BOOKED') return { ok: false, text: 'You have already taken this time.', page: { ...page, state: 'booked' } };
      return { ok: false, text: 'This time is no longer held for you; please call the clinic.', page: { ...page, state: 'gone' } };
    }
    await markOfferBooked(this.db, this.repo, tenantId, offer, (booked as AppointmentView).id, { actorId: null, desk: PATIENT_DESK });
    return { ok: true, text: 'Booked: see you then. The clinic has your booking.', page: { ...page, state: 'booked' } };
  }

  private closed(tenantId: string, offerId: string): Promise<void> {
    return inTransaction(this.db, { tenantId }, async (tx) => {
      const closed = await this.repo.closeOffers(tx, tenantId, { ids: [offerId] });
      if (closed.length > 0) await appendEvents(tx, { actorId: null, desk: PATIENT_DESK }, [{ type: 'waitlist.offer_closed', tenantId, branchId: null, aggregateId: null, payload: { offerIds: closed, reason: 'expired' } }]);
    });
  }

  private async offerOf(token: string): Promise<{ tenantId: string; offer: HeldOffer } | null> {
    const claims = readLink(token);
    if (!claims || claims.purpose !== 'waitlist_accept') return null;
    const { tenantId } = claims;
    return inTransaction(this.db, { tenantId }, async (tx) => {
      const settings = await this.messages.settings(tx, tenantId);
      if (!settings || !verifyLink(settings.linkSecret, token, this.now())) return null;
      const offer = await this.repo.heldOffer(tx, tenantId, claims.messageId);
      return offer?.hold ? { tenantId, offer } : null;
    });
  }
}

function toPage(o: HeldOffer, now: Date): OfferLinkPage {
  const live = o.hold?.status === 'HELD' && o.hold.expiresAt !== null && o.hold.expiresAt > now && o.status === 'OPEN';
  return {
    clinic: o.clinicName,
    service: o.serviceName,
    practitioner: o.practitionerName ?? '',
    branch: o.branchName,
    date: new Intl.DateTimeFormat('en-GB', { timeZone: o.timeZone, weekday: 'long', day: 'numeric', month: 'long' }).format(o.startsAt),
    time: new Intl.DateTimeFormat('en-GB', { timeZone: o.timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(o.startsAt),
    state: o.status === 'BOOKED' || o.hold?.status === 'BOOKED' ? 'booked' : live ? 'open' : 'gone',
  };
}


/** The offer's entry is booked with this appointment (its confirmed hold); the entry's other offers close; one event says so. */
export function markOfferBooked(db: Db, repo: WaitlistRepository, tenantId: string, offer: Pick<HeldOffer, 'offerId' | 'entryId' | 'branchId' | 'patientId'>, appointmentId: string, who: { actorId: string | null; desk: string }): Promise<void> {
  return inTransaction(db, { tenantId }, async (tx) => {
    await repo.offerState(tx, tenantId, offer.offerId, true);
    const closed = await repo.markBooked(tx, tenantId, offer.entryId, offer.offerId, appointmentId);
    const events: AnyNewEvent[] = [
      { type: 'waitlist.booked', tenantId, branchId: offer.branchId, aggregateId: offer.entryId, patientId: offer.patientId, payload: { entryId: offer.entryId, offerId: offer.offerId, appointmentId } },
    ];
    if (closed.length > 0) events.push({ type: 'waitlist.offer_closed', tenantId, branchId: null, aggregateId: null, payload: { offerIds: closed, reason: 'taken' } });
    await appendEvents(tx, who, events);
  });
}
