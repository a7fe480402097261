import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import {
  DomainError,
  type AppointmentStatus,
  type AppointmentView,
  type CapacitySessionView,
  type TokenView,
  type bookInput,
  type cancelInput,
  type appointmentStepInput,
  type confirmInput,
  type extendHoldInput,
  type holdInput,
  type issueTokenInput,
  type moveInput,
  type releaseInput,
} from '@frontdesk/shared';
import { assertBranch, mayActIn, notFound, type Actor } from '../auth/scope.js';
import type { AvailabilityService } from '../availability/availability.service.js';
import { appointmentViewSelect, toAppointmentView } from '../views/appointment.js';
import { toSessionView } from '../views/session.js';
import { isExclusionViolation, isUniqueViolation } from '../db/errors.js';
import { inTransaction, type Db, type Tx } from '../db/tx.js';
import { appendEvents, type AnyNewEvent } from '../sync/append.js';
import { assertReplay, IDEMPOTENCY_KEY_CONSTRAINT, placementClaim, tokenClaim, type IdempotencyClaim, type IdempotencyRecord } from './idempotency.js';
import { slotLockKeys, type BookingRepository, type CurrentAppointment, type InsertedAppointment, type ServiceInfo, type StockTaken, type TransitionArgs } from './booking.repository.js';

type HoldInput = z.output<typeof holdInput>;
type BookInput = z.output<typeof bookInput>;
type ConfirmInput = z.output<typeof confirmInput>;
type MoveInput = z.output<typeof moveInput>;
type CancelInput = z.output<typeof cancelInput>;
type StepInput = z.output<typeof appointmentStepInput>;
type ExtendInput = z.output<typeof extendHoldInput>;
type ReleaseInput = z.output<typeof releaseInput>;
type TokenInput = z.output<typeof issueTokenInput>;

const MINUTE = 60_000;
/** How far in the past a desk may still place an appointment (a walk-in taking the current slot). */
const PAST_GRACE_MINUTES = 30;
/** How long a service's duration, buffers and price are reused (a price change shows within this). */
const SERVICE_TTL_MS = 5_000;
/** Attempts at a command whose slot was blocked only by holds that had run out. */
const CONFLICT_ATTEMPTS = 3;

interface Placement {
  mode: 'hold' | 'book';
  branchId: string;
  serviceId: string;
  startsAt: string;
  resourceIds: string[];
  patientId: string | null;
  holdMinutes: number | null;
  idempotencyKey: string | null;
  products: { productId: string; quantity: number }[];
  note: string;
}

/** The booking commands. Each runs in one transaction and appends its events there. */
export class BookingService {
  private readonly services = new Map<string, { at: number; value: ServiceInfo }>();

  constructor(
    private readonly db: Db,
    private readonly repo: BookingRepository,
    private readonly availability: AvailabilityService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  hold(actor: Actor, input: HoldInput): Promise<AppointmentView> {
    return this.place(actor, {
      mode: 'hold',
      branchId: input.branchId,
      serviceId: input.serviceId,
      startsAt: input.startsAt,
      resourceIds: input.resourceIds,
      patientId: input.patientId ?? null,
      holdMinutes: input.holdMinutes,
      idempotencyKey: input.idempotencyKey ?? null,
      products: [],
      note: '',
    });
  }

  book(actor: Actor, input: BookInput): Promise<AppointmentView> {
    return this.place(actor, {
      mode: 'book',
      branchId: input.branchId,
      serviceId: input.serviceId,
      startsAt: input.startsAt,
      resourceIds: input.resourceIds,
      patientId: input.patientId,
      holdMinutes: null,
      idempotencyKey: input.idempotencyKey ?? null,
      products: input.products,
      note: input.note,
    });
  }

  async confirm(actor: Actor, input: ConfirmInput): Promise<AppointmentView> {
    const current = await this.load(actor, input.appointmentId);
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
        if (!moved) throw await this.refusal(tx, actor, current.id, input.version, ['HELD']);
        const lines = await this.takeStock(tx, actor.tenantId, current.branchId, input.products);
        await this.repo.insertProductLines(tx, current.id, lines);
        const view = await this.view(tx, current.id);
        await appendEvents(tx, author(actor), [appointmentEvent('appointment.booked', actor, view), ...stockEvents(actor, current.branchId, lines)]);
        return view;
      });
    } catch (error) {
      if (isExclusionViolation(error)) throw await this.patientConflict(actor, current.branchId, current.serviceId, current.startsAt, patientId);
      throw error;
    }
  }

  extendHold(actor: Actor, input: ExtendInput): Promise<AppointmentView> {
    return this.change(actor, input.appointmentId, { version: input.version, from: ['HELD'], to: 'HELD', holdMinutes: input.holdMinutes, requireLiveHold: true }, 'appointment.hold_extended');
  }

  release(actor: Actor, input: ReleaseInput): Promise<AppointmentView> {
    const version = input.version !== undefined ? { version: input.version } : {};
    return this.change(actor, input.appointmentId, { ...version, from: ['HELD'], to: 'CANCELLED', cancelReason: 'Hold released' }, 'appointment.released', {
      // Releasing a hold that already ran out is what the desk wanted anyway.
      whenRefused: async (tx, current) => {
        const now = await this.repo.current(tx, actor.tenantId, current.id);
        return now && (now.status === 'EXPIRED' || now.status === 'CANCELLED') ? this.view(tx, current.id) : null;
      },
    });
  }

  cancel(actor: Actor, input: CancelInput): Promise<AppointmentView> {
    return this.change(actor, input.appointmentId, { version: input.version, from: ['HELD', 'BOOKED'], to: 'CANCELLED', cancelReason: input.reason }, 'appointment.cancelled', {
      // A cancelled booking gives its products back.
      alongside: async (tx, current) =>
        (await this.repo.returnStock(tx, current.id, current.branchId)).map(
          (r): AnyNewEvent => ({
            type: 'stock.changed',
            tenantId: actor.tenantId,
            branchId: current.branchId,
            aggregateId: r.productId,
            payload: { productId: r.productId, branchId: current.branchId, quantity: r.quantity, delta: r.delta },
          }),
        ),
    });
  }

  checkIn(actor: Actor, input: StepInput): Promise<AppointmentView> {
    return this.step(actor, input, 'BOOKED', 'CHECKED_IN', 'appointment.checked_in');
  }

  markNoShow(actor: Actor, input: StepInput): Promise<AppointmentView> {
    return this.step(actor, input, 'BOOKED', 'NO_SHOW', 'appointment.no_show');
  }

  async move(actor: Actor, input: MoveInput): Promise<AppointmentView> {
    const current = await this.load(actor, input.appointmentId);
    if (current.version !== input.version) throw await this.stale(this.db, current.id);
    if (current.status !== 'HELD' && current.status !== 'BOOKED') {
      throw new DomainError('INVALID_STATE', `A ${label(current.status)} appointment cannot be moved.`, { status: current.status });
    }
    const service = await this.service(actor, current.serviceId, current.branchId);
    const start = this.startOf(input.startsAt);
    const wanted = input.resourceIds ?? current.resourceIds;
    for (let attempt = 1; ; attempt++) {
      let slot = await this.availability.check({ tenantId: actor.tenantId, branchId: current.branchId, serviceId: current.serviceId, resourceIds: wanted, start, excludeAppointmentId: current.id });
      if (!slot.ok && input.resourceIds === undefined) {
        // Keep the practitioner if the rest can be swapped (another free room or chair).
        const practitioners = await this.practitionersOf(current.resourceIds, actor.tenantId);
        slot = await this.availability.check({ tenantId: actor.tenantId, branchId: current.branchId, serviceId: current.serviceId, resourceIds: practitioners, start, excludeAppointmentId: current.id });
      }
      if (!slot.ok) throw await this.unavailable(actor, slot, { branchId: current.branchId, serviceId: current.serviceId, start, resourceIds: wanted, excludeAppointmentId: current.id });
      const occupied = occupiedRange(service, start);
      try {
        const locks = slotLockKeys([...slot.slot.resourceIds, current.patientId], occupied);
        return await inTransaction(this.db, { tenantId: actor.tenantId, locks }, async (tx) => {
          const ok = await this.repo.reschedule(tx, { appointmentId: current.id, tenantId: actor.tenantId, version: input.version, startsAt: start, endsAt: new Date(start.getTime() + service.durationMin * MINUTE) });
          if (!ok) throw await this.refusal(tx, actor, current.id, input.version, ['HELD', 'BOOKED']);
          await this.repo.deleteOccupancy(tx, current.id);
          await tx.$executeRaw`${this.repo.occupancySql(actor.tenantId, current.id, slot.slot.resourceIds, occupied)}`;
          const view = await this.view(tx, current.id);
          await appendEvents(tx, author(actor), [
            {
              type: 'appointment.moved',
              tenantId: actor.tenantId,
              branchId: view.branchId,
              aggregateId: view.id,
              patientId: view.patient?.id ?? null,
              payload: { appointment: view, from: { startsAt: current.startsAt.toISOString(), endsAt: current.endsAt.toISOString(), resourceIds: current.resourceIds } },
            },
          ]);
          return view;
        });
      } catch (error) {
        if (!isExclusionViolation(error)) throw error;
        await this.afterConflict(actor, { branchId: current.branchId, serviceId: current.serviceId, start, resourceIds: wanted, excludeAppointmentId: current.id, patientId: current.patientId, tried: slot.slot.resourceIds, occupied }, attempt);
      }
    }
  }

  async issueToken(actor: Actor, input: TokenInput): Promise<{ token: TokenView; session: CapacitySessionView }> {
    const session = await inTransaction(this.db, { tenantId: actor.tenantId }, (tx) => this.repo.session(tx, actor.tenantId, input.sessionId));
    // Another branch's session is as unknown as one that does not exist.
    if (!session || !mayActIn(actor, session.branchId)) throw notFound('session');
    const claim = input.idempotencyKey ? tokenClaim(input.idempotencyKey, input) : null;
    const replayed = claim && (await this.replayedToken(actor, claim));
    if (replayed) return replayed;
    const keep = (tx: Tx, tokenId: string) =>
      claim ? this.repo.insertIdempotencyRecord(tx, { ...claim, tenantId: actor.tenantId, staffId: actor.staffId, branchId: session.branchId, tokenId }) : Promise.resolve();
    try {
      return await inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
        // The patient already holds a live token: that one stands (and the key now names it).
        const existing = await this.repo.liveToken(tx, session.id, input.patientId);
        if (existing) {
          await keep(tx, existing.id);
          return this.tokenResult(tx, actor, existing.id);
        }
        const id = randomUUID();
        await keep(tx, id);
        const number = await this.repo.drawToken(tx, actor.tenantId, session.id, actor.branchIds);
        if (number === null) {
          const next = await this.repo.nextSessionWithRoom(tx, actor.tenantId, session);
          throw new DomainError('CAPACITY_FULL', `All ${session.capacity} tokens of ${session.name} are taken.`, {
            sessionId: session.id,
            capacity: session.capacity,
            nextSession: next ? { id: next.id, name: next.name, startsAt: next.startsAt.toISOString(), remaining: next.remaining } : null,
          });
        }
        const row = await this.repo.insertToken(tx, { id, tenantId: actor.tenantId, sessionId: session.id, number, patientId: input.patientId, issuedBy: actor.staffId });
        const token: TokenView = { id: row.id, sessionId: session.id, number, patientId: input.patientId, status: 'ISSUED', createdAt: row.createdAt.toISOString() };
        const view = toSessionView({ ...session, issued: number });
        await appendEvents(tx, author(actor), [{ type: 'token.issued', tenantId: actor.tenantId, branchId: session.branchId, aggregateId: session.id, patientId: input.patientId, payload: { token, session: view } }]);
        return { token, session: view };
      });
    } catch (error) {
      // The same key sent twice at once: the first one's token, or a refusal.
      if (claim && isUniqueViolation(error, IDEMPOTENCY_KEY_CONSTRAINT)) {
        const earlier = await this.replayedToken(actor, claim);
        if (earlier) return earlier;
      }
      // The same patient asked twice at once (under different keys): the first token stands.
      if (isUniqueViolation(error, 'token_session_id_patient_id_live_key')) {
        const token = await inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
          const live = await this.repo.liveToken(tx, session.id, input.patientId);
          return live && this.tokenResult(tx, actor, live.id);
        });
        if (token) return token;
      }
      throw error;
    }
  }

  async get(actor: Actor, appointmentId: string): Promise<AppointmentView> {
    const current = await this.load(actor, appointmentId);
    return this.view(this.db, current.id);
  }

  /** Expires every hold past its deadline, with events; the sweeper calls this. */
  async expireDueHolds(limit = 500): Promise<number> {
    // Which tenants have lapsed holds is the one thing the sweeper may ask across
    // tenants (a system path, see the strict_rls migration); it expires them in each tenant's scope.
    const tenants = await this.db.$queryRaw<{ id: string }[]>`SELECT t::text AS id FROM frontdesk_due_hold_tenants() t`;
    let total = 0;
    for (const { id: tenantId } of tenants) {
      total += await inTransaction(this.db, { tenantId }, async (tx) => {
        const expired = await this.repo.expireDueHolds(tx, null, limit);
        await this.appendExpired(tx, expired);
        return expired.length;
      });
    }
    return total;
  }

  // ---- internals ---------------------------------------------------------

  private async place(actor: Actor, p: Placement): Promise<AppointmentView> {
    assertBranch(actor, p.branchId);
    const claim = p.idempotencyKey ? placementClaim(p.mode, p.idempotencyKey, p) : null;
    // A replay answers before anything else is checked: its own appointment now fills the slot.
    const replayed = claim && (await this.replayedAppointment(actor, claim));
    if (replayed) return replayed;
    const service = await this.service(actor, p.serviceId, p.branchId);
    const start = this.startOf(p.startsAt);
    const end = new Date(start.getTime() + service.durationMin * MINUTE);
    const occupied = occupiedRange(service, start);
    for (let attempt = 1; ; attempt++) {
      const slot = await this.availability.check({ tenantId: actor.tenantId, branchId: p.branchId, serviceId: p.serviceId, resourceIds: p.resourceIds, start });
      if (!slot.ok) {
        // A retry that lost the race to its own first request finds that request's appointment in the slot.
        const earlier = claim && (await this.replayedAppointment(actor, claim));
        if (earlier) return earlier;
        throw await this.unavailable(actor, slot, { branchId: p.branchId, serviceId: p.serviceId, start, resourceIds: p.resourceIds });
      }
      try {
        const locks = slotLockKeys([...slot.slot.resourceIds, p.patientId], occupied);
        return await inTransaction(this.db, { tenantId: actor.tenantId, locks }, async (tx) => {
          const id = randomUUID();
          if (claim) await this.repo.insertIdempotencyRecord(tx, { ...claim, tenantId: actor.tenantId, staffId: actor.staffId, branchId: p.branchId, appointmentId: id });
          const row = await this.repo.insertAppointment(tx, {
            id,
            tenantId: actor.tenantId,
            branchId: p.branchId,
            serviceId: p.serviceId,
            patientId: p.patientId,
            status: p.mode === 'hold' ? 'HELD' : 'BOOKED',
            startsAt: start,
            endsAt: end,
            holdMinutes: p.holdMinutes,
            priceCents: service.priceCents,
            note: p.note,
            createdBy: actor.staffId,
          });
          const lines = await this.takeStock(tx, actor.tenantId, p.branchId, p.products);
          await this.repo.insertProductLines(tx, row.id, lines);
          const view = placedView(row, { actor, branchId: p.branchId, service, patientId: p.patientId, resourceIds: slot.slot.resourceIds, occupied, lines });
          // The occupancy rows go in with the events: the exclusion constraint decides there.
          await appendEvents(
            tx,
            author(actor),
            [appointmentEvent(p.mode === 'hold' ? 'appointment.held' : 'appointment.booked', actor, view), ...stockEvents(actor, p.branchId, lines)],
            this.repo.occupancySql(actor.tenantId, row.id, slot.slot.resourceIds, occupied),
          );
          return view;
        });
      } catch (error) {
        // A retry of a command that another request just carried out: its result, or a refusal.
        if (claim && isUniqueViolation(error, IDEMPOTENCY_KEY_CONSTRAINT)) {
          const earlier = await this.replayedAppointment(actor, claim);
          if (earlier) return earlier;
        }
        if (!isExclusionViolation(error)) throw error;
        await this.afterConflict(actor, { branchId: p.branchId, serviceId: p.serviceId, start, resourceIds: p.resourceIds, patientId: p.patientId, tried: slot.slot.resourceIds, occupied }, attempt);
      }
    }
  }

  private step(actor: Actor, input: StepInput, from: AppointmentStatus, to: AppointmentStatus, type: 'appointment.checked_in' | 'appointment.no_show'): Promise<AppointmentView> {
    return this.change(actor, input.appointmentId, { version: input.version, from: [from], to, startedBy: to === 'NO_SHOW' }, type, {
      whenRefused: async (_tx, current) => {
        if (to === 'NO_SHOW' && current.status === 'BOOKED' && current.version === input.version && current.startsAt > this.now()) {
          throw new DomainError('INVALID_STATE', 'A patient can be marked as a no-show only once the appointment has started.', { status: current.status });
        }
        return null;
      },
    });
  }

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
    const current = await this.load(actor, appointmentId);
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      const ok = await this.repo.transition(tx, { appointmentId: current.id, tenantId: actor.tenantId, ...transition });
      if (!ok) {
        const settled = await extra.whenRefused?.(tx, current);
        if (settled) return settled;
        throw await this.refusal(tx, actor, current.id, transition.version, transition.from);
      }
      const more = (await extra.alongside?.(tx, current)) ?? [];
      const view = await this.view(tx, current.id);
      await appendEvents(tx, author(actor), [appointmentEvent(type, actor, view), ...more]);
      return view;
    });
  }

  private async load(actor: Actor, appointmentId: string) {
    const current = await this.repo.current(this.db, actor.tenantId, appointmentId);
    // Another branch's appointment is as unknown as one that does not exist: its id is not confirmed.
    if (!current || !mayActIn(actor, current.branchId)) throw notFound('appointment');
    return current;
  }

  /** Duration, buffers and branch price of a service; kept for a few seconds, as the catalogue is. */
  private async service(actor: Actor, serviceId: string, branchId: string): Promise<ServiceInfo> {
    const key = `${actor.tenantId}:${serviceId}:${branchId}`;
    const cached = this.services.get(key);
    if (cached && cached.at > Date.now() - SERVICE_TTL_MS) return cached.value;
    const service = await this.repo.serviceInfo(this.db, actor.tenantId, serviceId, branchId);
    if (!service) throw notFound('service');
    if (this.services.size > 10_000) this.services.clear();
    this.services.set(key, { at: Date.now(), value: service });
    return service;
  }

  private startOf(iso: string): Date {
    const start = new Date(iso);
    if (start.getTime() < this.now().getTime() - PAST_GRACE_MINUTES * MINUTE) {
      throw new DomainError('BAD_INPUT', 'That time has already passed.', { field: 'startsAt' });
    }
    return start;
  }

  private async view(db: Db | Tx, appointmentId: string): Promise<AppointmentView> {
    const row = await db.appointment.findUniqueOrThrow({ where: { id: appointmentId }, select: appointmentViewSelect });
    return toAppointmentView(row, this.now());
  }

  private async stale(db: Db | Tx, appointmentId: string): Promise<DomainError> {
    const current = await this.view(db, appointmentId);
    return new DomainError('STALE', 'This appointment was changed on another desk. Here is how it looks now.', { current });
  }

  /** Why a guarded update touched no row: stale version, lapsed hold, or wrong state. */
  private async refusal(tx: Tx, actor: Actor, appointmentId: string, version: number | undefined, allowed: readonly AppointmentStatus[]): Promise<DomainError> {
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

  private async takeStock(tx: Tx, tenantId: string, branchId: string, products: readonly { productId: string; quantity: number }[]): Promise<StockTaken[]> {
    const lines: StockTaken[] = [];
    // A fixed order keeps two bookings of the same products from deadlocking.
    for (const p of [...products].sort((a, b) => a.productId.localeCompare(b.productId))) {
      const taken = await this.repo.takeStock(tx, tenantId, branchId, p.productId, p.quantity);
      if (!taken) {
        const available = await this.repo.stockLevel(tx, tenantId, branchId, p.productId);
        if (available === null) throw notFound('product');
        throw new DomainError('OUT_OF_STOCK', `Only ${available} left at this branch.`, { productId: p.productId, branchId, requested: p.quantity, available });
      }
      lines.push(taken);
    }
    return lines;
  }

  private async expireBlockingHolds(tenantId: string, resourceIds: readonly string[], occupied: { start: Date; end: Date }, patientId: string | null): Promise<number> {
    return inTransaction(this.db, { tenantId }, async (tx) => {
      const expired = await this.repo.expireDueHolds(tx, { resourceIds, start: occupied.start, end: occupied.end, patientId });
      await this.appendExpired(tx, expired);
      return expired.length;
    });
  }

  private async appendExpired(tx: Tx, expired: readonly { id: string; tenantId: string }[]): Promise<void> {
    if (expired.length === 0) return;
    const rows = await tx.appointment.findMany({ where: { id: { in: expired.map((e) => e.id) } }, select: { ...appointmentViewSelect, tenantId: true } });
    await appendEvents(
      tx,
      { actorId: null, desk: 'hold sweeper' },
      rows.map((row): AnyNewEvent => {
        const view = toAppointmentView(row);
        return { type: 'appointment.expired', tenantId: row.tenantId, branchId: view.branchId, aggregateId: view.id, patientId: view.patient?.id ?? null, payload: { appointment: view } };
      }),
    );
  }

  private async practitionersOf(resourceIds: readonly string[], tenantId: string): Promise<string[]> {
    const rows = await this.db.resource.findMany({ where: { id: { in: [...resourceIds] }, tenantId, kind: 'PRACTITIONER' }, select: { id: true } });
    return rows.map((r) => r.id);
  }

  /** The error for a slot the availability check refused. */
  private async unavailable(
    actor: Actor,
    slot: Exclude<Awaited<ReturnType<AvailabilityService['check']>>, { ok: true }>,
    q: { branchId: string; serviceId: string; start: Date; resourceIds: string[]; excludeAppointmentId?: string },
  ): Promise<DomainError> {
    if (slot.code === 'OUTSIDE_HOURS') {
      return new DomainError('OUTSIDE_HOURS', 'Not working at that time. Here are the working hours.', slot.details);
    }
    const alternatives = await this.availability.alternatives({ tenantId: actor.tenantId, branchId: q.branchId, serviceId: q.serviceId, around: q.start, resourceIds: q.resourceIds, ...(q.excludeAppointmentId ? { excludeAppointmentId: q.excludeAppointmentId } : {}) });
    return new DomainError('SLOT_TAKEN', 'That time is taken. The nearest free times are listed.', { blockers: slot.blockers, alternatives });
  }

  /**
   * After the constraint refused a placement. Still taken by the availability
   * rules: a real conflict, SLOT_TAKEN with what blocks it and alternatives.
   * Free by them: a hold that ran out still had its row (expire it), or other
   * resources can be picked; either way the caller tries again. Free with the
   * same resources and nothing to expire: the patient is what overlaps.
   */
  private async afterConflict(
    actor: Actor,
    q: { branchId: string; serviceId: string; start: Date; resourceIds: string[]; excludeAppointmentId?: string; patientId: string | null; tried: readonly string[]; occupied: { start: Date; end: Date } },
    attempt: number,
  ): Promise<void> {
    const now = await this.availability.check({ tenantId: actor.tenantId, branchId: q.branchId, serviceId: q.serviceId, resourceIds: q.resourceIds, start: q.start, ...(q.excludeAppointmentId ? { excludeAppointmentId: q.excludeAppointmentId } : {}) });
    if (!now.ok) throw await this.unavailable(actor, now, q);
    const expired = await this.expireBlockingHolds(actor.tenantId, now.slot.resourceIds, q.occupied, q.patientId);
    const repicked = now.slot.resourceIds.join() !== q.tried.join();
    if (attempt < CONFLICT_ATTEMPTS && (expired > 0 || repicked)) return;
    throw await this.patientConflict(actor, q.branchId, q.serviceId, q.start, q.patientId);
  }

  private async patientConflict(actor: Actor, branchId: string, serviceId: string, start: Date, _patientId: string | null): Promise<DomainError> {
    const alternatives = await this.availability.alternatives({ tenantId: actor.tenantId, branchId, serviceId, around: start });
    return new DomainError('SLOT_TAKEN', 'This patient already has an appointment at that time.', {
      blockers: [{ resourceId: null, kind: 'patient', startsAt: start.toISOString(), endsAt: start.toISOString() }],
      alternatives,
    });
  }

  /** A token as it is now, with its session. */
  private async tokenResult(tx: Tx, actor: Actor, tokenId: string): Promise<{ token: TokenView; session: CapacitySessionView }> {
    const token = await this.repo.token(tx, actor.tenantId, tokenId);
    const session = token && (await this.repo.session(tx, actor.tenantId, token.sessionId));
    if (!token || !session) throw notFound('token');
    return {
      token: { id: token.id, sessionId: token.sessionId, number: token.number, patientId: token.patientId, status: token.status, createdAt: token.createdAt.toISOString() },
      session: toSessionView(session),
    };
  }

  /**
   * The result of an earlier command sent with this key by this staff member,
   * or null when there is none (carry the command out). A key used for
   * anything else is refused (see idempotency.ts).
   */
  private replay<T>(actor: Actor, claim: IdempotencyClaim, result: (tx: Tx, record: IdempotencyRecord) => Promise<T | null>): Promise<T | null> {
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      const record = await this.repo.idempotencyRecord(tx, actor.tenantId, actor.staffId, claim.key);
      if (!record) return null;
      assertReplay(actor, claim, record);
      return result(tx, record);
    });
  }

  private replayedAppointment(actor: Actor, claim: IdempotencyClaim): Promise<AppointmentView | null> {
    return this.replay(actor, claim, async (tx, r) => (r.appointmentId ? this.view(tx, r.appointmentId) : null));
  }

  private replayedToken(actor: Actor, claim: IdempotencyClaim): Promise<{ token: TokenView; session: CapacitySessionView } | null> {
    return this.replay(actor, claim, async (tx, r) => (r.tokenId ? this.tokenResult(tx, actor, r.tokenId) : null));
  }
}

function occupiedRange(service: ServiceInfo, start: Date): { start: Date; end: Date } {
  return {
    start: new Date(start.getTime() - service.bufferBeforeMin * MINUTE),
    end: new Date(start.getTime() + (service.durationMin + service.bufferAfterMin) * MINUTE),
  };
}

function author(actor: Actor) {
  return { actorId: actor.staffId, desk: actor.desk };
}

function label(status: AppointmentStatus): string {
  return status.toLowerCase().replace('_', '-');
}

type AppointmentEventType = 'appointment.held' | 'appointment.hold_extended' | 'appointment.booked' | 'appointment.released' | 'appointment.cancelled' | 'appointment.checked_in' | 'appointment.no_show';

function appointmentEvent(type: AppointmentEventType, actor: Actor, view: AppointmentView): AnyNewEvent {
  return { type, tenantId: actor.tenantId, branchId: view.branchId, aggregateId: view.id, patientId: view.patient?.id ?? null, payload: { appointment: view } } as AnyNewEvent;
}

function stockEvents(actor: Actor, branchId: string, lines: readonly StockTaken[]): AnyNewEvent[] {
  return lines.map((l) => ({
    type: 'stock.changed',
    tenantId: actor.tenantId,
    branchId,
    aggregateId: l.productId,
    payload: { productId: l.productId, branchId, quantity: l.remaining, delta: -l.quantity },
  }));
}

/** The view of a just-placed appointment, built from what the transaction already knows. */
function placedView(
  row: InsertedAppointment,
  ctx: { actor: Actor; branchId: string; service: ServiceInfo; patientId: string | null; resourceIds: readonly string[]; occupied: { start: Date; end: Date }; lines: readonly StockTaken[] },
): AppointmentView {
  return {
    id: row.id,
    branchId: ctx.branchId,
    serviceId: ctx.service.id,
    serviceName: ctx.service.name,
    patient: ctx.patientId && row.patientName !== null ? { id: ctx.patientId, name: row.patientName, phone: row.patientPhone ?? '' } : null,
    status: row.status,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    holdExpiresAt: row.holdExpiresAt ? row.holdExpiresAt.toISOString() : null,
    version: row.version,
    priceCents: row.priceCents,
    note: row.note,
    cancelReason: null,
    resources: ctx.resourceIds.map((resourceId) => ({ resourceId, startsAt: ctx.occupied.start.toISOString(), endsAt: ctx.occupied.end.toISOString() })),
    products: ctx.lines.map((l) => ({ productId: l.productId, quantity: l.quantity, unitPriceCents: l.unitPriceCents })),
    createdBy: ctx.actor.staffId,
    updatedAt: row.updatedAt.toISOString(),
  };
}

