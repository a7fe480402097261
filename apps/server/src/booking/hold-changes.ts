import type { z } from 'zod';
import { DomainError, MINUTE, type AppointmentView, type changeServiceInput, type releaseMineInput } from '@frontdesk/shared';
import type { AvailabilityService } from '../availability/availability.service.js';
import type { Actor } from '../auth/scope.js';
import { isExclusionViolation } from '../db/errors.js';
import { notFound } from '../errors.js';
import { inTransaction, type Db } from '../db/tx.js';
import { bookingConflicts } from '../observability/metrics.js';
import { appendEvents } from '../sync/append.js';
import { label, type Appointments } from './appointments.js';
import { slotLockKeys, type BookingRepository, type ServiceInfo } from './booking.repository.js';
import type { Conflicts, Wanted } from './conflicts.js';
import { author, serviceChangedEvent } from './events.js';
import type { ServiceTermsCache } from './service-terms.js';
import type { SessionHolds } from './session-holds.js';

/**
 * What a desk does to its own hold before it becomes a booking, besides
 * extending it: another service in its place, or letting it go when the desk
 * moves on (its window closing).
 */
export class HoldChanges {
  constructor(
    private readonly db: Db,
    private readonly repo: BookingRepository,
    private readonly appointments: Appointments,
    private readonly availability: AvailabilityService,
    private readonly conflicts: Conflicts,
    private readonly terms: ServiceTermsCache,
    private readonly sessionHolds: SessionHolds,
  ) {}

  /**
   * The hold takes another service at the same start, with the same
   * practitioner: the new length and resources go in in the same transaction
   * as the old ones come out, so the time is never let go. When the new
   * length does not fit (SLOT_TAKEN with the nearest alternatives for the new
   * service, OUTSIDE_HOURS), nothing changes: the hold stays as it was.
   */
  async changeService(actor: Actor, input: z.output<typeof changeServiceInput>): Promise<AppointmentView> {
    const current = await this.appointments.load(actor, input.appointmentId);
    if (current.version !== input.version) throw await this.appointments.stale(this.db, current.id);
    if (current.status !== 'HELD') {
      throw new DomainError('INVALID_STATE', `The service of a ${label(current.status)} appointment is not changed here.`, { status: current.status });
    }
    const before = await this.appointments.view(this.db, current.id);
    if (before.status !== 'HELD') {
      throw new DomainError('HOLD_EXPIRED', 'The hold expired before its service was changed. Hold the time again?', { appointmentId: current.id, expiredAt: before.holdExpiresAt ?? new Date().toISOString() });
    }
    if (input.serviceId === current.serviceId) return before;
    const service = await this.terms.get(actor.tenantId, input.serviceId, current.branchId);
    const start = current.startsAt;
    const wanted: Wanted = {
      tenantId: actor.tenantId,
      branchId: current.branchId,
      serviceId: input.serviceId,
      start,
      // The practitioner stays; the room or chair is whatever the new service needs and finds free.
      resourceIds: await this.repo.practitioners(this.db, actor.tenantId, current.resourceIds),
      excludeAppointmentId: current.id,
      patientId: current.patientId,
      occupied: occupied(service, start),
    };
    for (let attempt = 1; ; attempt++) {
      const slot = await this.availability.check(wanted);
      if (!slot.ok) {
        if (slot.code === 'SLOT_TAKEN') bookingConflicts.inc({ command: 'change_service', stage: 'check' });
        throw await this.conflicts.refused(slot, wanted);
      }
      // The slot's end is the length of the practitioner it is with.
      const endsAt = new Date(slot.slot.endsAt);
      const placed: Wanted = { ...wanted, occupied: occupied(service, start, endsAt) };
      const resourceIds = slot.slot.resourceIds;
      try {
        return await inTransaction(this.db, { tenantId: actor.tenantId, locks: slotLockKeys([...resourceIds, current.patientId], placed.occupied) }, async (tx) => {
          const changed = await this.repo.changeHeldService(tx, { appointmentId: current.id, tenantId: actor.tenantId, version: input.version, serviceId: input.serviceId, endsAt, priceCents: service.priceCents });
          if (!changed) throw await this.appointments.refusal(tx, actor, current.id, input.version, ['HELD']);
          await this.repo.replaceOccupancy(tx, actor.tenantId, current.id, resourceIds, placed.occupied);
          const view = await this.appointments.view(tx, current.id);
          await appendEvents(tx, author(actor), [serviceChangedEvent(actor, view, { serviceId: before.serviceId, serviceName: before.serviceName, endsAt: current.endsAt, resourceIds: current.resourceIds })]);
          return view;
        });
      } catch (error) {
        if (!isExclusionViolation(error)) throw error;
        bookingConflicts.inc({ command: 'change_service', stage: 'constraint' });
        await this.conflicts.afterConstraint(placed, resourceIds, attempt);
      }
    }
  }

  /** Lets go of this sign-in's live holds (those named, or all): a desk window closing. Others' holds are never touched. */
  releaseMine(actor: Actor, input: z.output<typeof releaseMineInput>): Promise<{ released: AppointmentView[] }> {
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      // Ids it cannot see are unknown, as ever; its own holds that already ended are simply not released again.
      if (input.appointmentIds && !(await this.repo.allVisible(tx, actor.tenantId, input.appointmentIds, actor.branchIds))) throw notFound('appointment');
      return { released: await this.sessionHolds.release(tx, actor.tenantId, { sessionId: actor.sessionId }, author(actor), input.appointmentIds) };
    });
  }
}

/** The time taken from the resources, buffers included, for a patient's time of [start, end). */
function occupied(service: ServiceInfo, start: Date, end = new Date(start.getTime() + service.durationMin * MINUTE)): { start: Date; end: Date } {
  return { start: new Date(start.getTime() - service.bufferBeforeMin * MINUTE), end: new Date(end.getTime() + service.bufferAfterMin * MINUTE) };
}
