import { DomainError } from '@frontdesk/shared';
import type { AvailabilityService, CheckQuery, SlotCheck } from '../availability/availability.service.js';
import type { Db } from '../db/tx.js';
import type { BookingRepository, PatientAppointmentRow } from './booking.repository.js';
import type { HoldExpiry } from './hold-expiry.js';

/** Attempts at a placement whose slot was blocked only by holds that had run out, or could take other resources. */
const CONFLICT_ATTEMPTS = 3;

/** A placement as the conflict policy sees it: the slot asked for, the patient, and the time it would occupy. */
export interface Wanted extends CheckQuery {
  /** The resources asked for; the availability check picks the rest. */
  resourceIds: string[];
  patientId: string | null;
  /** The time taken from the resources, buffers included. */
  occupied: { start: Date; end: Date };
}

export type SlotRefusal = Exclude<SlotCheck, { ok: true }>;

/**
 * What a placement (hold, book, move, and confirm for its patient) meets
 * when its time is not free, in the order it happens:
 * 1. the availability check said no before anything was written: `refused`;
 * 2. the write ran into an exclusion constraint (another desk got there
 *    first, or a lapsed hold still had its row): `afterConstraint`;
 * 3. nothing on the resources is in the way, so the patient is: `patientClash`.
 */
export class Conflicts {
  constructor(
    private readonly availability: AvailabilityService,
    private readonly holds: HoldExpiry,
    private readonly db: Db,
    private readonly repo: BookingRepository,
  ) {}

  /** 1. OUTSIDE_HOURS with the working hours, or SLOT_TAKEN with what blocks it and the nearest free alternatives. */
  async refused(slot: SlotRefusal, w: Wanted): Promise<DomainError> {
    if (slot.code === 'OUTSIDE_HOURS') {
      return new DomainError('OUTSIDE_HOURS', 'Not working at that time. Here are the working hours.', slot.details);
    }
    const alternatives = await this.availability.alternatives({
      tenantId: w.tenantId,
      branchId: w.branchId,
      serviceId: w.serviceId,
      around: w.start,
      resourceIds: w.resourceIds,
      ...(w.excludeAppointmentId ? { excludeAppointmentId: w.excludeAppointmentId } : {}),
      ...(w.tx ? { tx: w.tx } : {}),
    });
    return new DomainError('SLOT_TAKEN', 'That time is taken. The nearest free times are listed.', { blockers: slot.blockers, alternatives });
  }

  /**
   * 2. Asks availability again. Still taken: a real conflict, as in 1. Free
   * by its rules: a hold that ran out still had its row (expire it, with
   * its event), or other resources can be picked; either way this returns
   * and the caller tries again, up to CONFLICT_ATTEMPTS. Free with the same
   * resources and nothing to expire: 3.
   */
  async afterConstraint(w: Wanted, tried: readonly string[], attempt: number): Promise<void> {
    const now = await this.availability.check(w);
    if (!now.ok) throw await this.refused(now, w);
    const expired = await this.holds.expireBlocking(w.tenantId, { resourceIds: now.slot.resourceIds, patientId: w.patientId, ...w.occupied });
    const repicked = now.slot.resourceIds.join() !== tried.join();
    if (attempt < CONFLICT_ATTEMPTS && (expired > 0 || repicked)) return;
    throw await this.patientClash(w);
  }

  /**
   * 3. SLOT_TAKEN for the patient: their own appointment in the way, named
   * (when, what, with whom, where) when it is at the branch being booked;
   * with the nearest alternatives on any resources that miss it.
   */
  async patientClash(w: Pick<Wanted, 'tenantId' | 'branchId' | 'serviceId' | 'start' | 'tx'> & Partial<Pick<Wanted, 'patientId' | 'occupied' | 'excludeAppointmentId'>>): Promise<DomainError> {
    const range = w.occupied ?? { start: w.start, end: new Date(w.start.getTime() + 1) };
    const theirs = w.patientId ? await this.repo.patientAppointmentsDuring(w.tx ?? this.db, w.tenantId, w.patientId, range, w.excludeAppointmentId) : [];
    const clash = mostOverlapping(theirs, range);
    // Named only when it is at the branch being booked: the desk may see that branch; another branch's appointment stays unnamed (invariant 9).
    const existing = clash && clash.branchId === w.branchId ? clash : undefined;
    const suggested = await this.availability.alternatives({ tenantId: w.tenantId, branchId: w.branchId, serviceId: w.serviceId, around: w.start, limit: 10, ...(w.tx ? { tx: w.tx } : {}) });
    // A time the patient is busy at is no alternative for them.
    const alternatives = suggested.filter((s) => !theirs.some((a) => Date.parse(s.startsAt) < a.endsAt.getTime() && a.startsAt.getTime() < Date.parse(s.endsAt))).slice(0, 5);
    const what = existing ? ` (${existing.serviceName}${existing.resourceNames.length ? ` with ${existing.resourceNames.join(' and ')}` : ''})` : '';
    return new DomainError('SLOT_TAKEN', `This patient already has an appointment at that time${what}. The nearest free times are listed.`, {
      blockers: [
        existing
          ? { resourceId: null, kind: 'patient', startsAt: existing.startsAt.toISOString(), endsAt: existing.endsAt.toISOString(), existing: { ...existing, startsAt: existing.startsAt.toISOString(), endsAt: existing.endsAt.toISOString() } }
          : { resourceId: null, kind: 'patient', startsAt: w.start.toISOString(), endsAt: w.start.toISOString() },
      ],
      alternatives,
    });
  }
}

/** The appointment sharing the most time with `range` (the one a person would call "the clash"). */
function mostOverlapping(rows: readonly PatientAppointmentRow[], range: { start: Date; end: Date }): PatientAppointmentRow | undefined {
  const shared = (a: PatientAppointmentRow) => Math.min(a.endsAt.getTime(), range.end.getTime()) - Math.max(a.startsAt.getTime(), range.start.getTime());
  return [...rows].sort((a, b) => shared(b) - shared(a))[0];
}
