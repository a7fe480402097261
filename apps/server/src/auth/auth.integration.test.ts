import { describe, expect, it } from 'vitest';
import { domainErrorOf } from '@frontdesk/shared';
import { anonymousCaller, callerFor } from '../testing/callers.js';
import { demoDatabase } from '../testing/file-database.js';

const setup = demoDatabase({ emailDomain: 'auth.test', patients: 3 });

describe('login', () => {
  it('a receptionist signs in and sees only her branch', async () => {
    const caller = await callerFor(setup.db.deps, setup.demo.staff.receptionist.email, setup.demo.password);
    const me = await caller.auth.me();
    expect(me.role).toBe('RECEPTIONIST');
    expect(me.branchIds).toEqual([setup.demo.branches.east]);
  });

  it('a wrong password gets UNAUTHORIZED and no session is made', async () => {
    const before = await setup.db.sql.query('SELECT count(*)::int AS n FROM staff_session');
    const error = await anonymousCaller(setup.db.deps)
      .auth.login({ email: setup.demo.staff.admin.email, password: 'wrong-password' })
      .catch((e: unknown) => e);
    expect(domainErrorOf(error)?.code ?? (error as { code?: string }).code).toBe('UNAUTHORIZED');
    const after = await setup.db.sql.query('SELECT count(*)::int AS n FROM staff_session');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('after logout the token no longer works', async () => {
    const caller = await callerFor(setup.db.deps, setup.demo.staff.callCentre.email, setup.demo.password);
    await caller.auth.logout();
    await expect(caller.auth.me()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
