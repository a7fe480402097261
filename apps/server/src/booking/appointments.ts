import { DomainError, type AppointmentStatus, type AppointmentView } from '@frontdesk/shared';
import { mayActIn, type Actor } from '../auth/scope.js';
import { notFound } from '../errors.js';
import type { Db, Tx } from '../db/tx.js';
import { toAppointmentView } from '../views/appointment.js';
import type { BookingRepository, CurrentAppointment } from './booking.repository.js';

/**
 * An appointment as it is now, for the booking commands: loaded for an
 * actor, as the desk's view, or as the reason a guarded change was refused.
 */
export class Appointments {
  constructor(
    private readonly db: Db,
    private readonly repo: BookingRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The appointment, if the actor may act on it. */
  async load(actor: Actor, appointmentId: string): Promise<CurrentAppointment> {
    const current = await this.repo.current(this.db, actor.tenantId, appointmentId);
    // Another branch's appointment is as unknown as one that does not exist: its id is not confirmed.
    if (!current || !mayActIn(actor, current.branchId)) throw notFound('appointment');
    return current;
  }

  async view(db: Db | Tx, appointmentId: string): Promise<AppointmentView> {
    return toAppointmentView(await this.repo.appointment(db, appointmentId), this.now());
  }

  /** STALE, with the appointment as it is now. */
  async stale(db: Db | Tx, appointmentId: string): Promise<DomainError> {
    const current = await this.view(db, appointmentId);
    return new DomainError('STALE', 'This appointment was changed on another desk. Here is how it looks now.', { current });
  }

  /** Why a guarded update touched no row: stale version, lapsed hold, or wrong state. */
  async refusal(tx: Tx, actor: Actor, appointmentId: string, version: number | undefined, allowed: readonly AppointmentStatus[]): Promise<DomainError> {
    const now = await this.repo.current(tx, actor.tenantId, appointmentId);
    if (!now) return notFound('appointment');
    if (version !== undefined && now.version !== version) return this.stale(tx, appointmentId);
    const lapsed = now.status === 'EXPIRED' || (now.status === 'HELD' && now.holdExpiresAt !== null && now.holdExpiresAt <= this.now());
    if (lapsed && allowed.includes('HELD')) {
      return new DomainError('HOLD_EXPIRED', 'The hold expired before it was confirmed. Hold the time again?', {
        appointmentId,
        expiredAt: (now.holdExpiresAt ?? this.now()).toISOString(),
      });
    }
    return new DomainError('INVALID_STATE', `That cannot be done to a ${label(now.status)} appointment.`, { status: now.status });
  }
}

/** A status as a desk reads it: "no-show", "checked-in". */
export function label(status: AppointmentStatus): string {
  return status.toLowerCase().replace('_', '-');
}
