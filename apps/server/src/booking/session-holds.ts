import type { AppointmentView } from '@frontdesk/shared';
import type { Tx } from '../db/tx.js';
import { appendEvents, type AnyNewEvent, type EventAuthor } from '../sync/append.js';
import type { BookingRepository, HoldOwner } from './booking.repository.js';

export type { HoldOwner } from './booking.repository.js';

/**
 * A hold belongs to the sign-in whose desk made it. When the desk moves on
 * (another slot, the panel closed, the window closing) or the sign-in ends
 * (sign-out, revocation, expiry), its holds are RELEASED at once, each with
 * an `appointment.released` event, so every desk sees the time free again
 * instead of waiting for the deadline. Always inside the caller's
 * transaction: a sign-out and the release of its holds commit together.
 */
export class SessionHolds {
  constructor(private readonly repo: BookingRepository) {}

  /** Releases the owner's live holds (only `appointmentIds`, when given); returns them as they are now. */
  async release(tx: Tx, tenantId: string, owner: HoldOwner, author: EventAuthor, appointmentIds?: readonly string[]): Promise<AppointmentView[]> {
    if (appointmentIds?.length === 0) return [];
    const ids = await this.repo.releaseHolds(tx, tenantId, owner, appointmentIds);
    if (ids.length === 0) return [];
    const views = (await this.repo.appointmentsWithTenant(tx, ids)).map((row) => row.view);
    await appendEvents(
      tx,
      author,
      views.map((view): AnyNewEvent => ({ type: 'appointment.released', tenantId, branchId: view.branchId, aggregateId: view.id, patientId: view.patient?.id ?? null, payload: { appointment: view } })),
    );
    return views;
  }
}
