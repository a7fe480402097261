import { z } from 'zod';
import './plain-words.js';

export { asSentence, fieldLabel, plainWords } from './plain-words.js';

// Input schemas of the booking, slot, patient and live-feed procedures, and the
// field types every schema shares (id, instant, localDate); sign-in, accounts
// and staff are in auth-schemas.ts, schedule and catalogue in
// schedule-schemas.ts. Shared so the desk can check a form the same way before
// sending it (the booking and new-patient forms do, naming the slip beside its
// field); the server is still the one that decides. Every message is a
// sentence a desk can show as it is; limits stated without one are put in
// plain words by plain-words.ts.

const MIN_YEAR = 2000;
const MAX_YEAR = 2100;

export const id = z.uuid();

/** An instant with an explicit offset, e.g. 2026-11-22T09:30:00+05:30. */
export const instant = z.iso
  .datetime({ offset: true })
  .refine(
    (s) => {
      const y = new Date(s).getUTCFullYear();
      return y >= MIN_YEAR && y <= MAX_YEAR;
    },
    { message: `Choose a date between ${MIN_YEAR} and ${MAX_YEAR}.` },
  );

export const localDate = z.iso.date().refine(
  (s) => {
    const y = Number(s.slice(0, 4));
    return y >= MIN_YEAR && y <= MAX_YEAR;
  },
  { message: `Choose a date between ${MIN_YEAR} and ${MAX_YEAR}.` },
);

/** An appointment's version, as the desk last saw it (a Postgres integer). */
const version = z.number().int().min(1).max(2_147_483_647);

/**
 * A desk's own key for one command: a retry of that command sends it again and
 * gets the first result. Keys are per staff member (the same text from another
 * desk is another key); the same key with a different request is refused.
 */
export const idempotencyKey = z
  .string()
  .min(8, 'An idempotency key has at least 8 characters.')
  .max(100, 'An idempotency key has at most 100 characters.')
  .regex(/^[A-Za-z0-9_.:-]+$/, 'An idempotency key uses letters, digits and _.:- only.');

const text = (max: number) => z.string().trim().max(max, `Use at most ${max} characters.`);
const note = () => z.string().trim().max(1000, 'A note has at most 1000 characters.').default('');

export const HOLD_MINUTES_DEFAULT = 5;
export const HOLD_MINUTES_MAX = 30;

function holdMinutes() {
  const range = `A hold lasts 1 to ${HOLD_MINUTES_MAX} minutes.`;
  return z.number().int(range).min(1, range).max(HOLD_MINUTES_MAX, range).default(HOLD_MINUTES_DEFAULT);
}

export const productLine = z.object({
  productId: id,
  quantity: z.number().int('Sell whole items.').min(1, 'Sell at least 1 of a product.').max(100, 'Sell at most 100 of a product at once.'),
});

/** Product lines of one appointment: each product once, with its quantity. */
export const productLines = z
  .array(productLine)
  .max(20, 'Sell at most 20 different products with one booking.')
  .refine((lines) => new Set(lines.map((l) => l.productId)).size === lines.length, { message: 'List each product once, with its quantity.' })
  .default([]);

export const holdInput = z.object({
  branchId: id,
  serviceId: id,
  startsAt: instant,
  /** Resources the desk chose (e.g. the practitioner's column); the rest are picked. */
  resourceIds: z.array(id).max(5, 'Choose at most 5 resources.').default([]),
  patientId: id.optional(),
  holdMinutes: holdMinutes(),
  idempotencyKey: idempotencyKey.optional(),
  /** This desk's hold it moves on from: released in the same transaction as the new hold goes in (or anyway, when the new one is refused). */
  replacingHoldId: id.optional(),
});

/** Adds `holdMinutes` to the time the hold has left (never more than HOLD_MINUTES_MAX from now). */
export const extendHoldInput = z.object({
  appointmentId: id,
  version: version,
  holdMinutes: holdMinutes(),
});

/**
 * A hold's service changed in place: the new length and resources are taken
 * in the same transaction as the old ones are given back, so the time is
 * never let go; if the new length does not fit, the hold stays as it was.
 */
export const changeServiceInput = z.object({
  appointmentId: id,
  version: version,
  serviceId: id,
});

/** Lets go of this sign-in's holds (a desk window closing): these, or every one it still has. */
export const releaseMineInput = z.object({ appointmentIds: z.array(id).max(20, 'Release at most 20 holds at once.').optional() }).default({});

export const confirmInput = z.object({
  appointmentId: id,
  version: version,
  patientId: id.optional(),
  products: productLines,
  note: note(),
});

export const bookInput = holdInput.omit({ holdMinutes: true, patientId: true }).extend({
  patientId: id,
  products: productLines,
  note: note(),
});

export const releaseInput = z.object({
  appointmentId: id,
  version: version.optional(),
});

export const moveInput = z.object({
  appointmentId: id,
  version: version,
  startsAt: instant,
  /** Resources to move to; omitted keeps the current ones where possible. */
  resourceIds: z.array(id).max(5, 'Choose at most 5 resources.').optional(),
});

export const cancelInput = z.object({
  appointmentId: id,
  version: version,
  reason: text(500).min(1, 'Say why the appointment is cancelled.'),
});

export const appointmentStepInput = z.object({
  appointmentId: id,
  version: version,
});

export const issueTokenInput = z.object({
  sessionId: id,
  patientId: id,
  idempotencyKey: idempotencyKey.optional(),
});

export const FIND_SLOTS_MAX_DAYS = 31;

/** Time-of-day presets for the finder, as local minutes [fromMin, toMin) of the start. */
export const TIME_OF_DAY_PRESETS = {
  morning: { fromMin: 0, toMin: 12 * 60 },
  afternoon: { fromMin: 12 * 60, toMin: 17 * 60 },
  evening: { fromMin: 17 * 60, toMin: 24 * 60 },
} as const;
export type TimeOfDayPreset = keyof typeof TIME_OF_DAY_PRESETS;
const timeOfDayInput = z.union([
  z.enum(['morning', 'afternoon', 'evening']),
  z
    .object({ fromMin: z.number().int().min(0).max(1439), toMin: z.number().int().min(1).max(1440) })
    .refine((v) => v.fromMin < v.toMin, { message: 'The time range must end after it starts.', path: ['toMin'] }),
]);
/** A slot's identity across "show more" pages. */
export const slotKey = (s: { branchId: string; startsAt: string; resourceIds: readonly string[] }) => `${s.branchId}|${s.startsAt}|${s.resourceIds.join(',')}`;

export const findSlotsInput = z
  .object({
    serviceId: id,
    branchIds: z.array(id).max(50, 'Search at most 50 branches at once.').optional(),
    resourceIds: z.array(id).max(50, 'Search at most 50 resources at once.').optional(),
    from: instant,
    to: instant.optional(),
    limit: z.number().int().min(1, 'Ask for at least 1 result.').max(200, 'Ask for at most 200 results.').default(20),
    /** Any one of these practitioners (each slot is with one of them); `resourceIds` are used in every slot. */
    practitionerIds: z.array(id).max(50, 'Search at most 50 practitioners at once.').optional(),
    /** Starts at these local times of day only, in each branch's zone. */
    timeOfDay: timeOfDayInput.optional(),
    /** Starts on these local weekdays only (1 Monday … 7 Sunday). */
    weekdays: z.array(z.number().int().min(1).max(7)).min(1, 'Tick at least one weekday.').max(7).optional(),
    /** "Show more": starts from this page's last one on, leaving out the slots already seen (their slotKey). */
    after: z.object({ startsAt: instant, seen: z.array(z.string().max(2000)).max(200, 'At most 200 seen slots.') }).optional(),
    /** earliestPerPractitioner: one slot per practitioner, that practitioner's earliest (first in resourceIds). */
    group: z.enum(['earliestPerPractitioner']).optional(),
  })
  .refine((v) => v.to === undefined || new Date(v.to) > new Date(v.from), {
    message: 'The end of the search must be after its start.',
    path: ['to'],
  })
  .refine(
    (v) => v.to === undefined || new Date(v.to).getTime() - new Date(v.from).getTime() <= FIND_SLOTS_MAX_DAYS * 86_400_000,
    { message: `Search at most ${FIND_SLOTS_MAX_DAYS} days at once.`, path: ['to'] },
  );

export const dayInput = z.object({
  branchId: id,
  date: localDate,
});

/** The shortest patient search: one letter or digit would list most of the clinic. */
export const PATIENT_SEARCH_MIN_CHARS = 2;
/** The most patients one search returns. */
export const PATIENT_SEARCH_MAX_RESULTS = 50;

export const patientSearchInput = z.object({
  query: text(100).min(PATIENT_SEARCH_MIN_CHARS, `Type at least ${PATIENT_SEARCH_MIN_CHARS} characters of a name or phone number.`),
  limit: z.number().int().min(1, 'Ask for at least 1 result.').max(PATIENT_SEARCH_MAX_RESULTS, `Ask for at most ${PATIENT_SEARCH_MAX_RESULTS} results.`).default(20),
});

// patientCreateInput and the rest of the record: patient-schemas.ts.
export const patientGetInput = z.object({ patientId: id });
export const appointmentGetInput = z.object({ appointmentId: id });

export const changesInput = z.object({
  /**
   * Where the desk resumes: an id the stream gave (set by tRPC on reconnect),
   * or the last event seq it applied. The seq, then `~<xid>` or `~<xid>.<seq>`
   * per transaction still open below it. A number beyond the log's range is
   * answered with `reset`, not refused: a desk must never get stuck on its own id.
   */
  lastEventId: z
    .string()
    .max(1400)
    .regex(/^\d{1,20}(~\d{1,20}(\.\d{1,20})?){0,32}$/, { message: 'The last event id must be one the live feed gave.' })
    .nullish(),
  branchIds: z.array(id).max(50, 'Follow at most 50 branches at once.').optional(),
});

/** How every desk of the clinic writes times: 14:30, or 2:30 PM. */
export const TIME_FORMATS = ['24h', '12h'] as const;
export type TimeFormat = (typeof TIME_FORMATS)[number];

export const setTimeFormatInput = z.object({
  timeFormat: z.enum(TIME_FORMATS, { message: 'Choose 24-hour (24h) or 12-hour (12h) times.' }),
});

export type HoldInput = z.input<typeof holdInput>;
export type BookInput = z.input<typeof bookInput>;
export type ConfirmInput = z.input<typeof confirmInput>;
export type MoveInput = z.input<typeof moveInput>;
export type ChangeServiceInput = z.input<typeof changeServiceInput>;
export type CancelInput = z.input<typeof cancelInput>;
export type FindSlotsInput = z.input<typeof findSlotsInput>;
export type DayInput = z.input<typeof dayInput>;
