// What procedures return and events carry. Instants are ISO strings (UTC).

// EXPIRED and RELEASED are holds that ran out or were let go: never appointments, never cancellations.
export const APPOINTMENT_STATUSES = ['HELD', 'BOOKED', 'CHECKED_IN', 'IN_CONSULTATION', 'COMPLETED', 'CANCELLED', 'NO_SHOW', 'EXPIRED', 'RELEASED'] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

/** Statuses in which an appointment occupies its time (mirrors the database). */
export const OCCUPYING_STATUSES: readonly AppointmentStatus[] = ['HELD', 'BOOKED', 'CHECKED_IN', 'IN_CONSULTATION', 'COMPLETED'];

export const STAFF_ROLES = ['RECEPTIONIST', 'CALL_CENTRE', 'BRANCH_MANAGER', 'ADMIN'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export const RESOURCE_KINDS = ['PRACTITIONER', 'ROOM', 'CHAIR', 'DEVICE'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

export interface PatientSummary {
  id: string;
  name: string;
  phone: string;
}

export interface AppointmentResourceView {
  resourceId: string;
  /** Occupied time, including the service's buffers. */
  startsAt: string;
  endsAt: string;
}

export interface AppointmentView {
  id: string;
  branchId: string;
  serviceId: string;
  serviceName: string;
  patient: PatientSummary | null;
  status: AppointmentStatus;
  startsAt: string;
  endsAt: string;
  holdExpiresAt: string | null;
  version: number;
  priceCents: number;
  note: string;
  cancelReason: string | null;
  resources: AppointmentResourceView[];
  products: { productId: string; quantity: number; unitPriceCents: number }[];
  createdBy: string;
  updatedAt: string;
  /** Kept on purpose outside working hours when a setup change would have moved or cancelled it. */
  keptOutsideHours: boolean;
  /** The visit's steps, when each happened (null until then). */
  checkedInAt?: string | null;
  consultationStartedAt?: string | null;
  completedAt?: string | null;
  /** Why it was cancelled, from the clinic's list (the free text is `cancelReason`). */
  cancelReasonCode?: CancelReasonCode | null;
  /** Cancelled with less notice than the clinic asks for. */
  cancelledLate?: boolean;
  /** An occurrence of a recurring series: its place ("2 of 6") and the series. */
  series?: { id: string; index: number; count: number } | null;
}

/** Why an appointment was cancelled, from a fixed list (with free text beside it). */
export const CANCEL_REASON_CODES = ['PATIENT_REQUEST', 'ILLNESS', 'CLINIC_RESCHEDULED', 'NO_LONGER_NEEDED', 'OTHER'] as const;
export type CancelReasonCode = (typeof CANCEL_REASON_CODES)[number];
export const CANCEL_REASON_LABELS: Record<CancelReasonCode, string> = {
  PATIENT_REQUEST: 'Patient request',
  ILLNESS: 'Illness',
  CLINIC_RESCHEDULED: 'Clinic rescheduled',
  NO_LONGER_NEEDED: 'No longer needed',
  OTHER: 'Other',
};

export interface TokenView {
  id: string;
  sessionId: string;
  number: number;
  /** Null for a walk-in known by name only (`walkInName`) until a patient is attached. */
  patientId: string | null;
  walkInName?: string | null;
  status: 'ISSUED' | 'CANCELLED';
  createdAt: string;
}

export interface CapacitySessionView {
  id: string;
  branchId: string;
  resourceId: string | null;
  name: string;
  startsAt: string;
  endsAt: string;
  capacity: number;
  issued: number;
  nowServing: number;
}

export interface TimeOffView {
  id: string;
  branchId: string | null;
  resourceId: string | null;
  kind: 'LEAVE' | 'HOLIDAY' | 'BLOCKED' | 'CLOSURE';
  startsAt: string;
  endsAt: string;
  reason: string;
}

export interface ResourceView {
  id: string;
  kind: ResourceKind;
  name: string;
  tags: string[];
  /** The day grid's colour for it (#rrggbb). */
  colour: string;
}

export interface DayResource extends ResourceView {
  /** Working intervals of this resource on the day at this branch. */
  working: { startsAt: string; endsAt: string }[];
}

export interface DayView {
  branchId: string;
  branchName: string;
  timeZone: string;
  date: string;
  startsAt: string;
  endsAt: string;
  resources: DayResource[];
  appointments: AppointmentView[];
  timeOff: TimeOffView[];
  sessions: CapacitySessionView[];
  /** The log position this view is consistent with; apply events after it. */
  asOfSeq: string;
}

/** The clinic's own settings every desk follows. */
export interface ClinicSettings {
  name: string;
  /** '24h' (14:30) or '12h' (2:30 PM). */
  timeFormat: '24h' | '12h';
  /** How many minutes before its start a patient may check in. */
  checkInWindowMin: number;
  /** A cancellation with less notice than this many hours is flagged late. */
  lateCancelNoticeHours: number;
}

export interface SlotView {
  branchId: string;
  startsAt: string;
  endsAt: string;
  resourceIds: string[];
}

export interface StaffView {
  id: string;
  tenantId: string;
  name: string;
  email: string;
  role: StaffRole;
  branchIds: string[];
}

/** A staff account as staff management shows it (never the password hash). */
export interface StaffAccountView {
  id: string;
  name: string;
  email: string;
  role: StaffRole;
  branchIds: string[];
  disabled: boolean;
  /** Signs in with a temporary password and must choose a new one first. */
  mustChangePassword: boolean;
}

/** One line of an audit trail: who, from which desk, when, what. */
export interface AuditEntry {
  seq: string;
  at: string;
  type: string;
  summary: string;
  desk: string;
  actor: { id: string; name: string; role: StaffRole } | null;
  branchId: string | null;
}
