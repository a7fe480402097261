import type { WaitlistOfferView } from '@frontdesk/shared';
import type { Tx } from '../db/tx.js';

/**
 * The patient's side of an offer: the one seam between the waitlist and
 * patient messages (messages/). Called inside the transaction that writes the
 * offer, so a message is queued exactly when the offer commits.
 */
export interface OfferMessages {
  offerMade(tx: Tx, tenantId: string, offer: WaitlistOfferView): Promise<void>;
}

/** Until the messages module takes `waitlist_offer` messages, offers reach the desks only. */
export const noOfferMessages: OfferMessages = {
  offerMade: () => Promise.resolve(),
};
