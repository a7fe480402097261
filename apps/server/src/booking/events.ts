import type { AppointmentView } from '@frontdesk/shared';
import type { Actor } from '../auth/scope.js';
import type { AnyNewEvent } from '../sync/append.js';
import type { StockTaken } from './booking.repository.js';

// The events the booking commands append, built in one place.

export type AppointmentEventType =
  | 'appointment.held'
  | 'appointment.hold_extended'
  | 'appointment.booked'
  | 'appointment.released'
  | 'appointment.cancelled'
  | 'appointment.checked_in'
  | 'appointment.no_show'
  | 'appointment.consultation_started'
  | 'appointment.completed';

/** Who made a change, as the log records it. */
export function author(actor: Actor) {
  return { actorId: actor.staffId, desk: actor.desk };
}

export function appointmentEvent(type: AppointmentEventType, actor: Actor, view: AppointmentView): AnyNewEvent {
  return { type, tenantId: actor.tenantId, branchId: view.branchId, aggregateId: view.id, patientId: view.patient?.id ?? null, payload: { appointment: view } } as AnyNewEvent;
}

export function movedEvent(actor: Actor, view: AppointmentView, from: { startsAt: Date; endsAt: Date; resourceIds: string[] }): AnyNewEvent {
  return {
    type: 'appointment.moved',
    tenantId: actor.tenantId,
    branchId: view.branchId,
    aggregateId: view.id,
    patientId: view.patient?.id ?? null,
    payload: { appointment: view, from: { startsAt: from.startsAt.toISOString(), endsAt: from.endsAt.toISOString(), resourceIds: from.resourceIds } },
  };
}

export function serviceChangedEvent(actor: Actor, view: AppointmentView, from: { serviceId: string; serviceName: string; endsAt: Date; resourceIds: string[] }): AnyNewEvent {
  return {
    type: 'appointment.service_changed',
    tenantId: actor.tenantId,
    branchId: view.branchId,
    aggregateId: view.id,
    patientId: view.patient?.id ?? null,
    payload: { appointment: view, from: { serviceId: from.serviceId, serviceName: from.serviceName, endsAt: from.endsAt.toISOString(), resourceIds: from.resourceIds } },
  };
}

/** Stock levels after products were taken (negative delta) or given back, each saying why for the stock's history. */
export function stockEvents(actor: Actor, branchId: string, lines: readonly { productId: string; quantity: number; delta: number }[]): AnyNewEvent[] {
  return lines.map((l) => ({
    type: 'stock.changed',
    tenantId: actor.tenantId,
    branchId,
    aggregateId: l.productId,
    payload: { productId: l.productId, branchId, quantity: l.quantity, delta: l.delta, reason: l.delta < 0 ? 'Sold with a booking' : 'Given back: the booking was cancelled' },
  }));
}

/** Stock lines as taken by a booking, in the shape of `stockEvents`. */
export function taken(lines: readonly StockTaken[]): { productId: string; quantity: number; delta: number }[] {
  return lines.map((l) => ({ productId: l.productId, quantity: l.remaining, delta: -l.quantity }));
}

/** A booking changed in place (service, patient, practitioner/room, note), with how it was. */
export function editedEvent(actor: Actor, view: AppointmentView, from: AppointmentView): AnyNewEvent {
  return { type: 'appointment.edited', tenantId: actor.tenantId, branchId: view.branchId, aggregateId: view.id, patientId: view.patient?.id ?? null, payload: { appointment: view, from } };
}
