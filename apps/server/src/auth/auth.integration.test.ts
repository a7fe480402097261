import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domainErrorOf } from '@frontdesk/shared';
import { seedDemo, type DemoClinic } from '../seed/demo.js';
import { anonymousCaller, callerFor } from '../testing/callers.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';

let db: TestDatabase;
let demo: DemoClinic;

beforeAll(async () => {
  db = await createTestDatabase();
  demo = await seedDemo(db.owner, { emailDomain: 'auth.test', patients: 3 });
});
afterAll(() => db.drop());

describe('login', () => {
  it('a receptionist signs in and sees only her branch', async () => {
    const caller = await callerFor(db.deps, demo.staff.receptionist.email, demo.password);
    const me = await caller.auth.me();
    expect(me.role).toBe('RECEPTIONIST');
    expect(me.branchIds).toEqual([demo.branches.east]);
  });

  it('a wrong password gets UNAUTHORIZED and no session is made', async () => {
    const before = await db.sql.query('SELECT count(*)::int AS n FROM staff_session');
    const error = await anonymousCaller(db.deps)
      .auth.login({ email: demo.staff.admin.email, password: 'wrong-password' })
      .catch((e: unknown) => e);
    expect(domainErrorOf(error)?.code ?? (error as { code?: string }).code).toBe('UNAUTHORIZED');
    const after = await db.sql.query('SELECT count(*)::int AS n FROM staff_session');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('after logout the token no longer works', async () => {
    const caller = await callerFor(db.deps, demo.staff.callCentre.email, demo.password);
    await caller.auth.logout();
    await expect(caller.auth.me()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
