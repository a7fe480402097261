import { z } from 'zod';
import type { AppointmentView } from './dto.js';
import type { SlotSuggestion } from './errors.js';
import { id, idempotencyKey, instant, localDate } from './schemas.js';

// Recurring series (issue 11): a rule (every N days or weeks, monthly by date
// or by weekday, a count or an end date), practitioners taken the same or in
// turn, checked occurrence by occurrence, then booked in one transaction.

export const SERIES_FREQUENCIES = ['DAILY', 'WEEKLY', 'MONTHLY'] as const;
export type SeriesFrequency = (typeof SERIES_FREQUENCIES)[number];

/** The most occurrences one series books (a year of weekly visits). */
export const SERIES_MAX_OCCURRENCES = 60;

/** Which occurrences a change to one of them reaches. */
export const SERIES_SCOPES = ['this', 'following', 'all'] as const;
export type SeriesScope = (typeof SERIES_SCOPES)[number];

const version = z.number().int().min(1).max(2_147_483_647);

export const seriesRule = z
  .object({
    frequency: z.enum(SERIES_FREQUENCIES, 'Choose how often: daily, weekly or monthly.'),
    interval: z.number().int('Repeat every whole number of days, weeks or months.').min(1, 'Repeat at least every 1.').max(12, 'Repeat at most every 12.').default(1),
    /** Monthly: on the same date ("the 14th") or the same weekday of the month ("the 2nd Tuesday"). */
    monthlyBy: z.enum(['date', 'weekday']).default('date'),
    /** How many visits (a physio course of 6); or `until`. */
    count: z
      .number()
      .int('Say how many visits, as a whole number.')
      .min(2, 'A series has at least 2 visits.')
      .max(SERIES_MAX_OCCURRENCES, `A series has at most ${SERIES_MAX_OCCURRENCES} visits.`)
      .optional(),
    /** The last local date an occurrence may fall on (inclusive). */
    until: localDate.optional(),
  })
  .refine((r) => (r.count === undefined) !== (r.until === undefined), { message: 'Give either a number of visits or an end date.', path: ['count'] });

/** A series as the desk describes it before anything is written. */
export const seriesPlanInput = z.object({
  branchId: id,
  serviceId: id,
  patientId: id,
  /** The first occurrence; the rest keep its local wall time in the branch's zone. */
  startsAt: instant,
  rule: seriesRule,
  /** One practitioner for every visit, or several taken in turn (1st, 2nd, 1st, …). */
  practitionerIds: z.array(id).min(1, 'Choose the practitioner.').max(4, 'Alternate between at most 4 practitioners.'),
  /** Other resources asked for on every visit (a room); the rest are picked per visit. */
  resourceIds: z.array(id).max(4, 'Choose at most 4 other resources.').default([]),
  note: z.string().trim().max(1000, 'A note has at most 1000 characters.').default(''),
  /** This desk's own hold on the first visit's time: looked past by the check, released in the booking's transaction. */
  replacingHoldId: id.optional(),
});

export const seriesCheckInput = seriesPlanInput;

/** What the desk chose for one occurrence after the check: keep its time, take an alternative, or leave it out. */
export const seriesPick = z
  .object({
    index: z.number().int().min(1).max(SERIES_MAX_OCCURRENCES),
    action: z.enum(['keep', 'alternative', 'skip']),
    startsAt: instant.optional(),
    resourceIds: z.array(id).max(5, 'Choose at most 5 resources.').optional(),
  })
  .refine((p) => p.action !== 'alternative' || p.startsAt !== undefined, { message: 'Choose the alternative time.', path: ['startsAt'] });

export const seriesBookInput = seriesPlanInput.extend({
  picks: z
    .array(seriesPick)
    .max(SERIES_MAX_OCCURRENCES)
    .refine((ps) => new Set(ps.map((p) => p.index)).size === ps.length, { message: 'Choose once for each visit.' })
    .default([]),
  /** all: every chosen visit or none; free: the free ones now, the rest listed. */
  mode: z.enum(['all', 'free']).default('all'),
  idempotencyKey: idempotencyKey.optional(),
});

export const seriesGetInput = z.object({ seriesId: id });

const reasonCode = z.enum(['PATIENT_REQUEST', 'ILLNESS', 'CLINIC_RESCHEDULED', 'NO_LONGER_NEEDED', 'OTHER']);

/** Cancels one occurrence, it and the ones after it, or the whole series (what has not happened yet). */
export const seriesCancelInput = z
  .object({
    appointmentId: id,
    version,
    scope: z.enum(SERIES_SCOPES),
    reasonCode: reasonCode.optional(),
    reason: z.string().trim().max(500, 'Keep the reason under 500 characters.').default(''),
  })
  .refine((v) => (v.reasonCode !== undefined && v.reasonCode !== 'OTHER') || v.reason.length > 0, { message: 'Say why the visits are cancelled.', path: ['reason'] });

/**
 * Moves one occurrence, or it and the following, or the whole series: each
 * reached occurrence moves by the same change of local date and time (and to
 * the chosen practitioner when given); the others stay where they are.
 */
export const seriesMoveInput = z.object({
  appointmentId: id,
  version,
  scope: z.enum(SERIES_SCOPES),
  startsAt: instant,
  resourceIds: z.array(id).max(5, 'Choose at most 5 resources.').optional(),
});

export type SeriesRuleInput = z.input<typeof seriesRule>;
export type SeriesPlanInput = z.input<typeof seriesPlanInput>;
export type SeriesBookInput = z.input<typeof seriesBookInput>;
export type SeriesPick = z.input<typeof seriesPick>;
export type SeriesCancelInput = z.input<typeof seriesCancelInput>;
export type SeriesMoveInput = z.input<typeof seriesMoveInput>;

/** One occurrence as the check sees it: free (with the resources it would take), or taken / outside hours with the nearest free times, same day first. */
export interface SeriesOccurrenceCheck {
  index: number;
  startsAt: string;
  endsAt: string;
  practitionerId: string;
  state: 'free' | 'taken' | 'outside_hours';
  /** The resources a free occurrence takes. */
  resourceIds: string[];
  /** Why it is not free, in plain words. */
  reason: string | null;
  alternatives: SlotSuggestion[];
}

export interface SeriesCheckView {
  /** The rule in words: "Every week on Tuesday at 09:00, 6 visits". */
  summary: string;
  timeZone: string;
  occurrences: SeriesOccurrenceCheck[];
}

/** A series and each of its planned places, with the appointment there (null: not booked, listed for the desk). */
export interface SeriesView {
  id: string;
  branchId: string;
  serviceId: string;
  patientId: string;
  summary: string;
  timeZone: string;
  count: number;
  practitionerIds: string[];
  occurrences: { index: number; startsAt: string; appointment: AppointmentView | null }[];
}

export type SeriesBookResult =
  /** Nothing was written: these occurrences are taken (with alternatives); choose again. */
  | { outcome: 'taken'; occurrences: SeriesOccurrenceCheck[] }
  /** Booked: the series with its appointments; `unbooked` lists those left out (taken, or skipped by the desk). */
  | { outcome: 'booked'; series: SeriesView; booked: AppointmentView[]; unbooked: SeriesOccurrenceCheck[] };

/** What a scoped cancel or move reached. */
export interface SeriesChangeResult {
  appointments: AppointmentView[];
}
