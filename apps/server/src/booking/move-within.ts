import { DomainError, MINUTE, type AppointmentView } from '@frontdesk/shared';
import type { AvailabilityService } from '../availability/availability.service.js';
import type { Actor } from '../auth/scope.js';
import { notFound } from '../errors.js';
import { Prisma } from '../db/prisma.js';
import type { Tx } from '../db/tx.js';
import { appendEvents } from '../sync/append.js';
import { label, type Appointments } from './appointments.js';
import { slotLockKeys, type BookingRepository } from './booking.repository.js';
import type { Conflicts, Wanted } from './conflicts.js';
import { author, movedEvent } from './events.js';
import type { HoldExpiry } from './hold-expiry.js';

export interface MoveWithin {
  appointmentId: string;
  startsAt: Date;
  /** Resources to move to; omitted keeps the current ones where possible. */
  resourceIds?: string[] | undefined;
}

/**
 * A move inside someone else's transaction (a setup change settling the
 * appointments it affects): the rules of `BookingService.move` (availability,
 * keep the practitioner if the rest can be swapped, SLOT_TAKEN with the
 * nearest alternatives, OUTSIDE_HOURS), read through that transaction so the
 * change's own new schedule counts. The row is locked instead of
 * version-checked: the person chose from what they were shown a moment ago.
 */
export class MoveWithinTransaction {
  constructor(
    private readonly repo: BookingRepository,
    private readonly appointments: Appointments,
    private readonly availability: AvailabilityService,
    private readonly conflicts: Conflicts,
    private readonly holds: HoldExpiry,
  ) {}

  async move(tx: Tx, actor: Actor, m: MoveWithin): Promise<AppointmentView> {
    await tx.$queryRaw`SELECT id FROM appointment WHERE tenant_id = ${actor.tenantId}::uuid AND id = ${m.appointmentId}::uuid FOR UPDATE`;
    const current = await this.repo.current(tx, actor.tenantId, m.appointmentId);
    if (!current) throw notFound('appointment');
    if (current.status !== 'HELD' && current.status !== 'BOOKED') {
      throw new DomainError('INVALID_STATE', `A ${label(current.status)} appointment cannot be moved.`, { status: current.status });
    }
    const service = await this.repo.serviceInfo(tx, actor.tenantId, current.serviceId, current.branchId);
    if (!service) throw new DomainError('BAD_INPUT', 'That service is no longer offered: keep or cancel this appointment instead.', { field: 'resolutions' });
    const start = m.startsAt;
    const occupied = { start: new Date(start.getTime() - service.bufferBeforeMin * MINUTE), end: new Date(start.getTime() + (service.durationMin + service.bufferAfterMin) * MINUTE) };
    const wanted: Wanted = {
      tenantId: actor.tenantId,
      branchId: current.branchId,
      serviceId: current.serviceId,
      start,
      resourceIds: m.resourceIds ?? current.resourceIds,
      excludeAppointmentId: current.id,
      patientId: current.patientId,
      occupied,
      tx,
    };
    let slot = await this.availability.check(wanted);
    if (!slot.ok && m.resourceIds === undefined) {
      // Keep the practitioner if the rest can be swapped (another free room or chair).
      slot = await this.availability.check({ ...wanted, resourceIds: await this.repo.practitioners(tx, actor.tenantId, current.resourceIds) });
    }
    if (!slot.ok) throw await this.conflicts.refused(slot, wanted);
    const resourceIds = slot.slot.resourceIds;
    // The same slot locks as every placement, taken now, then the time checked again under them.
    await tx.$executeRaw`SELECT ${Prisma.join(slotLockKeys([...resourceIds, current.patientId], occupied).map((k) => Prisma.sql`pg_advisory_xact_lock(${k}::bigint)`), ', ')}`;
    await this.holds.expireBlockingWithin(tx, { resourceIds, patientId: current.patientId, ...occupied });
    const again = await this.availability.check({ ...wanted, resourceIds });
    if (!again.ok) throw await this.conflicts.refused(again, wanted);
    const endsAt = new Date(start.getTime() + service.durationMin * MINUTE);
    if (current.patientId && (await this.patientBusy(tx, actor.tenantId, current.patientId, current.id, { start, end: endsAt }))) {
      throw await this.conflicts.patientClash(wanted);
    }
    const moved = await this.repo.reschedule(tx, { appointmentId: current.id, tenantId: actor.tenantId, version: current.version, startsAt: start, endsAt });
    if (!moved) throw await this.appointments.refusal(tx, actor, current.id, current.version, ['HELD', 'BOOKED']);
    await this.repo.replaceOccupancy(tx, actor.tenantId, current.id, resourceIds, occupied);
    const view = await this.appointments.view(tx, current.id);
    await appendEvents(tx, author(actor), [movedEvent(actor, view, current)]);
    return view;
  }

  /** Whether the patient has another live appointment over this time (the patient's exclusion constraint, asked first). */
  private async patientBusy(tx: Tx, tenantId: string, patientId: string, exclude: string, range: { start: Date; end: Date }): Promise<boolean> {
    const rows = await tx.$queryRaw<{ n: number }[]>`
      SELECT 1 AS n FROM appointment a
       WHERE a.tenant_id = ${tenantId}::uuid AND a.patient_id = ${patientId}::uuid AND a.id <> ${exclude}::uuid
         AND appointment_occupies(a.status) AND NOT (a.status = 'HELD' AND a.hold_expires_at <= now())
         AND a.starts_at < ${range.end} AND a.ends_at > ${range.start}
       LIMIT 1`;
    return rows.length > 0;
  }
}
