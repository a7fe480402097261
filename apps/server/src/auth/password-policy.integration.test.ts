import { beforeAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { PASSWORD_MIN_CHARS } from '@frontdesk/shared';
import { callerFor, type Caller } from '../testing/callers.js';
import { failure, failureCode } from '../testing/errors.js';
import { demoDatabase } from '../testing/file-database.js';

const setup = demoDatabase({ emailDomain: 'policy.test', patients: 1 });
let admin: Caller;

beforeAll(async () => {
  admin = await callerFor(setup.db.deps, setup.demo.staff.admin.email, setup.demo.password);
});

function problem(error: unknown): { field: string; message: string } | null {
  const cause = (error as { cause?: unknown } | null)?.cause;
  const issue = cause instanceof ZodError ? cause.issues[0] : undefined;
  return issue ? { field: issue.path.join('.'), message: issue.message } : null;
}

const create = (email: string, password: string) =>
  admin.admin.staff.create({ name: 'Pat Policy', email, role: 'RECEPTIONIST', branchIds: [setup.demo.branches.east], password });

describe('a new password is a strong one', () => {
  it(`fewer than ${PASSWORD_MIN_CHARS} characters, or one or two characters repeated, is refused with a plain message on the field; nothing is written`, async () => {
    const staffBefore = await setup.db.sql.query('SELECT count(*)::int AS n FROM staff');
    const short = 'x'.repeat(PASSWORD_MIN_CHARS - 2) + 'y1';
    expect(short).toHaveLength(PASSWORD_MIN_CHARS);
    const tooShort = short.slice(1);

    const refusedCreate = await failure(create('short@policy.test', tooShort));
    expect(failureCode(refusedCreate)).toBe('BAD_REQUEST');
    expect(problem(refusedCreate)).toEqual({ field: 'password', message: `a password has at least ${PASSWORD_MIN_CHARS} characters: a few words make a good one` });
    expect(problem(await failure(create('same@policy.test', 'abababababababab')))).toEqual({
      field: 'password',
      message: 'a password needs more than one or two different characters',
    });
    expect((await setup.db.sql.query('SELECT count(*)::int AS n FROM staff')).rows[0].n).toBe(staffBefore.rows[0].n);

    const refusedChange = await failure(admin.auth.changePassword({ currentPassword: setup.demo.password, newPassword: tooShort }));
    expect(problem(refusedChange)?.field).toBe('newPassword');
    // The old password still signs in.
    await callerFor(setup.db.deps, setup.demo.staff.admin.email, setup.demo.password);
  });

  it(`${PASSWORD_MIN_CHARS} characters of some variety are enough`, async () => {
    await create('enough@policy.test', 'maple 7 river');
    await callerFor(setup.db.deps, 'enough@policy.test', 'maple 7 river');
  });
});
