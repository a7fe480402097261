import { z } from 'zod';

// Input schemas of the booking, slot, patient and live-feed procedures, and the
// field types every schema shares (id, instant, localDate); sign-in, accounts
// and staff are in auth-schemas.ts, schedule and catalogue in
// schedule-schemas.ts. Shared so the desk can check a form the same way before
// sending it (the booking and new-patient forms do, naming the slip beside its
// field); the server is still the one that decides.

const MIN_YEAR = 2000;
const MAX_YEAR = 2100;

export const id = z.uuid({ message: 'must be an id' });

/** An instant with an explicit offset, e.g. 2026-11-22T09:30:00+05:30. */
export const instant = z.iso
  .datetime({ offset: true, message: 'must be a date-time with a time zone offset' })
  .refine(
    (s) => {
      const y = new Date(s).getUTCFullYear();
      return y >= MIN_YEAR && y <= MAX_YEAR;
    },
    { message: `must be between ${MIN_YEAR} and ${MAX_YEAR}` },
  );

export const localDate = z.iso.date({ message: 'must be a date (YYYY-MM-DD)' }).refine(
  (s) => {
    const y = Number(s.slice(0, 4));
    return y >= MIN_YEAR && y <= MAX_YEAR;
  },
  { message: `must be between ${MIN_YEAR} and ${MAX_YEAR}` },
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
  .min(8, 'an idempotency key has at least 8 characters')
  .max(100)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'an idempotency key uses letters, digits and _.:- only');

const text = (max: number) => z.string().trim().max(max);

export const HOLD_MINUTES_DEFAULT = 5;
export const HOLD_MINUTES_MAX = 30;

export const productLine = z.object({
  productId: id,
  quantity: z.number().int().min(1).max(100),
});

/** Product lines of one appointment: each product once, with its quantity. */
export const productLines = z
  .array(productLine)
  .max(20)
  .refine((lines) => new Set(lines.map((l) => l.productId)).size === lines.length, { message: 'list each product once, with its quantity' })
  .default([]);

export const holdInput = z.object({
  branchId: id,
  serviceId: id,
  startsAt: instant,
  /** Resources the desk chose (e.g. the practitioner's column); the rest are picked. */
  resourceIds: z.array(id).max(5).default([]),
  patientId: id.optional(),
  holdMinutes: z.number().int().min(1).max(HOLD_MINUTES_MAX).default(HOLD_MINUTES_DEFAULT),
  idempotencyKey: idempotencyKey.optional(),
});

export const extendHoldInput = z.object({
  appointmentId: id,
  version: version,
  holdMinutes: z.number().int().min(1).max(HOLD_MINUTES_MAX).default(HOLD_MINUTES_DEFAULT),
});

export const confirmInput = z.object({
  appointmentId: id,
  version: version,
  patientId: id.optional(),
  products: productLines,
  note: text(1000).default(''),
});

export const bookInput = holdInput.omit({ holdMinutes: true, patientId: true }).extend({
  patientId: id,
  products: productLines,
  note: text(1000).default(''),
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
  resourceIds: z.array(id).max(5).optional(),
});

export const cancelInput = z.object({
  appointmentId: id,
  version: version,
  reason: text(500).min(1, 'say why the appointment is cancelled'),
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

export const findSlotsInput = z
  .object({
    serviceId: id,
    branchIds: z.array(id).max(50).optional(),
    resourceIds: z.array(id).max(50).optional(),
    from: instant,
    to: instant.optional(),
    limit: z.number().int().min(1).max(200).default(20),
  })
  .refine((v) => v.to === undefined || new Date(v.to) > new Date(v.from), {
    message: '`to` must be after `from`',
    path: ['to'],
  })
  .refine(
    (v) => v.to === undefined || new Date(v.to).getTime() - new Date(v.from).getTime() <= FIND_SLOTS_MAX_DAYS * 86_400_000,
    { message: `search at most ${FIND_SLOTS_MAX_DAYS} days at once`, path: ['to'] },
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
  query: text(100).min(PATIENT_SEARCH_MIN_CHARS, `type at least ${PATIENT_SEARCH_MIN_CHARS} characters of a name or phone number`),
  limit: z.number().int().min(1).max(PATIENT_SEARCH_MAX_RESULTS).default(20),
});

export const patientCreateInput = z.object({
  name: text(200).min(1, 'a name is needed'),
  phone: z
    .string()
    .trim()
    .min(5)
    .max(30)
    .regex(/^\+?[0-9 ()-]+$/, 'a phone number has digits, spaces, ()-+ only'),
  email: z.email().max(200).optional(),
  dateOfBirth: localDate.optional(),
});

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
    .regex(/^\d{1,20}(~\d{1,20}(\.\d{1,20})?){0,32}$/, { message: 'must be an id the live feed gave' })
    .nullish(),
  branchIds: z.array(id).max(50).optional(),
});

export type HoldInput = z.input<typeof holdInput>;
export type BookInput = z.input<typeof bookInput>;
export type ConfirmInput = z.input<typeof confirmInput>;
export type MoveInput = z.input<typeof moveInput>;
export type CancelInput = z.input<typeof cancelInput>;
export type FindSlotsInput = z.input<typeof findSlotsInput>;
export type DayInput = z.input<typeof dayInput>;
