import type { z } from 'zod';
import { DomainError, MINUTE, type SeriesOccurrenceCheck, type seriesPlanInput } from '@frontdesk/shared';
import type { AvailabilityService, SlotCheck } from '../availability/availability.service.js';
import type { Actor } from '../auth/scope.js';
import type { ServiceInfo } from '../booking/booking.repository.js';
import { occupiedRange } from '../booking/booking.service.js';
import type { BookingRepository } from '../booking/booking.repository.js';
import type { Wanted } from '../booking/conflicts.js';
import type { Db, Tx } from '../db/tx.js';

export type SeriesPlan = z.output<typeof seriesPlanInput>;

/** One occurrence to place: its place in the series, start, and the resources asked for. */
export interface Target {
  index: number;
  start: Date;
  practitionerId: string;
  resourceIds: string[];
}

/** An occurrence's answer: the slot it would take, or why not. */
export type TargetCheck = { target: Target; wanted: Wanted; slot: SlotCheck; patientBusy: boolean };

const ALTERNATIVES_EACH = 3;

/**
 * The check of a series' occurrences, shared by the preview and the booking:
 * each occurrence asked of availability exactly as a single booking is, and
 * the patient's own appointments looked at (the patient's constraint, asked
 * first); the taken ones get their nearest free times, same day first.
 */
export class SeriesChecks {
  constructor(
    private readonly db: Db,
    private readonly availability: AvailabilityService,
    private readonly bookings: BookingRepository,
  ) {}

  /** `exclude`: the desk's own hold the series replaces, looked past. */
  wanted(actor: Actor, plan: Pick<SeriesPlan, 'branchId' | 'serviceId' | 'patientId'>, service: ServiceInfo, t: Target, exclude?: string | null): Wanted {
    return { tenantId: actor.tenantId, branchId: plan.branchId, serviceId: plan.serviceId, start: t.start, resourceIds: t.resourceIds, patientId: plan.patientId, occupied: occupiedRange(service, t.start), ...(exclude ? { excludeAppointmentId: exclude } : {}) };
  }

  /** Each target checked; `tx`: read the patient's appointments inside the booking's transaction. */
  async check(actor: Actor, plan: Pick<SeriesPlan, 'branchId' | 'serviceId' | 'patientId'>, service: ServiceInfo, targets: readonly Target[], exclude: string | null, tx?: Tx): Promise<TargetCheck[]> {
    const out: TargetCheck[] = [];
    for (const target of targets) {
      const wanted = this.wanted(actor, plan, service, target, exclude);
      // In the booking's transaction the reads share its connection (a booking never waits on a second one from the pool).
      const slot = await this.availability.check(tx ? { ...wanted, tx } : wanted);
      const end = slot.ok ? new Date(slot.slot.endsAt) : new Date(target.start.getTime() + service.durationMin * MINUTE);
      const theirs = slot.ok ? await this.bookings.patientAppointmentsDuring(tx ?? this.db, actor.tenantId, plan.patientId, { start: target.start, end }, exclude ?? undefined) : [];
      out.push({ target, wanted, slot, patientBusy: theirs.length > 0 });
    }
    return out;
  }

  /** The preview's answer for each: free with its resources, or taken / outside hours with alternatives. */
  async describe(actor: Actor, plan: Pick<SeriesPlan, 'branchId' | 'serviceId' | 'patientId'>, service: ServiceInfo, checks: readonly TargetCheck[], avoid: readonly { start: Date; end: Date }[]): Promise<SeriesOccurrenceCheck[]> {
    const out: SeriesOccurrenceCheck[] = [];
    for (const c of checks) {
      const { target } = c;
      const endsAt = c.slot.ok ? c.slot.slot.endsAt : new Date(target.start.getTime() + service.durationMin * MINUTE).toISOString();
      if (c.slot.ok && !c.patientBusy) {
        out.push({ index: target.index, startsAt: target.start.toISOString(), endsAt, practitionerId: target.practitionerId, state: 'free', resourceIds: c.slot.slot.resourceIds, reason: null, alternatives: [] });
        continue;
      }
      const state = !c.slot.ok && c.slot.code === 'OUTSIDE_HOURS' ? 'outside_hours' : 'taken';
      const reason = c.patientBusy ? 'The patient already has an appointment then.' : state === 'outside_hours' ? 'Not working at that time.' : 'That time is taken.';
      out.push({ index: target.index, startsAt: target.start.toISOString(), endsAt, practitionerId: target.practitionerId, state, resourceIds: [], reason, alternatives: await this.alternatives(actor, plan, target, avoid) });
    }
    return out;
  }

  /** The nearest free times with the same practitioner (same day first), none that the patient or the series' other visits already take. */
  private async alternatives(actor: Actor, plan: Pick<SeriesPlan, 'branchId' | 'serviceId' | 'patientId'>, target: Target, avoid: readonly { start: Date; end: Date }[]) {
    const suggested = await this.availability.alternatives({ tenantId: actor.tenantId, branchId: plan.branchId, serviceId: plan.serviceId, around: target.start, resourceIds: target.resourceIds, limit: 10 });
    const out = [];
    for (const s of suggested) {
      const range = { start: new Date(s.startsAt), end: new Date(s.endsAt) };
      if (avoid.some((a) => a.start < range.end && range.start < a.end)) continue;
      if ((await this.bookings.patientAppointmentsDuring(this.db, actor.tenantId, plan.patientId, range)).length > 0) continue;
      out.push(s);
      if (out.length >= ALTERNATIVES_EACH) break;
    }
    return out;
  }
}

/** Two visits of one series at overlapping times would clash for the patient: said before anything is checked. */
export function assertNoSelfOverlap(targets: readonly Target[], service: ServiceInfo): void {
  const sorted = [...targets].sort((a, b) => a.start.getTime() - b.start.getTime());
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    if (prev.start.getTime() + service.durationMin * MINUTE > sorted[i]!.start.getTime()) {
      throw new DomainError('BAD_INPUT', `Visits ${Math.min(prev.index, sorted[i]!.index)} and ${Math.max(prev.index, sorted[i]!.index)} would overlap; choose another time for one of them.`, { field: 'picks' });
    }
  }
}
