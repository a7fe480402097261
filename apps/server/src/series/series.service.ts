// The series commands: check (preview), book (one transaction, through the single booking's own insert), get.
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import {
  DomainError,
  MINUTE,
  type AppointmentView,
  type SeriesBookResult,
  type SeriesCheckView,
  type SeriesOccurrenceCheck,
  type SeriesView,
  type seriesBookInput,
  type seriesCheckInput,
} from '@frontdesk/shared';
import { assertBranch, type Actor } from '../auth/scope.js';
import type { Appointments } from '../booking/appointments.js';
import { slotLockKeys, type BookingRepository, type ServiceInfo } from '../booking/booking.repository.js';
import type { BookingService } from '../booking/booking.service.js';
import { author } from '../booking/events.js';
import type { ServiceTermsCache } from '../booking/service-terms.js';
import { isExclusionViolation, isUniqueViolation } from '../db/errors.js';
import { inTransaction, type Db } from '../db/tx.js';
import { notFound } from '../errors.js';
import { claim, IDEMPOTENCY_KEY_CONSTRAINT, type IdempotencyClaim } from '../idempotency/idempotency.js';
import type { IdempotencyService } from '../idempotency/idempotency.service.js';
import { appendEvents } from '../sync/append.js';
import { expand, plannedStarts, summaryOf } from './rule.js';
import { assertNoSelfOverlap, type SeriesChecks, type SeriesPlan, type Target, type TargetCheck } from './series-plan.js';
import type { SeriesRepository } from './series.repository.js';

type BookInput = z.output<typeof seriesBookInput>;

/** A booking that ran into a constraint is tried again from the check, this many times in all. */
const BOOK_ATTEMPTS = 3;
/** How far in the past the first visit may start (a walk-in's first visit now), as for single bookings. */
const PAST_GRACE_MINUTES = 30;

export class SeriesService {
  constructor(
    private readonly db: Db,
    private readonly repo: SeriesRepository,
    private readonly checks: SeriesChecks,
    private readonly booking: BookingService,
    private readonly appointments: Appointments,
    private readonly terms: ServiceTermsCache,
    private readonly idempotency: IdempotencyService,
    private readonly bookings: BookingRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The preview: each occurrence free, or taken with its nearest alternatives. Writes nothing. */
  async check(actor: Actor, input: z.output<typeof seriesCheckInput>): Promise<SeriesCheckView> {
    const { zone, service, expanded, targets, replacing } = await this.plan(actor, input);
    const checks = await this.checks.check(actor, input, service, targets, replacing);
    return { summary: expanded.summary, timeZone: zone, occurrences: await this.checks.describe(actor, input, service, checks, this.ranges(checks, service)) };
  }

  /**
   * Books the chosen occurrences in ONE transaction, each through the same
   * insert as a single booking (the exclusion constraints decide each).
   * `all`: any taken → nothing written, the taken ones answered with
   * alternatives. `free`: the free ones booked, the rest listed.
   */
  async book(actor: Actor, input: BookInput): Promise<SeriesBookResult> {
    assertBranch(actor, input.branchId);
    const keyed = input.idempotencyKey ? seriesClaim(input.idempotencyKey, input) : null;
    const replayed = keyed && (await this.replayed(actor, keyed));
    if (replayed) return replayed;
    const { zone, service, expanded, targets: planned, replacing } = await this.plan(actor, input);
    const picks = new Map(input.picks.map((p) => [p.index, p]));
    const skipped = planned.filter((t) => picks.get(t.index)?.action === 'skip');
    const targets: Target[] = planned
      .filter((t) => picks.get(t.index)?.action !== 'skip')
      .map((t) => {
        const pick = picks.get(t.index);
        if (pick?.action !== 'alternative') return t;
        return { ...t, start: this.notPast(new Date(pick.startsAt!), 'picks'), resourceIds: pick.resourceIds ?? t.resourceIds };
      });
    if (targets.length === 0) throw new DomainError('BAD_INPUT', 'Every visit was left out: keep at least one.', { field: 'picks' });
    assertNoSelfOverlap(targets, service);
    // The same slot locks as single bookings, for every visit's asked-for resources and the patient, taken once in a fixed order.
    const locks = [...new Set(targets.flatMap((t) => slotLockKeys([...t.resourceIds, input.patientId], this.checks.wanted(actor, input, service, t).occupied)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (let attempt = 1; ; attempt++) {
      try {
        const done = await inTransaction(this.db, { tenantId: actor.tenantId, locks, timeoutMs: 60_000 }, async (tx) => {
          const checks = await this.checks.check(actor, input, service, targets, replacing, tx);
          const free = checks.filter((c) => c.slot.ok && !c.patientBusy);
          const taken = checks.filter((c) => !(c.slot.ok && !c.patientBusy));
          if (free.length === 0 || (input.mode === 'all' && taken.length > 0)) return { written: false as const, taken };
          const seriesId = randomUUID();
          await this.repo.insert(tx, {
            id: seriesId,
            tenantId: actor.tenantId,
            branchId: input.branchId,
            serviceId: input.serviceId,
            patientId: input.patientId,
            rule: expanded.rule,
            localStart: expanded.localStart,
            timeZone: zone,
            practitionerIds: input.practitionerIds,
            resourceIds: input.resourceIds,
            occurrenceCount: planned.length,
            note: input.note,
            createdBy: actor.staffId,
          });
          const booked: AppointmentView[] = [];
          // The desk's own hold goes with the first placement, in this transaction (insertIn releases it first).
          let hold = replacing;
          for (const c of free) {
            if (!c.slot.ok) continue;
            const placed = { ...c.wanted, occupied: { start: c.wanted.occupied.start, end: new Date(Date.parse(c.slot.slot.endsAt) + service.bufferAfterMin * MINUTE) } };
            const placement = { mode: 'book' as const, branchId: input.branchId, serviceId: input.serviceId, startsAt: c.target.start.toISOString(), resourceIds: c.slot.slot.resourceIds, patientId: input.patientId, holdMinutes: null, products: [], note: input.note, series: { id: seriesId, index: c.target.index }, replacing: hold };
            hold = null;
            booked.push(await this.booking.insertIn(tx, actor, placement, null, service, placed, c.slot.slot.resourceIds));
          }
          if (keyed) await this.idempotency.keep(tx, actor, keyed, { branchId: input.branchId, appointmentId: booked[0]!.id });
          await appendEvents(tx, author(actor), [
            { type: 'series.booked', tenantId: actor.tenantId, branchId: input.branchId, aggregateId: seriesId, patientId: input.patientId, payload: { seriesId, patientId: input.patientId, count: planned.length, appointmentIds: booked.map((b) => b.id) } },
          ]);
          return { written: true as const, seriesId, booked, taken };
        });
        const listed = [...(await this.checks.describe(actor, input, service, done.taken, this.ranges(done.taken, service))), ...skipped.map((t) => skippedCheck(t, service))].sort((a, b) => a.index - b.index);
        if (!done.written) {
          // A retry that lost the race to its own first request finds that request's series in the slots.
          const earlier = keyed && (await this.replayed(actor, keyed));
          if (earlier) return earlier;
          return { outcome: 'taken', occurrences: listed };
        }
        return { outcome: 'booked', series: await this.get(actor, done.seriesId), booked: done.booked, unbooked: listed };
      } catch (error) {
        if (keyed && isUniqueViolation(error, IDEMPOTENCY_KEY_CONSTRAINT)) {
          const earlier = await this.replayed(actor, keyed);
          if (earlier) return earlier;
        }
        // Another desk got a visit's time first (or took a resource picked on the way): check everything again.
        if (!isExclusionViolation(error) || attempt >= BOOK_ATTEMPTS) throw error;
      }
    }
  }

  /** A series with each planned place and the appointment there (null: not booked). */
  async get(actor: Actor, seriesId: string): Promise<SeriesView> {
    const row = await this.repo.find(this.db, actor.tenantId, seriesId);
    if (!row || !actor.branchIds.includes(row.branchId)) throw notFound('series');
    const starts = plannedStarts(row.rule, row.localStart, row.timeZone);
    const byIndex = new Map((await this.repo.appointmentIds(this.db, actor.tenantId, seriesId)).map((a) => [a.index, a.id]));
    const occurrences = [];
    for (const [i, start] of starts.entries()) {
      const id = byIndex.get(i + 1);
      occurrences.push({ index: i + 1, startsAt: start.toISOString(), appointment: id ? await this.appointments.view(this.db, id) : null });
    }
    return { id: row.id, branchId: row.branchId, serviceId: row.serviceId, patientId: row.patientId, summary: summaryOf(row.rule, row.localStart), timeZone: row.timeZone, count: row.occurrenceCount, practitionerIds: row.practitionerIds, occurrences };
  }

  // ---- internals ---------------------------------------------------------

  /** The rule expanded in the branch's zone, and each occurrence with its practitioner (taken in turn). */
  private async plan(actor: Actor, input: SeriesPlan) {
    assertBranch(actor, input.branchId);
    const zone = await this.repo.branchZone(this.db, actor.tenantId, input.branchId);
    if (!zone) throw notFound('branch');
    if (!(await this.repo.patientExists(this.db, actor.tenantId, input.patientId))) throw notFound('patient');
    const service: ServiceInfo = await this.terms.get(actor.tenantId, input.serviceId, input.branchId);
    const expanded = expand(this.notPast(new Date(input.startsAt), 'startsAt'), input.rule, zone);
    // Only this sign-in's own live hold is looked past; anyone else's stays in the way.
    const replacing = input.replacingHoldId && (await this.bookings.isOwnLiveHold(this.db, actor.tenantId, input.replacingHoldId, actor.sessionId)) ? input.replacingHoldId : null;
    const targets: Target[] = expanded.starts.map((start, i) => {
      const practitionerId = input.practitionerIds[i % input.practitionerIds.length]!;
      return { index: i + 1, start, practitionerId, resourceIds: [practitionerId, ...input.resourceIds.filter((r) => r !== practitionerId)] };
    });
    return { zone, service, expanded, targets, replacing };
  }

  private ranges(checks: readonly TargetCheck[], service: ServiceInfo) {
    return checks.map((c) => ({ start: c.target.start, end: new Date(c.target.start.getTime() + service.durationMin * MINUTE) }));
  }

  private notPast(start: Date, field: string): Date {
    if (start.getTime() < this.now().getTime() - PAST_GRACE_MINUTES * MINUTE) throw new DomainError('BAD_INPUT', 'That time has already passed.', { field });
    return start;
  }

  /** The series an earlier book with this key made, as booked then (see idempotency/). */
  private replayed(actor: Actor, keyed: IdempotencyClaim): Promise<SeriesBookResult | null> {
    return this.idempotency.earlier(actor, keyed, async (tx, r) => {
      const place = r.appointmentId ? await this.repo.placeOf(tx, actor.tenantId, r.appointmentId) : null;
      if (!place) return null;
      const series = await this.get(actor, place.seriesId);
      return { outcome: 'booked', series, booked: series.occurrences.flatMap((o) => (o.appointment ? [o.appointment] : [])), unbooked: [] };
    });
  }
}

function skippedCheck(t: Target, service: ServiceInfo): SeriesOccurrenceCheck {
  return { index: t.index, startsAt: t.start.toISOString(), endsAt: new Date(t.start.getTime() + service.durationMin * MINUTE).toISOString(), practitionerId: t.practitionerId, state: 'taken', resourceIds: [], reason: 'Left out.', alternatives: [] };
}

/** Two series requests that mean the same hash the same (ids in lower case, instants in UTC). */
function seriesClaim(key: string, input: BookInput): IdempotencyClaim {
  const low = (s: string) => s.toLowerCase();
  return claim(key, 'series.book', {
    branchId: low(input.branchId),
    serviceId: low(input.serviceId),
    patientId: low(input.patientId),
    startsAt: new Date(input.startsAt).toISOString(),
    rule: input.rule,
    practitionerIds: input.practitionerIds.map(low),
    resourceIds: input.resourceIds.map(low).sort(),
    picks: [...input.picks].sort((a, b) => a.index - b.index).map((p) => ({ ...p, startsAt: p.startsAt ? new Date(p.startsAt).toISOString() : null })),
    mode: input.mode,
    note: input.note,
  });
}
