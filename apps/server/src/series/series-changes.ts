import type { z } from 'zod';
import { CANCEL_REASON_LABELS, DomainError, localDateOf, localMinuteToInstant, wallTime, type AppointmentView, type SeriesChangeResult, type seriesCancelInput, type seriesMoveInput } from '@frontdesk/shared';
import type { Actor } from '../auth/scope.js';
import type { Appointments } from '../booking/appointments.js';
import type { BookingRepository } from '../booking/booking.repository.js';
import type { BookingService } from '../booking/booking.service.js';
import { appointmentEvent, author, stockEvents } from '../booking/events.js';
import type { MoveWithinTransaction } from '../booking/move-within.js';
import type { VisitRepository } from '../booking/visit.repository.js';
import type { VisitService } from '../booking/visit.service.js';
import { inTransaction, type Db, type Tx } from '../db/tx.js';
import { appendEvents, type AnyNewEvent } from '../sync/append.js';
import type { OccurrenceRow, SeriesRepository } from './series.repository.js';

const DAY_MS = 86_400_000;

/**
 * Cancel or move "this occurrence", "this and the following" or "the whole
 * series". "This" is exactly the single command (nothing else is touched);
 * the wider scopes run in one transaction over the live occurrences not yet
 * started, each changed with its own version bump and its own event, plus
 * one series.changed. The occurrence the desk acted on must be at the
 * version it saw; the others are locked and taken as they are.
 */
export class SeriesChanges {
  constructor(
    private readonly db: Db,
    private readonly repo: SeriesRepository,
    private readonly bookings: BookingRepository,
    private readonly visitRepo: VisitRepository,
    private readonly appointments: Appointments,
    private readonly booking: BookingService,
    private readonly visits: VisitService,
    private readonly mover: MoveWithinTransaction,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async cancel(actor: Actor, input: z.output<typeof seriesCancelInput>): Promise<SeriesChangeResult> {
    const { reasonCode, reason, appointmentId, version } = input;
    if (input.scope === 'this') return { appointments: [await this.visits.cancel(actor, { appointmentId, version, reason, ...(reasonCode ? { reasonCode } : {}) })] };
    const { lateCancelNoticeHours } = await this.visitRepo.settings(this.db, actor.tenantId);
    const text = reason || (reasonCode ? CANCEL_REASON_LABELS[reasonCode] : '');
    return this.scoped(actor, appointmentId, version, input.scope, 'cancelled', async (tx, occ) => {
      const ok = await this.visitRepo.cancel(tx, { appointmentId: occ.id, tenantId: actor.tenantId, version: occ.version, code: reasonCode ?? null, reason: text, noticeHours: lateCancelNoticeHours });
      if (!ok) throw await this.appointments.refusal(tx, actor, occ.id, occ.version, ['HELD', 'BOOKED']);
      const current = await this.bookings.current(tx, actor.tenantId, occ.id);
      const returned = stockEvents(actor, current!.branchId, await this.bookings.returnStock(tx, occ.id, current!.branchId));
      const view = await this.appointments.view(tx, occ.id);
      await appendEvents(tx, author(actor), [appointmentEvent('appointment.cancelled', actor, view), ...returned]);
      return view;
    });
  }

  /**
   * Moves the reached occurrences by the change the desk made to this one:
   * the same number of local days, to the new local time of day (a move of
   * Tuesday 09:00 to Wednesday 10:30 moves each following Tuesday to its
   * Wednesday at 10:30), through the same guarded move as a setup change's.
   */
  async move(actor: Actor, input: z.output<typeof seriesMoveInput>): Promise<SeriesChangeResult> {
    const { appointmentId, version, startsAt, resourceIds } = input;
    if (input.scope === 'this') return { appointments: [await this.booking.move(actor, { appointmentId, version, startsAt, ...(resourceIds ? { resourceIds } : {}) })] };
    const anchor = await this.appointments.load(actor, appointmentId);
    const zone = (await this.repo.branchZone(this.db, actor.tenantId, anchor.branchId))!;
    const to = new Date(startsAt);
    const dayShift = Math.round((Date.parse(localDateOf(to.getTime(), zone)) - Date.parse(localDateOf(anchor.startsAt.getTime(), zone))) / DAY_MS);
    const [h, m] = wallTime(to.getTime(), zone).split(':').map(Number) as [number, number];
    return this.scoped(actor, appointmentId, version, input.scope, 'moved', async (tx, occ) => {
      const date = new Date(Date.parse(localDateOf(occ.startsAt.getTime(), zone)) + dayShift * DAY_MS).toISOString().slice(0, 10);
      const start = new Date(localMinuteToInstant(date, h * 60 + m, zone));
      try {
        return await this.mover.move(tx, actor, { appointmentId: occ.id, startsAt: start, resourceIds });
      } catch (error) {
        // Which visit could not move, in the desk's words; nothing moved (one transaction).
        if (error instanceof DomainError) throw new DomainError(error.code, `Visit ${occ.index} (${date} ${wallTime(start.getTime(), zone)}): ${error.message}`, error.details as never);
        throw error;
      }
    });
  }

  /** One transaction over the reached occurrences, the acted-on one at its version. */
  private async scoped(
    actor: Actor,
    appointmentId: string,
    version: number,
    scope: 'following' | 'all',
    change: 'cancelled' | 'moved',
    each: (tx: Tx, occ: OccurrenceRow) => Promise<AppointmentView>,
  ): Promise<SeriesChangeResult> {
    const current = await this.appointments.load(actor, appointmentId);
    const place = await this.repo.placeOf(this.db, actor.tenantId, current.id);
    if (!place) throw new DomainError('BAD_INPUT', 'This appointment is not part of a series.', { field: 'scope' });
    if (current.version !== version) throw await this.appointments.stale(this.db, current.id);
    return inTransaction(this.db, { tenantId: actor.tenantId, timeoutMs: 60_000 }, async (tx) => {
      const reached = await this.repo.lockLiveFrom(tx, actor.tenantId, place.seriesId, scope === 'all' ? 1 : place.index, this.now());
      const own = reached.find((o) => o.id === current.id);
      if (own && own.version !== version) throw await this.appointments.stale(tx, current.id);
      if (!own) throw await this.appointments.refusal(tx, actor, current.id, version, ['HELD', 'BOOKED']);
      const views: AppointmentView[] = [];
      for (const occ of reached) views.push(await each(tx, occ));
      const event: AnyNewEvent = { type: 'series.changed', tenantId: actor.tenantId, branchId: current.branchId, aggregateId: place.seriesId, patientId: current.patientId, payload: { seriesId: place.seriesId, change, scope, appointmentIds: views.map((v) => v.id) } };
      await appendEvents(tx, author(actor), [event]);
      return { appointments: views };
    });
  }
}
