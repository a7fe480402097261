import { z } from 'zod';
import { STAFF_ROLES } from './dto.js';
import { id } from './schemas.js';

// Inputs of the sign-in, account, staff-management and audit procedures.

export const loginInput = z.object({
  email: z.email().max(200),
  password: z.string().min(1).max(200),
  desk: z.string().trim().max(80).default(''),
});

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
    branchId: id.optional(),
    includeDisabled: z.boolean().default(false),
  })
  .default({ includeDisabled: false });

export const staffCreateInput = z.object({
  name: z.string().trim().min(1).max(120),
  email: z.email().max(200),
  role: z.enum(STAFF_ROLES),
  /** Branches for branch-bound roles; tenant-wide roles act in every branch. */
  branchIds: z.array(id).max(50).default([]),
  password: newPassword,
});

export const staffDisableInput = z.object({
  staffId: id,
  /** false re-enables the account. */
  disabled: z.boolean().default(true),
});

export const staffSetBranchesInput = z.object({
  staffId: id,
  branchIds: z.array(id).min(1).max(50),
});

/** One staff account named by id (enable). */
export const staffIdInput = z.object({ staffId: id });

/** Edit an account: name, role and branches (branch-bound roles need at least one; tenant-wide ones have none). */
export const staffUpdateInput = z.object({
  staffId: id,
  name: z.string().trim().min(1, 'Give a name.').max(120, 'A name has at most 120 characters.'),
  role: z.enum(STAFF_ROLES),
  branchIds: z.array(id).max(50).default([]),
});

/** A new account with a temporary password (typed, or made by the server when left out), changed at first sign-in. */
export const staffInviteInput = z.object({
  name: z.string().trim().min(1, 'Give a name.').max(120, 'A name has at most 120 characters.'),
  email: z.email().max(200),
  role: z.enum(STAFF_ROLES),
  branchIds: z.array(id).max(50).default([]),
  temporaryPassword: newPassword.optional(),
});

/** A new temporary password for someone else (typed, or made by the server when left out); their sessions end. */
export const staffResetPasswordInput = z.object({
  staffId: id,
  temporaryPassword: newPassword.optional(),
});

export const auditAppointmentInput = z.object({ appointmentId: id });
export const auditPatientInput = z.object({ patientId: id });
/** The clinic's setup history, newest first; `beforeSeq` pages back. */
export const auditSetupInput = z.object({
  beforeSeq: z.string().regex(/^[0-9]{1,19}$/, 'beforeSeq is a position in the log').optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

export type LoginInput = z.input<typeof loginInput>;
export type ChangePasswordInput = z.input<typeof changePasswordInput>;
export type StaffCreateInput = z.input<typeof staffCreateInput>;
