import { z } from 'zod';
import { newPassword } from './auth-schemas.js';
import { branchName, branchTimeZone } from './branch-schemas.js';

// The first run of an empty server: the organisation, its first branch and its
// first admin, in one form. Shared so the first-run screen checks each field
// the same way before sending it.

/** Letters and digits of the setup code the server prints in its log (no 0/O, 1/I/L to misread). */
export const SETUP_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** A code typed by hand: case, spaces and dashes do not matter. */
export function normaliseSetupCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

export const firstRunCreateInput = z.object({
  organisationName: z.string().trim().min(1, 'Give the organisation a name.').max(120, 'An organisation name has at most 120 characters.'),
  branchName,
  timeZone: branchTimeZone,
  address: z.string().trim().max(300, 'An address has at most 300 characters.').default(''),
  phone: z
    .string()
    .trim()
    .max(40, 'A phone number has at most 40 characters.')
    .regex(/^[0-9+()\-./\s]*$/, 'A phone number has digits, spaces and + ( ) - . / only.')
    .default(''),
  adminName: z.string().trim().min(1, 'Give your name.').max(120, 'A name has at most 120 characters.'),
  adminEmail: z.email().max(200, 'An email address has at most 200 characters.'),
  adminPassword: newPassword,
  /** The code from the server's log; needed only away from the server's own machine. */
  setupCode: z.string().max(64, 'A setup code has 12 letters and digits.').optional(),
  desk: z.string().trim().max(80).default(''),
});

export type FirstRunCreateInput = z.input<typeof firstRunCreateInput>;
