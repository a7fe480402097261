import { wallTime, type WaitlistOfferView } from '@frontdesk/shared';
import type { Tx } from '../db/tx.js';
import { messages } from '../messages/index.js';
import type { OfferLinks } from './offer-link.js';
import type { WaitlistRepository } from './waitlist.repository.js';

/**
 * The patient's side of an offer: the one seam between the waitlist and
 * patient messages (messages/). Called inside the transaction that writes the
 * offer, so a message is queued exactly when the offer commits.
 */
export interface OfferMessages {
  offerMade(tx: Tx, tenantId: string, offer: WaitlistOfferView): Promise<void>;
}

/**
 * Queues the clinic's `waitlist_offer` message to the best-ranked patient,
 * unless their entry asks for a phone call (the desk calls; the offer is on
 * every desk). The messages module checks the clinic sends this kind and the
 * patient consents. The patient answers by calling or replying: the time is
 * booked at a desk, where the first to book it wins.
 */
export class PatientOfferMessages implements OfferMessages {
  constructor(
    private readonly repo: WaitlistRepository,
    /** For held offers: the signed accept/decline link, and where patients open it. */
    private readonly links: { links: OfferLinks; publicUrl: string } | null = null,
  ) {}

  async offerMade(tx: Tx, tenantId: string, offer: WaitlistOfferView): Promise<void> {
    const entry = await this.repo.offerContact(tx, tenantId, offer.entryId, offer.branchId);
    if (!entry || entry.contact === 'phone') return;
    const startsAt = Date.parse(offer.startsAt);
    // A held offer carries its own link (expiring with the hold); otherwise the patient replies or calls.
    const path = offer.hold && this.links ? await this.links.links.linkPath(tx, tenantId, offer.id, new Date(offer.hold.until)) : null;
    const link = path && this.links ? `${this.links.publicUrl.replace(/\/$/, '')}${path}` : 'reply or call us to take it';
    await messages.enqueue(tx, {
      tenantId,
      kind: 'waitlist_offer',
      patientId: offer.patient.id,
      appointmentId: null,
      branchId: offer.branchId,
      version: 1,
      vars: {
        service: offer.serviceName,
        practitioner: offer.practitionerName ?? '',
        date: new Intl.DateTimeFormat('en-GB', { timeZone: entry.timeZone, weekday: 'short', day: 'numeric', month: 'short' }).format(startsAt),
        time: wallTime(startsAt, entry.timeZone),
        link,
      },
    });
  }
}
