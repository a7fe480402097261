import { DomainError, type AppointmentView } from '@frontdesk/shared';
import type { AvailabilityService } from '../availability/availability.service.js';
import type { Actor } from '../auth/scope.js';
import { slotLockKeys } from '../booking/booking.repository.js';
import { occupiedRange, type BookingService } from '../booking/booking.service.js';
import type { Wanted } from '../booking/conflicts.js';
import type { ServiceTermsCache } from '../booking/service-terms.js';
import { isExclusionViolation } from '../db/errors.js';
import { takeLocks, type Tx } from '../db/tx.js';
import type { NewOffer, WaitlistRepository } from './waitlist.repository.js';

/** The desk the log names for holds the waitlist places. */
export const WAITLIST_DESK = 'Waitlist';

/**
 * The offer hold: when the clinic holds offers, the freed time is HELD for
 * the best-ranked entry's patient through the booking's own insert, so the
 * exclusion constraints (not timing) keep anyone else from booking it while
 * the patient decides. No desk session owns it; it lapses like any hold.
 */
export class OfferHolds {
  constructor(
    private readonly repo: WaitlistRepository,
    private readonly booking: BookingService,
    private readonly availability: AvailabilityService,
    private readonly terms: ServiceTermsCache,
    /** Told of an unexpected failure to hold (the offer then goes out unheld). */
    private readonly onError?: (error: unknown) => void,
  ) {}

  /** Minutes the clinic holds an offer for (0: it does not). */
  minutes(tx: Tx, tenantId: string): Promise<number> {
    return this.repo.holdMinutes(tx, tenantId);
  }

  /**
   * Holds the offer's time for its entry's patient inside the matcher's
   * transaction; null when the time is no longer free (someone took it first),
   * and then nothing of the attempt is left behind.
   */
  async place(tx: Tx, tenantId: string, offer: NewOffer, minutes: number): Promise<AppointmentView | null> {
    const owner = await this.repo.entryOwner(tx, tenantId, offer.entryId);
    if (!owner) return null;
    const practitionerId = offer.resourceIds[0];
    if (!practitionerId) return null;
    // Created by the staff member who put the patient on the list; no desk session holds it.
    const actor = { staffId: owner.createdBy, tenantId, role: 'ADMIN', name: WAITLIST_DESK, branchIds: [offer.branchId], sessionId: null, desk: WAITLIST_DESK, mustChangePassword: false } as unknown as Actor;
    const service = await this.terms.get(tenantId, offer.serviceId, offer.branchId).catch(() => null);
    if (!service) return null;
    const start = offer.startsAt;
    const wanted: Wanted = { tenantId, branchId: offer.branchId, serviceId: offer.serviceId, start, resourceIds: [practitionerId], patientId: owner.patientId, occupied: occupiedRange(service, start) };
    const slot = await this.availability.check({ ...wanted, busyIn: tx });
    if (!slot.ok) return null;
    const placed: Wanted = { ...wanted, occupied: occupiedRange(service, start, new Date(slot.slot.endsAt)) };
    const picked = slot.slot.resourceIds;
    await takeLocks(tx, slotLockKeys([...picked, owner.patientId], placed.occupied));
    // A refused insert must not abort the matcher's transaction: the offer then goes out as before.
    await tx.$executeRawUnsafe('SAVEPOINT waitlist_offer_hold');
    try {
      const view = await this.booking.insertIn(
        tx,
        actor,
        { mode: 'hold', branchId: offer.branchId, serviceId: offer.serviceId, startsAt: start.toISOString(), resourceIds: picked, patientId: owner.patientId, holdMinutes: minutes, products: [], note: 'Held for the waitlist', series: null },
        null,
        service,
        placed,
        picked,
      );
      await tx.$executeRawUnsafe('RELEASE SAVEPOINT waitlist_offer_hold');
      return view;
    } catch (error) {
      // Someone took the time first (the constraint), or any other refusal: never let one hold stop the matching of the rest.
      await tx.$executeRawUnsafe('ROLLBACK TO SAVEPOINT waitlist_offer_hold');
      if (isExclusionViolation(error) || error instanceof DomainError) return null;
      this.onError?.(error);
      return null;
    }
  }
}
