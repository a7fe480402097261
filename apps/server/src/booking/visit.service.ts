import type { z } from 'zod';
import { CANCEL_REASON_LABELS, DomainError, MINUTE, type AppointmentStatus, type AppointmentView, type appointmentStepInput, type cancelAppointmentInput } from '@frontdesk/shared';
import type { Actor } from '../auth/scope.js';
import { inTransaction, type Db } from '../db/tx.js';
import { appendEvents, type AnyNewEvent } from '../sync/append.js';
import type { Appointments } from './appointments.js';
import type { BookingRepository, CurrentAppointment } from './booking.repository.js';
import { appointmentEvent, author, stockEvents, type AppointmentEventType } from './events.js';
import type { VisitRepository, VisitStep } from './visit.repository.js';

type StepInput = z.output<typeof appointmentStepInput>;

/**
 * A visit's progress at the desk: checked in (from the clinic's window before
 * the start), in consultation, completed, each time kept; no-show only once
 * it has started; cancelled with a reason, flagged late against the clinic's
 * notice period. Each is one guarded update at the desk's version.
 */
export class VisitService {
  constructor(
    private readonly db: Db,
    private readonly repo: VisitRepository,
    private readonly bookings: BookingRepository,
    private readonly appointments: Appointments,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async checkIn(actor: Actor, input: StepInput): Promise<AppointmentView> {
    const { checkInWindowMin } = await this.repo.settings(this.db, actor.tenantId);
    return this.step(actor, input, ['BOOKED'], 'CHECKED_IN', 'appointment.checked_in', { opensBeforeMin: checkInWindowMin }, (current) => {
      const opens = current.startsAt.getTime() - checkInWindowMin * MINUTE;
      if (current.status !== 'BOOKED' || opens <= this.now().getTime()) return null;
      return new DomainError('INVALID_STATE', `Check-in opens ${checkInWindowMin} minutes before the appointment; it starts in ${inWords(current.startsAt.getTime() - this.now().getTime())}.`, { status: current.status });
    });
  }

  startConsultation(actor: Actor, input: StepInput): Promise<AppointmentView> {
    return this.step(actor, input, ['CHECKED_IN'], 'IN_CONSULTATION', 'appointment.consultation_started', {}, (current) =>
      current.status === 'BOOKED' ? new DomainError('INVALID_STATE', 'Check the patient in before the consultation starts.', { status: current.status }) : null,
    );
  }

  complete(actor: Actor, input: StepInput): Promise<AppointmentView> {
    // Completed straight from checked in too: not every visit has its consultation started on the desk.
    return this.step(actor, input, ['CHECKED_IN', 'IN_CONSULTATION'], 'COMPLETED', 'appointment.completed', {}, (current) =>
      current.status === 'BOOKED' ? new DomainError('INVALID_STATE', 'Check the patient in before completing the visit.', { status: current.status }) : null,
    );
  }

  markNoShow(actor: Actor, input: StepInput): Promise<AppointmentView> {
    return this.step(actor, input, ['BOOKED'], 'NO_SHOW', 'appointment.no_show', { started: true }, (current) =>
      current.status === 'BOOKED' && current.startsAt > this.now()
        ? new DomainError('INVALID_STATE', `A patient can be marked as a no-show only once the appointment has started; it starts in ${inWords(current.startsAt.getTime() - this.now().getTime())}.`, { status: current.status })
        : null,
    );
  }

  /** Cancelled with a reason from the list and free text; late when the start is nearer than the clinic's notice. Products go back to stock. */
  async cancel(actor: Actor, input: z.output<typeof cancelAppointmentInput>): Promise<AppointmentView> {
    const current = await this.appointments.load(actor, input.appointmentId);
    const { lateCancelNoticeHours } = await this.repo.settings(this.db, actor.tenantId);
    const code = input.reasonCode ?? null;
    // The free text is the reason as the day sheet lists it; with none, the chosen reason's words.
    const reason = input.reason || (code ? CANCEL_REASON_LABELS[code] : '');
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      const ok = await this.repo.cancel(tx, { appointmentId: current.id, tenantId: actor.tenantId, version: input.version, code, reason, noticeHours: lateCancelNoticeHours });
      if (!ok) throw await this.appointments.refusal(tx, actor, current.id, input.version, ['HELD', 'BOOKED']);
      const returned = stockEvents(actor, current.branchId, await this.bookings.returnStock(tx, current.id, current.branchId));
      const view = await this.appointments.view(tx, current.id);
      await appendEvents(tx, author(actor), [appointmentEvent('appointment.cancelled', actor, view), ...returned]);
      return view;
    });
  }

  private async step(
    actor: Actor,
    input: StepInput,
    from: readonly AppointmentStatus[],
    to: VisitStep,
    type: AppointmentEventType,
    guard: { opensBeforeMin?: number; started?: boolean },
    why: (current: CurrentAppointment) => DomainError | null,
  ): Promise<AppointmentView> {
    const current = await this.appointments.load(actor, input.appointmentId);
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      const ok = await this.repo.step(tx, { appointmentId: current.id, tenantId: actor.tenantId, version: input.version, from, to, ...guard });
      if (!ok) {
        const now = await this.bookings.current(tx, actor.tenantId, current.id);
        // At the desk's version the refusal is the rule in plain words; otherwise STALE or the state it is in.
        const rule = now && now.version === input.version ? why(now) : null;
        throw rule ?? (await this.appointments.refusal(tx, actor, current.id, input.version, from));
      }
      const view = await this.appointments.view(tx, current.id);
      const events: AnyNewEvent[] = [appointmentEvent(type, actor, view)];
      await appendEvents(tx, author(actor), events);
      return view;
    });
  }
}

/** "2 h 5 min", "40 min": how far off a time is, for a refusal. */
function inWords(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / MINUTE));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h === 0 ? `${m} min` : m === 0 ? `${h} h` : `${h} h ${m} min`;
}
