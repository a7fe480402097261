import { z } from 'zod';
import { id, localDate } from './schemas.js';

// Input schemas of recurring walk-in sessions (setup.sessions.*): a template
// (OPD, Monday–Friday 09:00–12:00, 30 tokens) from which the server makes the
// day's capacity sessions ahead of time.

export const SESSION_CAPACITY_MAX = 1000;
export const SESSION_NAME_MAX = 100;

const minute = (what: string) => z.number({ message: `Give the ${what} time.` }).int(`The ${what} time is whole minutes.`);

const templateFields = z.object({
  name: z.string().trim().min(1, 'Give the session a name (e.g. OPD).').max(SESSION_NAME_MAX, `A name is at most ${SESSION_NAME_MAX} characters.`),
  /** The practitioner or room the session is with, if one. */
  resourceId: id.nullable().default(null),
  /** ISO weekdays, 1 = Monday. */
  weekdays: z
    .array(z.number().int().min(1, 'A weekday is 1 (Monday) to 7 (Sunday).').max(7, 'A weekday is 1 (Monday) to 7 (Sunday).'))
    .min(1, 'Pick at least one weekday.')
    .max(7)
    .refine((days) => new Set(days).size === days.length, 'Pick each weekday once.'),
  /** Local time of the branch, minutes from midnight. */
  startMinute: minute('start').min(0, 'A session starts at 00:00 or later.').max(1439, 'A session starts before midnight.'),
  endMinute: minute('end').min(1, 'A session ends after 00:00.').max(1440, 'A session ends by midnight.'),
  capacity: z
    .number({ message: 'Give the number of tokens.' })
    .int('Tokens are a whole number.')
    .min(1, 'A session has at least 1 token.')
    .max(SESSION_CAPACITY_MAX, `A session has at most ${SESSION_CAPACITY_MAX} tokens.`),
  validFrom: localDate,
  /** The last day sessions are made for; null: until further notice. */
  validUntil: localDate.nullable().default(null),
});

type Fields = z.output<typeof templateFields>;
const endsAfterStart = (v: Pick<Fields, 'startMinute' | 'endMinute'>) => v.endMinute > v.startMinute;
const untilAfterFrom = (v: Pick<Fields, 'validFrom' | 'validUntil'>) => v.validUntil === null || v.validUntil >= v.validFrom;

export const sessionTemplateCreateInput = templateFields
  .extend({ branchId: id })
  .refine(endsAfterStart, { message: 'A session must end after it starts.', path: ['endMinute'] })
  .refine(untilAfterFrom, { message: 'The last day must be on or after the first.', path: ['validUntil'] });

/** Everything but the branch: a template stays at its branch (make a new one elsewhere). */
export const sessionTemplateUpdateInput = templateFields
  .extend({ templateId: id })
  .refine(endsAfterStart, { message: 'A session must end after it starts.', path: ['endMinute'] })
  .refine(untilAfterFrom, { message: 'The last day must be on or after the first.', path: ['validUntil'] });

export const sessionTemplateIdInput = z.object({ templateId: id });

export const sessionTemplateListInput = z.object({ branchId: id.optional() }).default({});

export type SessionTemplateCreateInput = z.input<typeof sessionTemplateCreateInput>;
export type SessionTemplateUpdateInput = z.input<typeof sessionTemplateUpdateInput>;
