import type { z } from 'zod';
import { DomainError, MINUTE, type AppointmentView, type editAppointmentInput } from '@frontdesk/shared';
import type { AvailabilityService } from '../availability/availability.service.js';
import type { Actor } from '../auth/scope.js';
import { isExclusionViolation } from '../db/errors.js';
import { inTransaction, type Db } from '../db/tx.js';
import { bookingConflicts } from '../observability/metrics.js';
import { appendEvents } from '../sync/append.js';
import { label, type Appointments } from './appointments.js';
import { slotLockKeys, type BookingRepository, type ServiceInfo } from './booking.repository.js';
import type { Conflicts, Wanted } from './conflicts.js';
import { author, editedEvent } from './events.js';
import type { ServiceTermsCache } from './service-terms.js';
import type { VisitRepository } from './visit.repository.js';

/**
 * A booked appointment changed in place at its time: another service,
 * patient, practitioner or room, or note. Guarded as a placement is: the
 * desk's version (STALE with the appointment as it is now), the availability
 * check (SLOT_TAKEN with alternatives, OUTSIDE_HOURS), and in the end the
 * exclusion constraints and the hours guard, in the same transaction as the
 * old occupancy comes out. Refused, nothing changes.
 */
export class AppointmentEdits {
  constructor(
    private readonly db: Db,
    private readonly repo: BookingRepository,
    private readonly visits: VisitRepository,
    private readonly appointments: Appointments,
    private readonly availability: AvailabilityService,
    private readonly conflicts: Conflicts,
    private readonly terms: ServiceTermsCache,
  ) {}

  async edit(actor: Actor, input: z.output<typeof editAppointmentInput>): Promise<AppointmentView> {
    const current = await this.appointments.load(actor, input.appointmentId);
    if (current.version !== input.version) throw await this.appointments.stale(this.db, current.id);
    if (current.status !== 'BOOKED') {
      throw new DomainError('INVALID_STATE', `A ${label(current.status)} appointment cannot be edited; only a booked one.`, { status: current.status });
    }
    const before = await this.appointments.view(this.db, current.id);
    // Changed by another desk between the two reads: the guard below is at the desk's version, never a newer one.
    if (before.version !== input.version) throw await this.appointments.stale(this.db, current.id);
    const serviceId = input.serviceId ?? current.serviceId;
    const patientId = input.patientId ?? current.patientId;
    const note = input.note ?? before.note;
    if (patientId !== current.patientId && !(await this.visits.patientExists(this.db, actor.tenantId, patientId!))) {
      throw new DomainError('BAD_INPUT', 'That patient was not found (merged or removed). Search again.', { field: 'patientId' });
    }
    const sameResources = input.resourceIds === undefined || sameSet(input.resourceIds, current.resourceIds);
    const timeChanges = serviceId !== current.serviceId || patientId !== current.patientId || !sameResources;
    const service = await this.terms.get(actor.tenantId, serviceId, current.branchId);
    if (!timeChanges) {
      // Only the note: no time is taken or given back.
      return this.write(actor, before, { serviceId, patientId, note, endsAt: current.endsAt, priceCents: before.priceCents }, null);
    }
    const start = current.startsAt;
    // Another service without resources named keeps the practitioner; the room or chair is what it needs and finds free.
    const asked = input.resourceIds ?? (serviceId !== current.serviceId ? await this.repo.practitioners(this.db, actor.tenantId, current.resourceIds) : current.resourceIds);
    const wanted: Wanted = { tenantId: actor.tenantId, branchId: current.branchId, serviceId, start, resourceIds: [...asked], excludeAppointmentId: current.id, patientId, occupied: occupied(service, start) };
    for (let attempt = 1; ; attempt++) {
      let slot = await this.availability.check(wanted);
      if (!slot.ok && input.resourceIds !== undefined && slot.code === 'SLOT_TAKEN') {
        // The practitioner asked for, with any free room or chair.
        const practitioners = await this.repo.practitioners(this.db, actor.tenantId, input.resourceIds);
        if (practitioners.length > 0 && practitioners.length < input.resourceIds.length) {
          const again = await this.availability.check({ ...wanted, resourceIds: practitioners });
          if (again.ok) slot = again;
        }
      }
      if (!slot.ok) {
        if (slot.code === 'SLOT_TAKEN') bookingConflicts.inc({ command: 'edit', stage: 'check' });
        throw await this.conflicts.refused(slot, wanted);
      }
      const endsAt = new Date(slot.slot.endsAt);
      const placed: Wanted = { ...wanted, occupied: occupied(service, start, endsAt) };
      const resourceIds = slot.slot.resourceIds;
      try {
        // Same service: the price stays as booked; another: the branch's price for it.
        const priceCents = serviceId === current.serviceId ? before.priceCents : service.priceCents;
        return await this.write(actor, before, { serviceId, patientId, note, endsAt, priceCents }, { resourceIds, range: placed.occupied });
      } catch (error) {
        if (!isExclusionViolation(error)) throw error;
        bookingConflicts.inc({ command: 'edit', stage: 'constraint' });
        await this.conflicts.afterConstraint(placed, resourceIds, attempt);
      }
    }
  }

  private write(
    actor: Actor,
    before: AppointmentView,
    to: { serviceId: string; patientId: string | null; note: string; endsAt: Date; priceCents: number },
    occupancy: { resourceIds: string[]; range: { start: Date; end: Date } } | null,
  ): Promise<AppointmentView> {
    const locks = occupancy ? slotLockKeys([...occupancy.resourceIds, to.patientId], occupancy.range) : [];
    return inTransaction(this.db, { tenantId: actor.tenantId, locks }, async (tx) => {
      // At the version the desk saw (the snapshot was checked to be that one).
      const ok = await this.visits.edit(tx, { appointmentId: before.id, tenantId: actor.tenantId, version: before.version, ...to });
      if (!ok) throw await this.appointments.refusal(tx, actor, before.id, before.version, ['BOOKED']);
      if (occupancy) await this.repo.replaceOccupancy(tx, actor.tenantId, before.id, occupancy.resourceIds, occupancy.range);
      const view = await this.appointments.view(tx, before.id);
      await appendEvents(tx, author(actor), [editedEvent(actor, view, before)]);
      return view;
    });
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const x = new Set(a.map((s) => s.toLowerCase()));
  return x.size === new Set(b.map((s) => s.toLowerCase())).size && b.every((s) => x.has(s.toLowerCase()));
}

/** The time taken from the resources, buffers included, for a patient's time of [start, end). */
function occupied(service: ServiceInfo, start: Date, end = new Date(start.getTime() + service.durationMin * MINUTE)): { start: Date; end: Date } {
  return { start: new Date(start.getTime() - service.bufferBeforeMin * MINUTE), end: new Date(end.getTime() + service.bufferAfterMin * MINUTE) };
}
