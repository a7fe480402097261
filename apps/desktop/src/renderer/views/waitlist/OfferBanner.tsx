import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { offerSentence, type WaitlistOfferView } from '@frontdesk/shared';
import { useOnline } from '../../lib/connection.js';
import { sentenceFor } from '../../lib/errors.js';
import { clock } from '../../lib/time.js';
import { useTRPC } from '../../lib/trpc.js';
import { useWaitlistCommands } from './use-waitlist.js';

type BookOffer = ReturnType<typeof useWaitlistCommands>['bookOffer'];

const dayOf = (instant: string, timeZone: string) => new Date(instant).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short', timeZone });

/** The sentence every desk reads: who wants what with whom, and which time just freed. */
export function sentenceOf(offer: WaitlistOfferView, timeZone: string): string {
  return offerSentence(offer, `${dayOf(offer.startsAt, timeZone)} ${clock(offer.startsAt, timeZone)}`);
}

/** Freed times on offer, each with one click to book it through the booking command; a time someone else got is said plainly. */
export function OfferList({ timeZone, book, compact = false, hidden = [], onHide }: { timeZone: string; book: BookOffer; compact?: boolean; hidden?: string[]; onHide?: (id: string) => void }) {
  const trpc = useTRPC();
  const online = useOnline();
  const offers = useQuery(trpc.waitlist.offers.queryOptions());
  const [outcome, setOutcome] = useState<{ offerId: string; text: string; ok: boolean } | null>(null);
  const shown = (offers.data ?? []).filter((o) => !hidden.includes(o.id));
  if (shown.length === 0 && !outcome) return null;

  const run = (offer: WaitlistOfferView) => {
    setOutcome(null);
    book.mutate(
      { offerId: offer.id },
      {
        onSuccess: (a) => setOutcome({ offerId: offer.id, ok: true, text: `Booked: ${a.patient?.name ?? offer.patient.name}, ${offer.serviceName} at ${clock(a.startsAt, timeZone)} on ${dayOf(a.startsAt, timeZone)}.` }),
        onError: (error) => setOutcome({ offerId: offer.id, ok: false, text: `${offer.patient.name} was not booked: ${sentenceFor(error)}` }),
      },
    );
  };

  return (
    <div className={`waitlist-offers${compact ? ' compact' : ''}`} role="region" aria-label="Waitlist offers" data-testid={compact ? 'waitlist-offer-banner' : 'waitlist-offers'}>
      {shown.map((o) => (
        <div key={o.id} className="waitlist-offer" data-testid={`waitlist-offer-${o.entryId}`}>
          <span className="waitlist-offer-text">{sentenceOf(o, timeZone)}</span>
          {o.hold && (
            // The time is a hold for this patient (the clinic holds offers): Book confirms it; they may also take it from their link.
            <span className="waitlist-offer-held muted" data-testid={`waitlist-offer-held-${o.entryId}`}>
              held for {o.patient.name} until {clock(o.hold.until, timeZone)}
            </span>
          )}
          <button className="primary setup-inline" data-testid={`waitlist-offer-book-${o.entryId}`} disabled={!online || book.isPending} onClick={() => run(o)}>
            Book
          </button>
          {onHide && (
            <button className="link" aria-label={`Hide the offer for ${o.patient.name}`} onClick={() => onHide(o.id)}>
              Hide
            </button>
          )}
        </div>
      ))}
      {outcome && (
        <p className={outcome.ok ? 'waitlist-booked' : 'error'} role={outcome.ok ? 'status' : 'alert'} data-testid="waitlist-offer-outcome">
          {outcome.text}{' '}
          <button className="link" onClick={() => setOutcome(null)}>
            OK
          </button>
        </p>
      )}
    </div>
  );
}

/** Every desk, on every screen: the freed times on offer as they happen (the list lives on the Waitlist tab). */
export function OfferBanner({ timeZone }: { timeZone: string }) {
  const { bookOffer } = useWaitlistCommands();
  const [hidden, setHidden] = useState<string[]>([]);
  return <OfferList timeZone={timeZone} book={bookOffer} compact hidden={hidden} onHide={(id) => setHidden((h) => [...h, id])} />;
}
