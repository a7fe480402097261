import type { AvailabilityService } from '../availability/availability.service.js';
import type { BookingService } from '../booking/booking.service.js';
import type { ServiceTermsCache } from '../booking/service-terms.js';
import type { Db } from '../db/tx.js';
import type { Logger } from '../logger.js';
import { MessagesRepository } from '../messages/messages.repository.js';
import { WaitlistMatcher } from './matcher.js';
import { OfferHolds } from './offer-hold.js';
import { OfferLinks } from './offer-link.js';
import { PatientOfferMessages } from './offer-message.js';
import { WaitlistRepository } from './waitlist.repository.js';
import { WaitlistService } from './waitlist.service.js';

export interface WaitlistDeps {
  /** The waitlist: entries, open offers, booking an offer (a held one is confirmed). */
  waitlist: WaitlistService;
  /** Matches freed time (queued from the event log) against the waitlist; the background worker runs it. */
  waitlistMatcher: WaitlistMatcher;
  /** The patient's accept/decline link of a held waitlist offer (/w/…). */
  offerLinks: OfferLinks;
}

/** The waitlist's services of one server process (deps.ts spreads them in). */
export function waitlistDeps(db: Db, booking: BookingService, availability: AvailabilityService, terms: ServiceTermsCache, publicUrl: string | undefined, now: () => Date, logger?: Logger): WaitlistDeps {
  const repo = new WaitlistRepository();
  const offerLinks = new OfferLinks(db, repo, new MessagesRepository(), booking, now);
  const messages = new PatientOfferMessages(repo, { links: offerLinks, publicUrl: publicUrl ?? 'http://127.0.0.1:4400' });
  return {
    waitlist: new WaitlistService(db, repo, booking, now),
    waitlistMatcher: new WaitlistMatcher(db, repo, availability, messages, now, new OfferHolds(repo, booking, availability, terms, (err) => logger?.warn({ err }, 'a waitlist offer could not be held; offered unheld'))),
    offerLinks,
  };
}
