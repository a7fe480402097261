import { z } from 'zod';
import { STAFF_ROLES } from './dto.js';

// Inputs of the account, staff-management and audit procedures.

const uuid = z.uuid({ message: 'must be an id' });

/** The shortest password accepted for a new or changed password (a phrase of a few words is easy to reach). */
export const PASSWORD_MIN_CHARS = 12;

export const newPassword = z
  .string()
  .min(PASSWORD_MIN_CHARS, `a password has at least ${PASSWORD_MIN_CHARS} characters: a few words make a good one`)
  .max(200, 'a password has at most 200 characters')
  .refine((p) => new Set(p).size > 2, { message: 'a password needs more than one or two different characters' });

export const changePasswordInput = z.object({
  currentPassword: z.string().min(1).max(200),
  newPassword,
});

export const staffListInput = z
  .object({
    branchId: uuid.optional(),
    includeDisabled: z.boolean().default(false),
  })
  .default({ includeDisabled: false });

export const staffCreateInput = z.object({
  name: z.string().trim().min(1).max(120),
  email: z.email().max(200),
  role: z.enum(STAFF_ROLES),
  /** Branches for branch-bound roles; tenant-wide roles act in every branch. */
  branchIds: z.array(uuid).max(50).default([]),
  password: newPassword,
});

export const staffDisableInput = z.object({
  staffId: uuid,
  /** false re-enables the account. */
  disabled: z.boolean().default(true),
});

export const staffSetBranchesInput = z.object({
  staffId: uuid,
  branchIds: z.array(uuid).min(1).max(50),
});

export const auditAppointmentInput = z.object({ appointmentId: uuid });
export const auditPatientInput = z.object({ patientId: uuid });

export type ChangePasswordInput = z.input<typeof changePasswordInput>;
export type StaffCreateInput = z.input<typeof staffCreateInput>;

/** A staff account as staff management shows it (never the password hash). */
export interface StaffAccountView {
  id: string;
  name: string;
  email: string;
  role: (typeof STAFF_ROLES)[number];
  branchIds: string[];
  disabled: boolean;
}

/** One line of an audit trail: who, from which desk, when, what. */
export interface AuditEntry {
  seq: string;
  at: string;
  type: string;
  summary: string;
  desk: string;
  actor: { id: string; name: string; role: (typeof STAFF_ROLES)[number] } | null;
  branchId: string | null;
}
