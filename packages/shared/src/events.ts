import type { AppointmentView, CapacitySessionView, StaffRole, TimeOffView, TokenView } from './dto.js';
import type { QueueTokenChange } from './queue.js';
import type { MessageView } from './messages.js';
import type { WaitlistEntryView, WaitlistOfferView } from './waitlist.js';

// Event types of the log. Each payload carries what a desk needs to patch its
// cache without a refetch.
export type EventPayloads = {
  'appointment.held': { appointment: AppointmentView };
  'appointment.hold_extended': { appointment: AppointmentView };
  'appointment.booked': { appointment: AppointmentView };
  'appointment.released': { appointment: AppointmentView };
  'appointment.expired': { appointment: AppointmentView };
  'appointment.moved': { appointment: AppointmentView; from: { startsAt: string; endsAt: string; resourceIds: string[] } };
  /** A hold's service changed in place (another length, price and resources), keeping its time, patient and deadline. */
  'appointment.service_changed': { appointment: AppointmentView; from: { serviceId: string; serviceName: string; endsAt: string; resourceIds: string[] } };
  'appointment.cancelled': { appointment: AppointmentView };
  'appointment.checked_in': { appointment: AppointmentView };
  'appointment.no_show': { appointment: AppointmentView };
  /** With the practitioner; then completed (times on the appointment). */
  'appointment.consultation_started': { appointment: AppointmentView };
  'appointment.completed': { appointment: AppointmentView };
  /** A booked appointment's service, patient, practitioner/room or note changed in place (`from`: as it was). */
  'appointment.edited': { appointment: AppointmentView; from: AppointmentView };
  'token.issued': { token: TokenView; session: CapacitySessionView };
  /** A token called to a counter (`recall`: the same token called again). */
  'token.called': QueueTokenChange & { recall: boolean };
  /** Skipped to the back of the queue, or out of it. */
  'token.skipped': QueueTokenChange & { to: 'back' | 'out' };
  'token.served': QueueTokenChange;
  /** A walk-in's token now belongs to a registered patient. */
  'token.patient_attached': QueueTokenChange;
  /** A waiting-room display link made or revoked, or first names on the displays turned on or off. */
  'display.changed': { change: 'created' | 'revoked' | 'first_names'; linkId?: string; firstNames?: boolean };
  /** An API client (a system booking through /fhir/R4) registered, its secret rotated, disabled or enabled again. */
  'api_client.changed': { clientId: string; name: string; change: 'created' | 'rotated' | 'disabled' | 'enabled' };
  /** `reason`: why stock was received or adjusted (absent on older events). */
  'stock.changed': { productId: string; branchId: string; quantity: number; delta: number; reason?: string };
  'price.changed': { serviceId: string; branchId: string; priceCents: number };
  'time_off.added': { timeOff: TimeOffView };
  'time_off.removed': { timeOff: TimeOffView };
  'hours.changed': { resourceId: string; branchId: string };
  'patient.created': { patientId: string };
  /** The organisation was created on a fresh server (first run). */
  'organisation.created': { name: string };
  /** Clinic setup changed: desks reload the catalogue (branches, resources, services, products, sessions). */
  'branch.changed': { branchId: string; change: 'created' | 'updated' | 'opening_hours' | 'deactivated' | 'activated' };
  'resource.changed': { resourceId: string; change: 'created' | 'updated' | 'branches' | 'deactivated' | 'activated' };
  'service.changed': { serviceId: string; change: 'created' | 'updated' | 'practitioners' | 'deactivated' | 'activated' };
  'product.changed': { productId: string; change: 'created' | 'updated' | 'price' | 'threshold' | 'deactivated' | 'activated' };
  /** `generated`: sessions made ahead; `removed`: future sessions without tokens taken away; `kept`: those kept because tokens were issued. */
  'session_template.changed': { templateId: string; change: 'created' | 'updated' | 'deactivated' | 'activated' | 'generated'; generated?: number; removed?: number; kept?: number };
  /** Date-specific hours of a resource at a branch changed. */
  'hours.exception_changed': { resourceId: string; branchId: string; dates: string[] };
  /** An appointment was kept on purpose when a setup change put it outside working hours. */
  'appointment.kept_outside_hours': { appointment: AppointmentView };
  /** A recurring series was booked (each occurrence also has its own appointment.booked). */
  'series.booked': { seriesId: string; patientId: string; count: number; appointmentIds: string[] };
  /** Occurrences of a series cancelled or moved together ("this and the following", "the whole series"); each has its own appointment event too. */
  'series.changed': { seriesId: string; change: 'cancelled' | 'moved'; scope: 'this' | 'following' | 'all'; appointmentIds: string[] };
  'import.completed': { importId: string; kind: 'patients' | 'resources'; rows: number; created: number; skipped: number };
  'patient.viewed': { patientId: string };
  /** A patient's record changed: which fields (never the values of sensitive ones). */
  'patient.updated': { patientId: string; fields: string[] };
  /** A duplicate record was merged into the survivor: its appointments and tokens moved, and it points at the survivor. */
  'patient.merged': { survivorId: string; duplicateId: string; appointments: number; tokens: number };
  /** The clinic's settings changed (the clock format): every desk writes times the new way. */
  'clinic.settings_changed': { timeFormat: '24h' | '12h'; checkInWindowMin?: number; lateCancelNoticeHours?: number };
  /** A staff account changed; never carries secrets. `previousBranchIds`: the branches before a change of branches (absent otherwise, and on older events). */
  'staff.changed': { staffId: string; change: 'created' | 'disabled' | 'enabled' | 'branches' | 'password' | 'password_reset' | 'role' | 'updated'; role: StaffRole; branchIds: string[]; previousBranchIds?: string[] };
  /** A message to a patient was queued, sent, failed, bounced, or dropped: the appointment shows its delivery state. */
  'message.state_changed': { message: MessageView };
  /** The patient confirmed (or cancelled) through a message's link; a cancel also appends the appointment's own cancellation. */
  'message.patient_answered': { appointmentId: string; messageId: string; answer: 'confirmed' | 'cancelled' };
  /** The clinic's messages (which, templates, quiet hours) changed. */
  'message.settings_changed': { version: number };
  /** A staff member signed out (of one desk, or everywhere): for the audit trail and for their open streams, never shown on a desk. */
  'staff.signed_out': { staffId: string; everywhere: boolean };
  /** Waitlist (waitlist/): an entry added, removed or expired; a freed time offered, booked or no longer on offer. */
  'waitlist.added': { entry: WaitlistEntryView };
  'waitlist.removed': { entryId: string };
  'waitlist.expired': { entryIds: string[] };
  'waitlist.offer': { offers: WaitlistOfferView[] };
  'waitlist.booked': { entryId: string; offerId: string | null; appointmentId: string };
  'waitlist.offer_closed': { offerIds: string[]; reason: 'taken' | 'expired' };
  'waitlist.settings_changed': { holdMinutes: number };
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

/** What the `changes` subscription yields: events in delivery order, several to a message (a catch-up is a few dozen messages, not thousands), each message's id resuming after its last. */
export type ChangeMessage =
  | { kind: 'events'; events: AnyLogEvent[] }
  /** The desk is too far behind (or the log was trimmed): reload all views. */
  | { kind: 'reset'; reason: string; headSeq: string }
  /** Backlog delivered; everything after this is live. */
  | { kind: 'live'; headSeq: string };

export function isAppointmentEvent(
  event: AnyLogEvent,
): event is Extract<AnyLogEvent, { payload: { appointment: AppointmentView } }> {
  return event.type.startsWith('appointment.');
}

/** Events after which a desk reloads its catalogue (branches, resources, services, products, sessions) and availability. */
export const SETUP_EVENT_TYPES: ReadonlySet<EventType> = new Set<EventType>([
  'organisation.created',
  'branch.changed',
  'resource.changed',
  'service.changed',
  'product.changed',
  'session_template.changed',
  'hours.exception_changed',
  'import.completed',
]);

/** Events that make up the clinic's setup history (who changed hours, prices, stock, staff, resources…). */
export const SETUP_HISTORY_TYPES: readonly EventType[] = [
  ...SETUP_EVENT_TYPES,
  'hours.changed',
  'time_off.added',
  'time_off.removed',
  'price.changed',
  'stock.changed',
  'staff.changed',
  'api_client.changed',
];
