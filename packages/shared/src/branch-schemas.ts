import { z } from 'zod';
import { resolutionsInput, weeklyHoursEntry } from './schedule-schemas.js';
import { id, localDate } from './schemas.js';
import { isSupportedTimeZone } from './time-zones.js';
import type { WeeklyHours } from './time.js';

// Inputs and views of the branches setup: details, opening hours, activity,
// and whole-branch holidays and closures (dates in the branch's local days).

/** Longest holiday or closure entered at once (matches time off). */
export const CLOSURE_MAX_DAYS = 366;

export const branchName = z.string().trim().min(1, 'Give the branch a name.').max(100, 'A branch name has at most 100 characters.');

export const branchTimeZone = z
  .string()
  .trim()
  .min(1, 'Pick a time zone.')
  .max(64, 'Pick a time zone from the list.')
  .refine(isSupportedTimeZone, { message: 'Pick a time zone from the list (an IANA name such as Europe/London).' });

const address = z.string().trim().max(300, 'An address has at most 300 characters.').default('');
const phone = z
  .string()
  .trim()
  .max(40, 'A phone number has at most 40 characters.')
  .regex(/^[0-9+()\-./\s]*$/, 'A phone number has digits, spaces and + ( ) - . / only.')
  .default('');

/** Whether no two intervals of one weekday overlap (back to back is fine). */
export function hoursDoNotOverlap(hours: readonly WeeklyHours[]): boolean {
  return hours.every((a, i) => hours.every((b, j) => i === j || a.weekday !== b.weekday || a.endMinute <= b.startMinute || b.endMinute <= a.startMinute));
}

/** A weekly pattern of opening hours: several intervals a weekday; a weekday without any is closed. */
export const openingHoursList = z
  .array(weeklyHoursEntry)
  .max(70, 'At most ten intervals a day.')
  .refine(hoursDoNotOverlap, { message: 'Opening hours of one weekday must not overlap.' });

export const branchCreateInput = z.object({
  name: branchName,
  timeZone: branchTimeZone,
  address,
  phone,
  openingHours: openingHoursList.default([]),
});

export const branchUpdateInput = z.object({
  branchId: id,
  name: branchName,
  timeZone: branchTimeZone,
  address,
  phone,
});

export const branchSetOpeningHoursInput = z.object({
  branchId: id,
  hours: openingHoursList,
  resolutions: resolutionsInput,
});

export const branchSetActiveInput = z.object({
  branchId: id,
  /** false: no longer open for booking (its future appointments are settled first). */
  active: z.boolean(),
  resolutions: resolutionsInput,
});

export const branchClosuresInput = z.object({ branchId: id });

export const branchAddClosureInput = z
  .object({
    branchId: id,
    /** HOLIDAY: a public holiday; CLOSURE: the branch is closed (renovation, strike). */
    kind: z.enum(['HOLIDAY', 'CLOSURE']),
    name: z.string().trim().min(1, 'Name the holiday or closure.').max(200, 'A name has at most 200 characters.'),
    /** First and last local day closed, both included. */
    from: localDate,
    to: localDate,
    resolutions: resolutionsInput,
  })
  .refine((v) => v.to >= v.from, { message: 'The last day cannot be before the first.', path: ['to'] })
  .refine((v) => (Date.parse(v.to) - Date.parse(v.from)) / 86_400_000 < CLOSURE_MAX_DAYS, {
    message: `A holiday or closure spans at most ${CLOSURE_MAX_DAYS} days at once.`,
    path: ['to'],
  });

export type BranchCreateInput = z.input<typeof branchCreateInput>;
export type BranchUpdateInput = z.input<typeof branchUpdateInput>;
export type BranchSetOpeningHoursInput = z.input<typeof branchSetOpeningHoursInput>;
export type BranchSetActiveInput = z.input<typeof branchSetActiveInput>;
export type BranchAddClosureInput = z.input<typeof branchAddClosureInput>;

/** A branch as the setup screen shows it. */
export interface BranchSetupView {
  id: string;
  name: string;
  timeZone: string;
  address: string;
  phone: string;
  active: boolean;
  /** Sorted by weekday, then start; empty: none set yet. */
  openingHours: WeeklyHours[];
}

/** A whole-branch holiday or closure, in the branch's local days. */
export interface BranchClosureView {
  id: string;
  branchId: string;
  kind: 'HOLIDAY' | 'CLOSURE';
  name: string;
  /** First and last local day, both included. */
  from: string;
  to: string;
  startsAt: string;
  endsAt: string;
}
