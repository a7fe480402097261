import type { z } from 'zod';
import { DomainError, type AffectedAppointment, type AppointmentView, type resolutionsInput } from '@frontdesk/shared';
import { mayActIn, type Actor } from '../auth/scope.js';
import type { Tx } from '../db/tx.js';
import type { AvailabilityService } from '../availability/availability.service.js';
import type { Appointments } from '../booking/appointments.js';
import type { BookingRepository } from '../booking/booking.repository.js';
import { appointmentEvent, author, stockEvents } from '../booking/events.js';
import type { MoveWithinTransaction } from '../booking/move-within.js';
import { appendEvents, type AnyNewEvent } from '../sync/append.js';
import type { AffectedRepository, AffectedRow } from './affected.repository.js';

export interface SettleScope {
  /**
   * Limit the search (any combination; all given filters apply). The
   * schedules locked against bookings in flight are the resources' when
   * given, else the branches'.
   */
  branchIds?: string[];
  resourceIds?: string[];
  serviceIds?: string[];
  /** Only appointments that end after `from` (normally now) and start before `to` (open-ended when absent). */
  from: Date;
  to?: Date | null;
}

export interface Settled {
  kept: string[];
  cancelled: string[];
  moved: string[];
  released: string[];
}

export type Resolutions = z.output<typeof resolutionsInput>;

/** Nothing to settle: what a command returns when no resolution was needed. */
export const NOTHING_SETTLED: Readonly<Settled> = Object.freeze({ kept: [], cancelled: [], moved: [], released: [] });

/**
 * What happens to the appointments a setup change affects. Called inside the
 * change's transaction, after the change is written: finds the live
 * appointments in scope the new schedule (or catalogue) no longer allows,
 * releases the holds among them, and refuses the whole change with
 * AFFECTS_APPOINTMENTS unless each booked one has a resolution: keep it
 * (an exception the day sheet shows), cancel it with a reason, or move it.
 */
export class AffectedAppointments {
  constructor(
    private readonly repo: AffectedRepository,
    private readonly bookings: BookingRepository,
    private readonly appointments: Appointments,
    private readonly mover: MoveWithinTransaction,
    /** Suggests free times for the affected, inside the change's transaction. */
    private readonly availability: AvailabilityService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async settle(tx: Tx, actor: Actor, scope: SettleScope, resolutions: Resolutions): Promise<Settled> {
    // Bookings in flight on these schedules finish first and are found below; later ones see the change (migration hours_guard).
    // A change of some resources locks theirs; one of whole branches (a holiday, a closure) the branches'.
    await this.repo.lockSchedules(tx, scope.resourceIds?.length ? scope.resourceIds : (scope.branchIds ?? []));
    const affected = await this.repo.find(tx, {
      tenantId: actor.tenantId,
      branchIds: scope.branchIds ?? null,
      resourceIds: scope.resourceIds ?? null,
      serviceIds: scope.serviceIds ?? null,
      from: scope.from,
      to: scope.to ?? null,
      now: this.now(),
    });
    const settled: Settled = { kept: [], cancelled: [], moved: [], released: [] };
    if (affected.length === 0) return settled;
    if (affected.some((a) => !mayActIn(actor, a.branchId))) {
      throw new DomainError('FORBIDDEN', 'This change affects appointments at a branch you do not manage; ask an administrator to make it.', {});
    }
    await this.repo.lockAppointments(tx, actor.tenantId, affected.map((a) => a.id));

    const holds = affected.filter((a) => a.status === 'HELD');
    const booked = affected.filter((a) => a.status !== 'HELD');
    const byId = new Map(resolutions.each.map((r) => [r.appointmentId.toLowerCase(), r]));
    const chosen = booked.map((a) => ({ appointment: a, resolution: byId.get(a.id.toLowerCase()) ?? resolutions.all }));
    if (chosen.some((c) => c.resolution === undefined)) {
      const count = booked.length;
      throw new DomainError(
        'AFFECTS_APPOINTMENTS',
        count === 1
          ? 'This change affects 1 appointment. Choose whether to keep, cancel or move it.'
          : `This change affects ${count} appointments. Choose whether to keep, cancel or move each.`,
        { affected: await this.withAlternatives(tx, actor, booked) },
      );
    }

    const events: AnyNewEvent[] = [];
    for (const hold of holds) {
      if (!(await this.repo.release(tx, actor.tenantId, hold.id))) continue;
      events.push(appointmentEvent('appointment.released', actor, await this.appointments.view(tx, hold.id)));
      settled.released.push(hold.id);
    }
    const moves: { id: string; startsAt: string; resourceIds?: string[] | undefined }[] = [];
    for (const { appointment, resolution } of chosen) {
      const r = resolution!;
      if (r.action === 'keep') {
        await this.repo.keep(tx, actor.tenantId, appointment.id);
        events.push(keptEvent(actor, await this.appointments.view(tx, appointment.id)));
        settled.kept.push(appointment.id);
      } else if (r.action === 'cancel') {
        await this.repo.cancel(tx, actor.tenantId, appointment.id, r.reason, ['BOOKED', 'CHECKED_IN', 'IN_CONSULTATION']);
        // A cancelled booking gives its products back.
        const returned = await this.bookings.returnStock(tx, appointment.id, appointment.branchId);
        events.push(appointmentEvent('appointment.cancelled', actor, await this.appointments.view(tx, appointment.id)), ...stockEvents(actor, appointment.branchId, returned));
        settled.cancelled.push(appointment.id);
      } else {
        moves.push({ id: appointment.id, startsAt: r.startsAt, resourceIds: r.resourceIds });
      }
    }
    await appendEvents(tx, author(actor), events);
    // Moves last: the time freed by released holds and cancellations is free for them. Each appends its own event.
    for (const m of moves) {
      await this.mover.move(tx, actor, { appointmentId: m.id, startsAt: new Date(m.startsAt), resourceIds: m.resourceIds });
      settled.moved.push(m.id);
    }
    return settled;
  }

  /** The affected as the person deciding sees them, the first few with the nearest free times under the new schedule (read in this transaction). */
  private async withAlternatives(tx: Tx, actor: Actor, rows: readonly AffectedRow[]): Promise<AffectedAppointment[]> {
    const out: AffectedAppointment[] = [];
    for (const [i, row] of rows.entries()) {
      const view = toAffected(row);
      if (i < SUGGESTED_FOR) {
        const alternatives = await this.availability
          .alternatives({ tenantId: actor.tenantId, branchId: row.branchId, serviceId: row.serviceId, around: new Date(row.startsAt), resourceIds: row.practitionerIds, excludeAppointmentId: row.id, limit: SUGGESTIONS_EACH, tx })
          // A service no longer offered has no free times to suggest.
          .catch((error: unknown) => (error instanceof DomainError ? [] : Promise.reject(error)));
        view.alternatives = alternatives;
      }
      out.push(view);
    }
    return out;
  }
}

/** How many affected appointments come with suggested times (each is a slot search). */
const SUGGESTED_FOR = 10;
const SUGGESTIONS_EACH = 3;

function toAffected(row: AffectedRow): AffectedAppointment {
  return {
    id: row.id,
    version: row.version,
    branchId: row.branchId,
    status: row.status,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    serviceName: row.serviceName,
    patientName: row.patientName,
    resourceNames: row.resourceNames,
    reason: row.reason,
    seriesLabel: row.seriesLabel ?? null,
  };
}

function keptEvent(actor: Actor, view: AppointmentView): AnyNewEvent {
  return { type: 'appointment.kept_outside_hours', tenantId: actor.tenantId, branchId: view.branchId, aggregateId: view.id, patientId: view.patient?.id ?? null, payload: { appointment: view } };
}
