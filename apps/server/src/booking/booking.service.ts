// The booking commands, read top to bottom: hold and book share `place`; the rest are guarded status changes (a little over 300 lines because each command keeps its whole path in view).
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import {
  DomainError,
  HOLD_MINUTES_MAX,
  MINUTE,
  type AppointmentView,
  type bookInput,
  type confirmInput,
  type extendHoldInput,
  type holdInput,
  type moveInput,
  type releaseInput,
} from '@frontdesk/shared';
import type { AvailabilityService } from '../availability/availability.service.js';
import { assertBranch, type Actor } from '../auth/scope.js';
import { isExclusionViolation, isUniqueViolation } from '../db/errors.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { inTransaction, noteLockTry, takeLocks, tryLocks, type Db, type Tx } from '../db/tx.js';
import { bookingConflicts } from '../observability/metrics.js';
import { ATTR, traced, tracedConstraint } from '../observability/tracing.js';
import { IDEMPOTENCY_KEY_CONSTRAINT, placementClaim, type IdempotencyClaim, type PlacementRequest } from '../idempotency/idempotency.js';
import type { IdempotencyService } from '../idempotency/idempotency.service.js';
import { appendEvents, type AnyNewEvent } from '../sync/append.js';
import { toAppointmentView } from '../views/appointment.js';
import { label, type Appointments } from './appointments.js';
import { slotLockKeys, type BookingRepository, type CurrentAppointment, type NewAppointment, type ServiceInfo, type TransitionArgs } from './booking.repository.js';
import type { Conflicts, SlotRefusal, Wanted } from './conflicts.js';
import { appointmentEvent, author, movedEvent, stockEvents, taken, type AppointmentEventType } from './events.js';
import type { ServiceTermsCache } from './service-terms.js';
import type { SessionHolds } from './session-holds.js';
import { takeStock } from './stock.js';
import { Admission } from './admission.js';
import { RecentlyTaken } from './recently-taken.js';

/** How far in the past a desk may still place an appointment (a walk-in taking the current slot). */
const PAST_GRACE_MINUTES = 30;

/** hold and book, as `place` takes them; `replacing`: this desk's own live hold it moves on from. */
export type Placement = PlacementRequest & { mode: 'hold' | 'book'; idempotencyKey?: string | undefined; replacing?: string | null; series?: { id: string; index: number } | null };

/**
 * The booking commands. Each runs in one transaction and appends its events
 * there. When a placement's time is not free, conflicts.ts says what happens.
 */
export class BookingService {
  constructor(
    private readonly db: Db,
    private readonly repo: BookingRepository,
    private readonly appointments: Appointments,
    private readonly availability: AvailabilityService,
    private readonly conflicts: Conflicts,
    private readonly terms: ServiceTermsCache,
    private readonly idempotency: IdempotencyService,
    private readonly sessionHolds: SessionHolds,
    private readonly now: () => Date = () => new Date(),
    /** Booking transactions in flight at once in this process; more wait in memory (admission.ts). */
    inFlight = 12,
  ) {
    this.admission = new Admission(inFlight);
  }

  /** Bookings this process saw committed: a placement they block is refused without a transaction (recently-taken.ts). */
  readonly recentlyTaken = new RecentlyTaken();
  private readonly admission: Admission;

  hold(actor: Actor, input: z.output<typeof holdInput>): Promise<AppointmentView> {
    return this.movingOn(actor, input.replacingHoldId, (replacing) => this.place(actor, { ...input, mode: 'hold', patientId: input.patientId ?? null, products: [], note: '', replacing }));
  }

  book(actor: Actor, input: z.output<typeof bookInput>): Promise<AppointmentView> {
    return this.movingOn(actor, input.replacingHoldId, (replacing) => this.place(actor, { ...input, mode: 'book', holdMinutes: null, replacing }));
  }

  /**
   * A desk moving on from its own live hold to another time: the new
   * placement ignores that hold and releases it in its own transaction, so a
   * desk's hold never stands in the way of its own next one; refused, the old
   * hold is released anyway (the desk has moved on). Anyone else's hold is
   * never touched.
   */
  private async movingOn(actor: Actor, holdId: string | undefined, run: (replacing: string | null) => Promise<AppointmentView>): Promise<AppointmentView> {
    if (!holdId || !(await this.repo.isOwnLiveHold(this.db, actor.tenantId, holdId, actor.sessionId))) return run(null);
    try {
      return await run(holdId);
    } catch (error) {
      await inTransaction(this.db, { tenantId: actor.tenantId }, (tx) => this.sessionHolds.release(tx, actor.tenantId, { sessionId: actor.sessionId }, author(actor), [holdId]));
      throw error;
    }
  }

  /**
   * hold and book: a replay answers first; then, per attempt, availability
   * picks the resources, the insert goes in, and the exclusion constraint has
   * the last word (conflicts.ts decides whether to try again).
   */
  private async place(actor: Actor, p: Placement): Promise<AppointmentView> {
    assertBranch(actor, p.branchId);
    const claim = p.idempotencyKey ? placementClaim(p.mode, p.idempotencyKey, p) : null;
    // A replay answers before anything else is checked: its own appointment now fills the slot.
    const replayed = claim && (await this.replayed(actor, claim));
    if (replayed) return replayed;
    const service = await this.terms.get(actor.tenantId, p.serviceId, p.branchId);
    const start = this.startOf(p.startsAt);
    const wanted: Wanted = { tenantId: actor.tenantId, branchId: p.branchId, serviceId: p.serviceId, start, resourceIds: [...p.resourceIds], patientId: p.patientId, occupied: occupiedRange(service, start), ...(p.replacing ? { excludeAppointmentId: p.replacing } : {}) };
    for (let attempt = 1, contended = 0; ; attempt++) {
      let placed = wanted;
      let picked: string[] = [];
      try {
        // Refused early (and again when its turn comes) if a booking this process knows of holds an asked-for resource.
        const known = () => (p.replacing ? [] : this.recentlyTaken.blocking(actor.tenantId, wanted.resourceIds, { start: wanted.occupied.start, end: new Date(start.getTime() + 1) }));
        if (known().length > 0) throw new NotFree({ ok: false, code: 'SLOT_TAKEN', blockers: known() }, 'recent');
        return await this.admission.run(() => {
          const blockers = known();
          if (blockers.length > 0) throw new NotFree({ ok: false, code: 'SLOT_TAKEN', blockers }, 'recent');
          return this.transact(actor, p, claim, service, wanted, attempt, contended, (w, r) => ((placed = w), (picked = r)));
        });
      } catch (error) {

        if (error instanceof Contended) {
          await sleep(Math.random() * Math.min(100, 2 * 2 ** contended++));
          attempt--;
          continue;
        }
        if (error instanceof NotFree) {
          // A retry that lost the race to its own first request finds that request's appointment in the slot.
          const earlier = claim && (await this.replayed(actor, claim));
          if (earlier) return earlier;
          if (error.slot.code === 'SLOT_TAKEN') bookingConflicts.inc({ command: p.mode, stage: error.stage });
          throw await this.conflicts.refused(error.slot, wanted);
        }
        // A retry of a command that another request just carried out: its result, or a refusal.
        if (claim && isUniqueViolation(error, IDEMPOTENCY_KEY_CONSTRAINT)) {
          const earlier = await this.replayed(actor, claim);
          if (earlier) return earlier;
        }
        if (!isExclusionViolation(error)) throw error;
        bookingConflicts.inc({ command: p.mode, stage: 'constraint' });
        await this.conflicts.afterConstraint(placed, picked, attempt);
      }
    }
  }

  /** One attempt's transaction: the availability check, the slot's locks, the writes; a BOOKED result is remembered as taken. */
  private async transact(actor: Actor, p: Placement, claim: IdempotencyClaim | null, service: ServiceInfo, wanted: Wanted, attempt: number, contended: number, trying: (placed: Wanted, picked: string[]) => void): Promise<AppointmentView> {
    // Direct: the placement's statements are raw SQL, sent on a pg connection without Prisma's transaction around them (db/pg-tx.ts).
    const view = await inTransaction(this.db, { tenantId: actor.tenantId, direct: true }, async (tx) => {
      // Checked in the booking's own transaction, before its locks: a desk the check refuses never queues behind the others.
      const slot = await traced('booking.availability_check', () => this.availability.check({ ...wanted, busyIn: tx }), { [ATTR.attempt]: attempt });
      if (!slot.ok) throw new NotFree(slot);
      // The slot's end is the length of the practitioner it is with (their own, else the service's).
      const placed = { ...wanted, occupied: occupiedRange(service, wanted.start, new Date(slot.slot.endsAt)) };
      const picked = slot.slot.resourceIds;
      trying(placed, picked);
      const keys = slotLockKeys([...picked, p.patientId], placed.occupied);
      // Another desk is placing on the same resources right now: give the connection back and look again shortly
      // (its booking will usually be there to refuse this one), rather than wait on the lock holding it; in the end, wait.
      // The usual placement tries them in the insert's own statement (one round trip less); one that first writes
      // its idempotency key or lets its hold go tries them before those writes, as it always has.
      const withInsert = contended < CONTENDED_TRIES && !claim && !p.replacing;
      if (contended >= CONTENDED_TRIES) await takeLocks(tx, keys);
      else if (!withInsert && !(await tryLocks(tx, keys))) throw new Contended();
      return this.insertIn(tx, actor, p, claim, service, placed, picked, withInsert ? keys : []);
    });
    if (view.status === 'BOOKED') this.recentlyTaken.add(actor.tenantId, view.id, view.resources);
    return view;
  }

  /**
   * A placement's writes inside the caller's transaction (the slot's locks
   * taken): key, appointment, stock and products, then the occupancy with
   * the events. A series places all its occurrences through here in one.
   * `tryLocks`: the slot's locks, tried with the insert; held elsewhere, nothing is written (Contended).
   */
  async insertIn(tx: Tx, actor: Actor, p: Placement, claim: IdempotencyClaim | null, service: ServiceInfo, wanted: Wanted, resourceIds: string[], tryLocks: readonly bigint[] = []): Promise<AppointmentView> {
    const { occupied } = wanted;
    const id = randomUUID();
    if (claim) await this.idempotency.keep(tx, actor, claim, { branchId: p.branchId, appointmentId: id });
    // The hold this desk moves on from goes first, so its time is free for the new one in this same transaction.
    if (p.replacing) await this.sessionHolds.release(tx, actor.tenantId, { sessionId: actor.sessionId }, author(actor), [p.replacing]);
    const appointment: NewAppointment = {
      id,
      tenantId: actor.tenantId,
      branchId: p.branchId,
      serviceId: p.serviceId,
      patientId: p.patientId,
      status: p.mode === 'hold' ? 'HELD' : 'BOOKED',
      startsAt: wanted.start,
      endsAt: new Date(occupied.end.getTime() - service.bufferAfterMin * MINUTE),
      holdMinutes: p.holdMinutes,
      holdSessionId: p.mode === 'hold' ? actor.sessionId : null,
      priceCents: service.priceCents,
      note: p.note,
      createdBy: actor.staffId,
      series: p.series ?? null,
    };
    const row = await traced(
      'booking.insert',
      async (span) => {
        if (tryLocks.length === 0) return this.repo.insertAppointment(tx, appointment);
        // Timed like a lock wait (the metric counts every placement's locks), and traced with its verdict.
        const started = performance.now();
        const inserted = await this.repo.insertAppointmentIfLocked(tx, appointment, tryLocks);
        noteLockTry(span, started, tryLocks.length, inserted !== null);
        return inserted;
      },
    );
    if (!row) throw new Contended();
    const lines = await takeStock(tx, this.repo, actor.tenantId, p.branchId, p.products);
    await this.repo.insertProductLines(tx, row.id, lines);
    const view = toAppointmentView({ ...row, resources: resourceIds.map((resourceId) => ({ resourceId, startsAt: occupied.start, endsAt: occupied.end })), products: lines });
    // The occupancy rows go in with the events: the exclusion constraint decides there.
    await tracedConstraint('booking.append_events', () =>
      appendEvents(
        tx,
        author(actor),
        [appointmentEvent(p.mode === 'hold' ? 'appointment.held' : 'appointment.booked', actor, view), ...stockEvents(actor, p.branchId, taken(lines))],
        this.repo.occupancySql(actor.tenantId, row.id, resourceIds, occupied),
      ),
    );
    return view;
  }

  async confirm(actor: Actor, input: z.output<typeof confirmInput>): Promise<AppointmentView> {
    const current = await this.appointments.load(actor, input.appointmentId);
    const patientId = input.patientId ?? current.patientId;
    if (!patientId) throw new DomainError('BAD_INPUT', 'Choose the patient before confirming.', { field: 'patientId' });
    try {
      const locks = patientId !== current.patientId ? slotLockKeys([patientId], { start: current.startsAt, end: current.endsAt }) : [];
      return await inTransaction(this.db, { tenantId: actor.tenantId, locks }, async (tx) => {
        const moved = await this.repo.transition(tx, {
          appointmentId: current.id,
          tenantId: actor.tenantId,
          version: input.version,
          from: ['HELD'],
          to: 'BOOKED',
          patientId,
          note: input.note,
          requireLiveHold: true,
        });
        if (!moved) throw await this.appointments.refusal(tx, actor, current.id, input.version, ['HELD']);
        const lines = await takeStock(tx, this.repo, actor.tenantId, current.branchId, input.products);
        await this.repo.insertProductLines(tx, current.id, lines);
        const view = await this.appointments.view(tx, current.id);
        await appendEvents(tx, author(actor), [appointmentEvent('appointment.booked', actor, view), ...stockEvents(actor, current.branchId, taken(lines))]);
        return view;
      });
    } catch (error) {
      // The hold's resources were its own; only the patient can overlap.
      if (!isExclusionViolation(error)) throw error;
      bookingConflicts.inc({ command: 'confirm', stage: 'constraint' });
      throw await this.conflicts.patientClash({
        tenantId: actor.tenantId,
        branchId: current.branchId,
        serviceId: current.serviceId,
        start: current.startsAt,
        patientId,
        occupied: { start: current.startsAt, end: current.endsAt },
        excludeAppointmentId: current.id,
      });
    }
  }

  extendHold(actor: Actor, input: z.output<typeof extendHoldInput>): Promise<AppointmentView> {
    return this.change(actor, input.appointmentId, { version: input.version, from: ['HELD'], to: 'HELD', holdMinutes: input.holdMinutes, holdCapMinutes: HOLD_MINUTES_MAX, requireLiveHold: true }, 'appointment.hold_extended');
  }

  release(actor: Actor, input: z.output<typeof releaseInput>): Promise<AppointmentView> {
    const version = input.version !== undefined ? { version: input.version } : {};
    // RELEASED, not CANCELLED: a hold let go was never an appointment.
    return this.change(actor, input.appointmentId, { ...version, from: ['HELD'], to: 'RELEASED' }, 'appointment.released', {
      // Releasing a hold that already ran out (or was let go) is what the desk wanted anyway.
      whenRefused: async (tx, current) => {
        const now = await this.repo.current(tx, actor.tenantId, current.id);
        return now && (now.status === 'EXPIRED' || now.status === 'RELEASED') ? this.appointments.view(tx, current.id) : null;
      },
    });
  }

  // Cancel, check-in, the consultation, completed and no-show: visit.service.ts.

  async move(actor: Actor, input: z.output<typeof moveInput>): Promise<AppointmentView> {
    const current = await this.appointments.load(actor, input.appointmentId);
    if (current.version !== input.version) throw await this.appointments.stale(this.db, current.id);
    if (current.status !== 'HELD' && current.status !== 'BOOKED') {
      throw new DomainError('INVALID_STATE', `A ${label(current.status)} appointment cannot be moved.`, { status: current.status });
    }
    const service = await this.terms.get(actor.tenantId, current.serviceId, current.branchId);
    const start = this.startOf(input.startsAt);
    const wanted: Wanted = {
      tenantId: actor.tenantId,
      branchId: current.branchId,
      serviceId: current.serviceId,
      start,
      resourceIds: input.resourceIds ?? current.resourceIds,
      excludeAppointmentId: current.id,
      patientId: current.patientId,
      occupied: occupiedRange(service, start),
    };
    for (let attempt = 1; ; attempt++) {
      let slot = await traced('booking.availability_check', () => this.availability.check(wanted), { [ATTR.attempt]: attempt });
      if (!slot.ok && input.resourceIds === undefined) {
        // Keep the practitioner if the rest can be swapped (another free room or chair).
        slot = await this.availability.check({ ...wanted, resourceIds: await this.repo.practitioners(this.db, actor.tenantId, current.resourceIds) });
      }
      if (!slot.ok && slot.code === 'SLOT_TAKEN') bookingConflicts.inc({ command: 'move', stage: 'check' });
      if (!slot.ok) throw await this.conflicts.refused(slot, wanted);
      const resourceIds = slot.slot.resourceIds;
      const endsAt = new Date(slot.slot.endsAt);
      const placed: Wanted = { ...wanted, occupied: occupiedRange(service, start, endsAt) };
      try {
        return await inTransaction(this.db, { tenantId: actor.tenantId, locks: slotLockKeys([...resourceIds, current.patientId], placed.occupied) }, async (tx) => {
          const ok = await this.repo.reschedule(tx, { appointmentId: current.id, tenantId: actor.tenantId, version: input.version, startsAt: start, endsAt });
          if (!ok) throw await this.appointments.refusal(tx, actor, current.id, input.version, ['HELD', 'BOOKED']);
          await this.repo.replaceOccupancy(tx, actor.tenantId, current.id, resourceIds, placed.occupied);
          const view = await this.appointments.view(tx, current.id);
          await appendEvents(tx, author(actor), [movedEvent(actor, view, current)]);
          return view;
        });
      } catch (error) {
        if (!isExclusionViolation(error)) throw error;
        bookingConflicts.inc({ command: 'move', stage: 'constraint' });
        await this.conflicts.afterConstraint(placed, resourceIds, attempt);
      }
    }
  }

  async get(actor: Actor, appointmentId: string): Promise<AppointmentView> {
    const current = await this.appointments.load(actor, appointmentId);
    return this.appointments.view(this.db, current.id);
  }

  // ---- internals ---------------------------------------------------------

  /**
   * One guarded status change in one transaction: the update only applies at
   * the expected version and status; otherwise the refusal says why (STALE,
   * HOLD_EXPIRED, INVALID_STATE). The event, and any `alongside`, go with it.
   */
  private async change(
    actor: Actor,
    appointmentId: string,
    transition: Omit<TransitionArgs, 'appointmentId' | 'tenantId'>,
    type: AppointmentEventType,
    extra: {
      whenRefused?: (tx: Tx, current: CurrentAppointment) => Promise<AppointmentView | null>;
      alongside?: (tx: Tx, current: CurrentAppointment) => Promise<AnyNewEvent[]>;
    } = {},
  ): Promise<AppointmentView> {
    const current = await this.appointments.load(actor, appointmentId);
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      const ok = await this.repo.transition(tx, { appointmentId: current.id, tenantId: actor.tenantId, ...transition });
      if (!ok) {
        const settled = await extra.whenRefused?.(tx, current);
        if (settled) return settled;
        throw await this.appointments.refusal(tx, actor, current.id, transition.version, transition.from);
      }
      const more = (await extra.alongside?.(tx, current)) ?? [];
      const view = await this.appointments.view(tx, current.id);
      await appendEvents(tx, author(actor), [appointmentEvent(type, actor, view), ...more]);
      return view;
    });
  }

  private startOf(iso: string): Date {
    const start = new Date(iso);
    if (start.getTime() < this.now().getTime() - PAST_GRACE_MINUTES * MINUTE) {
      throw new DomainError('BAD_INPUT', 'That time has already passed.', { field: 'startsAt' });
    }
    return start;
  }

  /** The appointment an earlier hold or book with this key made, or null (see idempotency/). */
  private replayed(actor: Actor, claim: IdempotencyClaim): Promise<AppointmentView | null> {
    return this.idempotency.earlier(actor, claim, async (tx, r) => (r.appointmentId ? this.appointments.view(tx, r.appointmentId) : null));
  }
}

/** How often a placement looks again when its slot's locks are held, before it waits for them. */
const CONTENDED_TRIES = 6;

/** The slot's locks were held by another transaction (nothing was written). */
class Contended extends Error {}

/** The slot was not free when checked (nothing was written). */
class NotFree extends Error {
  /** `recent`: refused from what this process knows was booked, before any transaction. */
  constructor(readonly slot: SlotRefusal, readonly stage: 'check' | 'recent' = 'check') {
    super('not free');
  }
}

/** The time taken from the resources, buffers included; `end` is the patient's end (the service's length unless the slot says otherwise). */
export function occupiedRange(service: ServiceInfo, start: Date, end = new Date(start.getTime() + service.durationMin * MINUTE)): { start: Date; end: Date } {
  return {
    start: new Date(start.getTime() - service.bufferBeforeMin * MINUTE),
    end: new Date(end.getTime() + service.bufferAfterMin * MINUTE),
  };
}
