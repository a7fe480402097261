import { beforeAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { PATIENT_SEARCH_MAX_RESULTS } from '@frontdesk/shared';
import { callerFor, type Caller } from '../testing/callers.js';
import { failure, failureCode } from '../testing/errors.js';
import { demoDatabase } from '../testing/file-database.js';
import { escapeLike } from './patients.repository.js';

const setup = demoDatabase({ emailDomain: 'search.test', patients: 80 });
let desk: Caller;
const made: Record<string, string> = {};

beforeAll(async () => {
  desk = await callerFor(setup.db.deps, setup.demo.staff.receptionist.email, setup.demo.password);
  for (const name of ['Jo_Bloggs', 'Joe Bloggs', 'Pat 50% Sure', 'Back\\Slash', 'Backs Tom']) {
    made[name] = (await desk.patients.create({ name, phone: '+44 20 7946 0000' })).id;
  }
});

const names = (rows: { name: string }[]) => rows.map((r) => r.name).sort();

/** The field and message a refused input reports (the error formatter turns them into BAD_INPUT over HTTP). */
function inputProblem(error: unknown): { field: string; message: string } | null {
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (!(cause instanceof ZodError)) return null;
  const issue = cause.issues[0];
  return issue ? { field: issue.path.join('.'), message: issue.message } : null;
}

describe('patient search matches what was typed, never a pattern', () => {
  it('"%" alone is refused with a plain BAD_INPUT next to the query, and lists nobody', async () => {
    for (const query of ['%', '_', 'a', '  m  ']) {
      const error = await failure(desk.patients.search({ query }));
      expect(failureCode(error)).toBe('BAD_REQUEST');
      expect(inputProblem(error)).toEqual({ field: 'query', message: 'Type at least 2 characters of a name or phone number.' });
    }
  });

  it('wildcards are literal: "%%", "__" and "\\\\" list nobody; "jo_" finds Jo_Bloggs only; a backslash matches itself', async () => {
    expect(await desk.patients.search({ query: '%%' })).toEqual([]);
    expect(await desk.patients.search({ query: '__' })).toEqual([]);
    expect(await desk.patients.search({ query: '\\\\' })).toEqual([]);
    expect(await desk.patients.search({ query: '%a%' })).toEqual([]);
    expect(names(await desk.patients.search({ query: 'jo_' }))).toEqual(['Jo_Bloggs']);
    expect(names(await desk.patients.search({ query: '50%' }))).toEqual(['Pat 50% Sure']);
    expect(names(await desk.patients.search({ query: 'back\\s' }))).toEqual(['Back\\Slash']);
    expect(names(await desk.patients.search({ query: 'backs' }))).toEqual(['Backs Tom']);
  });

  it(`results are capped at ${PATIENT_SEARCH_MAX_RESULTS}, twenty unless asked`, async () => {
    expect(await desk.patients.search({ query: '555' })).toHaveLength(20);
    expect(await desk.patients.search({ query: '555', limit: PATIENT_SEARCH_MAX_RESULTS })).toHaveLength(PATIENT_SEARCH_MAX_RESULTS);
    expect(inputProblem(await failure(desk.patients.search({ query: '555', limit: PATIENT_SEARCH_MAX_RESULTS + 1 })))?.field).toBe('limit');
  });

  it('escapeLike escapes exactly %, _ and backslash', () => {
    expect(escapeLike('50%_off\\now')).toBe('50\\%\\_off\\\\now');
    expect(escapeLike('plain name')).toBe('plain name');
  });
});
