import { z } from 'zod';
import { normalisePhone, type ImportRowError } from '@frontdesk/shared';
import type { CsvRecord } from './csv-stream.js';
import { collapseSpaces, hasControlCharacters, type Columns } from './columns.js';

// One row of a patients file, checked and made ready to insert:
// name (required), phone (required), date_of_birth (YYYY-MM-DD), email.

export interface PatientDraft {
  line: number;
  name: string;
  /** E.164, as the desk's patient form stores it ('+12125550302'). */
  phone: string;
  email: string | null;
  dateOfBirth: string | null;
  /** What duplicates are found by: the name in lower case with its date of birth, and the E.164 phone's digits. */
  nameKey: string | null;
  phoneDigits: string;
}

export const NAME_MAX = 200;
const EMAIL_MAX = 200;
const OLDEST_YEAR = 1900;

const email = z.email();
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date written YYYY-MM-DD, from 1900 up to `today`; or why not. */
export function birthDateProblem(value: string, today: string): string | null {
  const m = ISO_DATE.exec(value);
  if (!m) return `"${value.slice(0, 40)}" is not a date written YYYY-MM-DD (e.g. 1984-03-21).`;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return `${value} is not a date of the calendar.`;
  if (year < OLDEST_YEAR) return `${value} is before ${OLDEST_YEAR}.`;
  if (value > today) return `${value} is in the future.`;
  return null;
}

/**
 * The row as a draft, or null after reporting each of its faults. A phone
 * without its country code is read in `country` (the importing admin's first
 * branch's), as the desk's patient form does.
 */
export function readPatientRow(record: CsvRecord, columns: Columns, today: string, country: string | null, report: (error: ImportRowError) => void): PatientDraft | null {
  const { line } = record;
  let faults = 0;
  const fail = (column: string, reason: string) => {
    faults++;
    report({ line, column, reason });
  };

  const rawName = columns.value(record, 'name');
  const name = collapseSpaces(rawName);
  if (!name) fail('name', 'A name is needed.');
  else if (hasControlCharacters(rawName)) fail('name', 'The name has a line break or a control character.');
  else if (name.length > NAME_MAX) fail('name', `A name has at most ${NAME_MAX} characters.`);

  const rawPhone = columns.value(record, 'phone');
  const phone = rawPhone ? normalisePhone(rawPhone, country) : null;
  if (!phone) fail('phone', 'A phone number is needed.');
  else if (!phone.ok) fail('phone', phone.message);

  const dateOfBirth = columns.value(record, 'date_of_birth');
  if (dateOfBirth) {
    const problem = birthDateProblem(dateOfBirth, today);
    if (problem) fail('date_of_birth', problem);
  }

  const mail = columns.value(record, 'email');
  if (mail && (mail.length > EMAIL_MAX || !email.safeParse(mail).success)) fail('email', `"${mail.slice(0, 60)}" is not an email address.`);

  if (faults > 0 || !phone?.ok) return null;
  return {
    line,
    name,
    phone: phone.e164,
    email: mail || null,
    dateOfBirth: dateOfBirth || null,
    nameKey: dateOfBirth ? `${name.toLowerCase()}\u0000${dateOfBirth}` : null,
    phoneDigits: phone.e164.slice(1),
  };
}
