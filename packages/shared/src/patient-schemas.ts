import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { id } from './schemas.js';

// The patient record: its input schemas, phone numbers (stored E.164, shown
// formatted) and how a search box's text is read. Shared so the desk checks a
// form and formats a number the same way the server does.

export const PATIENT_SEXES = ['female', 'male', 'other', 'unknown'] as const;
export type PatientSex = (typeof PATIENT_SEXES)[number];
export const CONTACT_CHANNELS = ['phone', 'sms', 'email', 'post'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

// ---------------------------------------------------------------- phones

export type PhoneReading = { ok: true; e164: string } | { ok: false; message: string };

/**
 * A typed phone number in E.164 ('+12125551003'). A number without a
 * country code is read in `defaultCountry` (the branch's country, see
 * countryOfTimeZone); one with '+' or '00' is read as international.
 * Possible numbers are accepted, not only assigned ranges: a clinic must be
 * able to write down the number a patient gives.
 */
export function normalisePhone(raw: string, defaultCountry: string | null): PhoneReading {
  const typed = raw.trim().replace(/^00(?=\d)/, '+');
  if (!/^\+?[0-9 ().\-/]+$/.test(typed)) return { ok: false, message: 'A phone number has only digits, spaces and ( ) - + .' };
  const parsed = parsePhoneNumberFromString(typed, (defaultCountry ?? undefined) as CountryCode | undefined);
  if (!parsed) {
    return typed.startsWith('+') || defaultCountry
      ? { ok: false, message: 'That is not a phone number: check the digits.' }
      : { ok: false, message: 'Start the number with + and the country code, e.g. +44 20 7946 0000.' };
  }
  if (!parsed.isPossible()) {
    const where = parsed.country ?? defaultCountry;
    return { ok: false, message: `That number has too ${parsed.nationalNumber.length < 7 ? 'few' : 'many'} digits for a phone number${where ? ` in ${where}` : ''}.` };
  }
  return { ok: true, e164: parsed.number };
}

/** An E.164 number as people write it ('+1 212 555 1003'); anything else as it is. */
export function formatPhone(stored: string): string {
  const parsed = parsePhoneNumberFromString(stored);
  return parsed ? parsed.formatInternational() : stored;
}

// ---------------------------------------------------------------- search text

const FOLDED: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i' };

/**
 * Lower case, accents off, anything but letters and digits a space: what the
 * database's patient_search_name() makes of a name ('José-María' → 'jose maria').
 */
export function foldText(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[ßæœøłđðþı]/g, (c) => FOLDED[c] ?? c)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export interface PatientQuery {
  /** Accent-free lower-case words; each must begin some word of the name. */
  nameTokens: string[];
  /** The digits typed, when the text reads as (part of) a phone number. */
  phoneDigits: string | null;
  /** The whole number in E.164, when the text is one. */
  phoneE164: string | null;
  /** Dates of birth the text may mean (two for an ambiguous 03/04/1985). */
  datesOfBirth: string[];
  /** The text as an id card shows it (letters and digits, upper case), for national or insurance ids. */
  idKey: string | null;
}

function isoDate(y: number, m: number, d: number): string | null {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d || y < 1870) return null;
  return date.toISOString().slice(0, 10);
}

/** '1985-03-04', '04/03/1985', '4.3.1985' → the dates they can mean. */
export function readDate(token: string): string[] {
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(token);
  if (iso) return [isoDate(Number(iso[1]), Number(iso[2]), Number(iso[3]))].filter((d): d is string => d !== null);
  const local = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/.exec(token);
  if (!local) return [];
  const [a, b, y] = [Number(local[1]), Number(local[2]), Number(local[3])];
  return [...new Set([isoDate(y, b, a), isoDate(y, a, b)].filter((d): d is string => d !== null))];
}

/**
 * How a search box's text is read: a phone number in any format, a date of
 * birth, an id, and otherwise name words in any order ('garcia chl').
 */
export function parsePatientQuery(query: string, defaultCountry: string | null): PatientQuery {
  const text = query.trim();
  const words = text.split(/\s+/).filter(Boolean);
  const datesOfBirth = words.flatMap(readDate);
  const rest = words.filter((w) => readDate(w).length === 0).join(' ');
  const phoneLike = /^[+(]?[0-9][0-9 ().\-/]*$/.test(rest) && rest.replace(/\D/g, '').length >= 3;
  const phoneDigits = phoneLike ? rest.replace(/\D/g, '') : null;
  const phone = phoneLike && phoneDigits && phoneDigits.length >= 6 ? normalisePhone(rest, defaultCountry) : null;
  const compact = text.replace(/[^\p{L}\p{N}]/gu, '').toUpperCase();
  return {
    nameTokens: phoneLike ? [] : foldText(rest).split(' ').filter(Boolean),
    phoneDigits,
    phoneE164: phone?.ok ? phone.e164 : null,
    datesOfBirth,
    idKey: compact.length >= 3 && datesOfBirth.length === 0 ? compact : null,
  };
}

// ---------------------------------------------------------------- inputs

const text = (max: number, what: string) => z.string().trim().max(max, `${what} has at most ${max} characters.`);
const optionalText = (max: number, what: string) =>
  text(max, what)
    .optional()
    .transform((v) => (v === '' ? undefined : v));

export const phoneText = z
  .string()
  .trim()
  .min(1, 'Enter a phone number.')
  .max(30, 'A phone number has at most 30 characters.')
  .refine((v) => v.replace(/\D/g, '').length >= 5, 'Enter a phone number with at least 5 digits.')
  .refine((v) => /^\+?[0-9 ().\-/]+$/.test(v), 'A phone number has only digits, spaces and ( ) - + .');

const birthDate = z.iso.date('Enter the date of birth as YYYY-MM-DD.').refine((s) => {
  const y = Number(s.slice(0, 4));
  return y >= 1870 && new Date(`${s}T00:00:00Z`).getTime() <= Date.now();
}, 'A date of birth is in the past (and after 1870).');

/** Every field of a patient record but its name and main phone. */
const patientDetailFields = {
  otherPhones: z.array(phoneText).max(5, 'Keep at most 5 other phone numbers.').default([]),
  email: z.email('Enter an email address, e.g. name@example.com.').max(200, 'An email address has at most 200 characters.').optional(),
  dateOfBirth: birthDate.optional(),
  sex: z.enum(PATIENT_SEXES, 'Choose female, male, other or unknown.').optional(),
  address: text(500, 'An address').default(''),
  preferredContact: z.enum(CONTACT_CHANNELS, 'Choose phone, SMS, email or post.').default('phone'),
  consentToMessages: z.boolean().default(false),
  alerts: z.array(text(80, 'An alert').min(1, 'An alert cannot be empty.')).max(10, 'Keep at most 10 alerts.').default([]),
  notes: text(2000, 'Notes').default(''),
  nationalId: optionalText(40, 'A national id'),
  insuranceId: optionalText(40, 'An insurance id'),
};

export const patientCreateInput = z.object({
  name: z.string().trim().min(1, "Enter the patient's name.").max(200, 'A name has at most 200 characters.'),
  phone: phoneText,
  ...patientDetailFields,
  /** The desk saw the possible duplicates and creates a new record anyway. */
  confirmNotDuplicate: z.boolean().default(false),
});

const version = z.number().int().min(1).max(2_147_483_647);

/** A change to a record: only the fields sent change; `version` as the desk last read it. */
export const patientUpdateInput = z.object({
  patientId: id,
  version,
  name: patientCreateInput.shape.name.optional(),
  phone: phoneText.optional(),
  otherPhones: patientDetailFields.otherPhones.removeDefault().optional(),
  email: z.union([z.literal(''), patientDetailFields.email.unwrap()]).optional(),
  dateOfBirth: z.union([z.literal(''), birthDate]).optional(),
  sex: z.union([z.literal(''), patientDetailFields.sex.unwrap()]).optional(),
  address: text(500, 'An address').optional(),
  preferredContact: z.enum(CONTACT_CHANNELS, 'Choose phone, SMS, email or post.').optional(),
  consentToMessages: z.boolean().optional(),
  alerts: patientDetailFields.alerts.removeDefault().optional(),
  notes: text(2000, 'Notes').optional(),
  nationalId: text(40, 'A national id').optional(),
  insuranceId: text(40, 'An insurance id').optional(),
});

export const patientMergeInput = z
  .object({
    /** The record that stays. */
    survivorId: id,
    /** The duplicate: its appointments, tokens and other phones move to the survivor; it points at the survivor. */
    duplicateId: id,
  })
  .refine((v) => v.survivorId !== v.duplicateId, { message: 'Choose two different records to merge.', path: ['duplicateId'] });

export const patientProfileInput = z.object({ patientId: id });

/** Fields whose values the audit trail never repeats (names only: what changed, not to what). */
export const PATIENT_SENSITIVE_FIELDS: ReadonlySet<string> = new Set(['dateOfBirth', 'sex', 'notes', 'alerts', 'nationalId', 'insuranceId', 'address']);

// ---------------------------------------------------------------- what comes back

/** A patient in a search result or a pick list (the booking panel's PatientPicker reads id, name, phone). */
export interface PatientHit {
  id: string;
  name: string;
  /** Formatted for reading ('+1 212 555 1003'). */
  phone: string;
  dateOfBirth: string | null;
  alerts: string[];
  /** Why it was found, best first: an exact phone or id, a date of birth, the name's words, a similar name. */
  match: 'phone' | 'id' | 'dob' | 'name' | 'similar';
}

export interface PatientRecord {
  id: string;
  name: string;
  phone: string;
  phoneE164: string;
  otherPhones: string[];
  email: string | null;
  dateOfBirth: string | null;
  sex: PatientSex | null;
  address: string;
  preferredContact: ContactChannel;
  consentToMessages: boolean;
  alerts: string[];
  notes: string;
  nationalId: string | null;
  insuranceId: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  /** Set on a merged duplicate: the record that survived. */
  mergedIntoId: string | null;
}

/** What create answers: the new record, or the records it may duplicate (nothing written). */
export type PatientCreateResult =
  | { outcome: 'created'; patient: PatientRecord }
  | { outcome: 'possible_duplicates'; duplicates: (PatientHit & { why: 'same name and date of birth' | 'same phone' })[] };

export interface PatientProfileAppointment {
  id: string;
  branchId: string;
  branchName: string;
  serviceName: string;
  practitioners: string[];
  status: string;
  startsAt: string;
  endsAt: string;
  cancelReason: string | null;
  products: { name: string; quantity: number; priceCents: number }[];
}

export interface PatientProfile {
  patient: PatientRecord;
  upcoming: PatientProfileAppointment[];
  past: PatientProfileAppointment[];
  counts: { completed: number; noShows: number; cancelled: number; upcoming: number };
  tokens: { id: string; number: number; status: string; sessionName: string; startsAt: string; branchName: string }[];
  products: { name: string; quantity: number; priceCents: number; at: string }[];
  /** The record's changes, newest first (who, when, which fields). */
  history: { at: string; type: string; actorName: string | null; desk: string; fields: string[]; otherPatientId: string | null }[];
  /** Records merged into this one. */
  mergedFrom: { id: string; name: string; mergedAt: string }[];
}
