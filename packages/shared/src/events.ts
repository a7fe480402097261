import type { AppointmentView, CapacitySessionView, StaffRole, TimeOffView, TokenView } from './dto.js';

// Event types of the log. Each payload carries what a desk needs to patch its
// cache without a refetch.
export type EventPayloads = {
  'appointment.held': { appointment: AppointmentView };
  'appointment.hold_extended': { appointment: AppointmentView };
  'appointment.booked': { appointment: AppointmentView };
  'appointment.released': { appointment: AppointmentView };
  'appointment.expired': { appointment: AppointmentView };
  'appointment.moved': { appointment: AppointmentView; from: { startsAt: string; endsAt: string; resourceIds: string[] } };
  'appointment.cancelled': { appointment: AppointmentView };
  'appointment.checked_in': { appointment: AppointmentView };
  'appointment.no_show': { appointment: AppointmentView };
  'token.issued': { token: TokenView; session: CapacitySessionView };
  'stock.changed': { productId: string; branchId: string; quantity: number; delta: number };
  'price.changed': { serviceId: string; branchId: string; priceCents: number };
  'time_off.added': { timeOff: TimeOffView };
  'time_off.removed': { timeOff: TimeOffView };
  'hours.changed': { resourceId: string; branchId: string };
  'patient.created': { patientId: string };
  'patient.viewed': { patientId: string };
  /** A staff account changed; never carries secrets. `previousBranchIds`: the branches before a change of branches (absent otherwise, and on older events). */
  'staff.changed': { staffId: string; change: 'created' | 'disabled' | 'enabled' | 'branches' | 'password'; role: StaffRole; branchIds: string[]; previousBranchIds?: string[] };
  /** A staff member signed out (of one desk, or everywhere): for the audit trail and for their open streams, never shown on a desk. */
  'staff.signed_out': { staffId: string; everywhere: boolean };
};

export type EventType = keyof EventPayloads;

export interface LogEvent<T extends EventType = EventType> {
  /** Position in the log; the subscription's tracked id. */
  seq: string;
  type: T;
  tenantId: string;
  branchId: string | null;
  aggregateId: string | null;
  actorId: string | null;
  desk: string;
  at: string;
  payload: EventPayloads[T];
}

export type AnyLogEvent = { [T in EventType]: LogEvent<T> }[EventType];

/** What the `changes` subscription yields besides events. */
export type ChangeMessage =
  | { kind: 'event'; event: AnyLogEvent }
  /** The desk is too far behind (or the log was trimmed): reload all views. */
  | { kind: 'reset'; reason: string; headSeq: string }
  /** Backlog delivered; everything after this is live. */
  | { kind: 'live'; headSeq: string };

export function isAppointmentEvent(
  event: AnyLogEvent,
): event is Extract<AnyLogEvent, { payload: { appointment: AppointmentView } }> {
  return event.type.startsWith('appointment.');
}
