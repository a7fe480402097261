import type { AppointmentView } from './dto.js';

// Domain error codes: the UI branches on these, never on message text.
export const ERROR_CODES = [
  'SLOT_TAKEN',
  'HOLD_EXPIRED',
  'STALE',
  'CAPACITY_FULL',
  'OUT_OF_STOCK',
  'OUTSIDE_HOURS',
  'INVALID_STATE',
  'NOT_FOUND',
  'BAD_INPUT',
  'FORBIDDEN',
  'UNAUTHORIZED',
  'TOO_MANY_ATTEMPTS',
  'UNAVAILABLE',
  'AFFECTS_APPOINTMENTS',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface SlotSuggestion {
  branchId: string;
  startsAt: string;
  endsAt: string;
  resourceIds: string[];
}

/** What blocks a slot, without another patient's details. */
export interface Blocker {
  resourceId: string | null;
  kind: 'appointment' | 'hold' | 'time_off' | 'patient';
  startsAt: string;
  endsAt: string;
  /**
   * kind 'patient': the patient's own appointment in the way, for the clinic's
   * staff (it is their patient): when, what and with whom.
   */
  existing?: PatientClash;
}

/** The appointment a patient already has at the time asked for. */
export interface PatientClash {
  appointmentId: string;
  branchId: string;
  branchName: string;
  /** The branch's zone, for showing the times as that branch's wall clock. */
  timeZone: string;
  status: string;
  startsAt: string;
  endsAt: string;
  serviceName: string;
  resourceNames: string[];
}

export interface ResourceHours {
  resourceId: string;
  branchId: string;
  hours: { weekday: number; startMinute: number; endMinute: number }[];
}

/** The recovery data each code carries to the desk. */
export interface ErrorDetails {
  SLOT_TAKEN: { blockers: Blocker[]; alternatives: SlotSuggestion[] };
  HOLD_EXPIRED: { appointmentId: string; expiredAt: string };
  /** The appointment as it stands now, for the desk to show instead of its old copy. */
  STALE: { current: AppointmentView };
  CAPACITY_FULL: { sessionId: string; capacity: number; nextSession: { id: string; name: string; startsAt: string; remaining: number } | null };
  OUT_OF_STOCK: { productId: string; branchId: string; requested: number; available: number };
  OUTSIDE_HOURS: { resourceHours: ResourceHours[]; timeOff: { startsAt: string; endsAt: string; reason: string }[] };
  INVALID_STATE: { status: string };
  NOT_FOUND: { entity: string };
  BAD_INPUT: { field?: string };
  FORBIDDEN: Record<string, never>;
  UNAUTHORIZED: Record<string, never>;
  TOO_MANY_ATTEMPTS: { retryAfterSeconds: number };
  /** The database could not be reached or answered in time; nothing was changed unless a retry with the same key says so. */
  UNAVAILABLE: { retryAfterSeconds: number };
  /** A setup change would leave these appointments outside working hours (or without a service, practitioner or branch): nothing was changed; send the change again with a resolution for each. */
  AFFECTS_APPOINTMENTS: { affected: AffectedAppointment[] };
}

/** An active appointment a setup change would break, as the person deciding what to do with it sees it. */
export interface AffectedAppointment {
  id: string;
  version: number;
  branchId: string;
  status: string;
  startsAt: string;
  endsAt: string;
  serviceName: string;
  /** The patient's name: the person deciding works at this clinic and may see it. */
  patientName: string | null;
  resourceNames: string[];
  /** Why it is affected, in plain words: "Dr Kim does not work at 17:00 on Monday any more". */
  reason: string;
  /** The nearest free times under the changed schedule, to move it to (for the first few affected only). */
  alternatives?: SlotSuggestion[];
  /** An occurrence of a recurring series: its place, "2 of 6". */
  seriesLabel?: string | null;
}

export type DomainErrorShape = {
  [C in ErrorCode]: { code: C; message: string; details: ErrorDetails[C] };
}[ErrorCode];

export class DomainError<C extends ErrorCode = ErrorCode> extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: C,
    message: string,
    readonly details: ErrorDetails[C],
  ) {
    super(message);
    // A refusal the desk is told (SLOT_TAKEN, STALE…), not a fault: it carries no call stack. tRPC reads every
    // thrown error's stack, and on a server run with source maps each read mapped a whole trace: in a flash
    // crowd, where almost every answer is SLOT_TAKEN, that was about 5% of the server's CPU.
    this.stack = `${this.name}: ${message}`;
  }

  toShape(): DomainErrorShape {
    return { code: this.code, message: this.message, details: this.details } as DomainErrorShape;
  }
}

export function isDomainError(value: unknown): value is DomainError {
  return value instanceof DomainError;
}

/** The domain error inside a tRPC client error's data, if any. */
export function domainErrorOf(error: unknown): DomainErrorShape | null {
  const data = (error as { data?: { domain?: DomainErrorShape | null } } | null)?.data;
  return data?.domain ?? null;
}
