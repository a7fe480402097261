import { describe, expect, it } from 'vitest';
import { appRouter } from '../router.js';
import { callerFor } from '../testing/callers.js';
import { domainOf as domainErrorOf, failure, failureCode, failureCode as codeOf } from '../testing/errors.js';
import { createCallerFactory } from '../trpc/init.js';
import { streamChanges } from '../sync/changes.service.js';
import { THROTTLE } from './auth.service.js';
import { demoDatabase } from '../testing/file-database.js';

const setup = demoDatabase({ emailDomain: 'accounts.test', patients: 2 });
const factory = createCallerFactory(appRouter);

const from = (ip: string, token: string | null = null) => factory({ deps: setup.db.deps, token, ip, actor: null });

async function signIn(email: string, password = setup.demo.password, ip = '10.0.0.1') {
  const { token } = await from(ip).auth.login({ email, password, desk: 'desk 1' });
  return { token, caller: from(ip, token) };
}

describe('login throttling', () => {
  it(`${THROTTLE.perAccount} wrong passwords lock the account: even the right one gets TOO_MANY_ATTEMPTS with a retry time, until the lock ends`, async () => {
    const email = setup.demo.staff.receptionistWest.email;
    for (let i = 0; i < THROTTLE.perAccount; i++) {
      expect(codeOf(await failure(from(`10.1.0.${i}`).auth.login({ email, password: 'wrong guess' })))).toBe('UNAUTHORIZED');
    }
    const locked = await failure(from('10.1.1.1').auth.login({ email, password: setup.demo.password }));
    const domain = domainErrorOf(locked);
    expect(domain?.code).toBe('TOO_MANY_ATTEMPTS');
    const retry = domain?.code === 'TOO_MANY_ATTEMPTS' ? domain.details.retryAfterSeconds : 0;
    expect(retry).toBeGreaterThan(THROTTLE.windowMinutes * 60 - 30);
    expect(retry).toBeLessThanOrEqual(THROTTLE.windowMinutes * 60);

    // Other accounts are not affected.
    await signIn(setup.demo.staff.manager.email, setup.demo.password, '10.1.1.1');

    // Fifteen minutes later the lock is over.
    await setup.db.sql.query(`UPDATE login_attempt SET at = at - interval '${THROTTLE.windowMinutes + 1} minutes' WHERE email = $1`, [email]);
    await signIn(email);
  });

  it('a successful login resets the account count', async () => {
    const email = setup.demo.staff.callCentre.email;
    for (let i = 0; i < THROTTLE.perAccount - 1; i++) await failure(from('10.2.0.1').auth.login({ email, password: 'wrong guess' }));
    await signIn(email, setup.demo.password, '10.2.0.1');
    for (let i = 0; i < THROTTLE.perAccount - 1; i++) {
      expect(codeOf(await failure(from('10.2.0.2').auth.login({ email, password: 'wrong guess' })))).toBe('UNAUTHORIZED');
    }
    await signIn(email, setup.demo.password, '10.2.0.3');
  });

  it(`${THROTTLE.perAddress} failures from one address lock that address, across accounts, not others`, async () => {
    const ip = '10.3.0.1';
    for (let i = 0; i < THROTTLE.perAddress; i++) {
      expect(codeOf(await failure(from(ip).auth.login({ email: `nobody${i}@accounts.test`, password: 'guess' })))).toBe('UNAUTHORIZED');
    }
    expect(codeOf(await failure(from(ip).auth.login({ email: setup.demo.staff.admin.email, password: setup.demo.password })))).toBe('TOO_MANY_ATTEMPTS');
    await signIn(setup.demo.staff.admin.email, setup.demo.password, '10.3.0.2');
  });
});

describe('sessions', () => {
  it('sign out everywhere ends every session of mine, and only mine', async () => {
    const one = await signIn(setup.demo.staff.manager.email);
    const two = await signIn(setup.demo.staff.manager.email);
    const other = await signIn(setup.demo.staff.receptionist.email);
    expect((await one.caller.auth.logoutEverywhere()).revoked).toBeGreaterThanOrEqual(2);
    expect(codeOf(await failure(one.caller.auth.me()))).toBe('UNAUTHORIZED');
    expect(codeOf(await failure(two.caller.auth.me()))).toBe('UNAUTHORIZED');
    expect(await setup.db.deps.auth.authenticate(two.token)).toBeNull();
    expect((await other.caller.auth.me()).role).toBe('RECEPTIONIST');
  });

  it('an expired session stops working', async () => {
    const { token, caller } = await signIn(setup.demo.staff.receptionist.email);
    await setup.db.sql.query(`UPDATE staff_session SET expires_at = now() - interval '1 second' WHERE token_hash = encode(sha256($1::bytea), 'hex')`, [token]);
    expect(codeOf(await failure(caller.auth.me()))).toBe('UNAUTHORIZED');
  });

  it('changing the password needs the current one, ends my other sessions, keeps this one, and the new one signs in', async () => {
    const email = setup.demo.staff.receptionistWest.email;
    await setup.db.sql.query('DELETE FROM login_attempt WHERE email = $1', [email]);
    const here = await signIn(email);
    const elsewhere = await signIn(email);
    const wrong = await failure(here.caller.auth.changePassword({ currentPassword: 'not it', newPassword: 'a brand new secret' }));
    expect(domainErrorOf(wrong)).toMatchObject({ code: 'BAD_INPUT', details: { field: 'currentPassword' } });
    expect(codeOf(await failure(here.caller.auth.changePassword({ currentPassword: setup.demo.password, newPassword: 'short' })))).toBe('BAD_REQUEST');

    await here.caller.auth.changePassword({ currentPassword: setup.demo.password, newPassword: 'a brand new secret' });
    expect((await here.caller.auth.me()).staffId).toBe(setup.demo.staff.receptionistWest.id);
    expect(codeOf(await failure(elsewhere.caller.auth.me()))).toBe('UNAUTHORIZED');
    expect(codeOf(await failure(from('10.4.0.1').auth.login({ email, password: setup.demo.password })))).toBe('UNAUTHORIZED');
    await signIn(email, 'a brand new secret', '10.4.0.2');
    const events = await setup.db.sql.query(`SELECT payload FROM event WHERE type = 'staff.changed' AND aggregate_id = $1`, [setup.demo.staff.receptionistWest.id]);
    expect(events.rows.map((r) => r.payload.change)).toEqual(['password']);
    expect(JSON.stringify(events.rows)).not.toMatch(/secret|argon/);
  });
});

describe('staff management', () => {
  it('an admin disables a receptionist: her token stops working on the very next request', async () => {
    const admin = await signIn(setup.demo.staff.admin.email, setup.demo.password, '10.5.0.1');
    const rita = await callerFor(setup.db.deps, setup.demo.staff.receptionist.email, setup.demo.password);
    const ritaToken = await setup.db.sql.query('SELECT count(*)::int AS n FROM staff_session WHERE staff_id = $1 AND revoked_at IS NULL', [setup.demo.staff.receptionist.id]);
    expect(ritaToken.rows[0].n).toBeGreaterThan(0);
    const view = await admin.caller.admin.staff.disable({ staffId: setup.demo.staff.receptionist.id });
    expect(view.disabled).toBe(true);
    expect(codeOf(await failure(rita.auth.me()))).toBe('UNAUTHORIZED');
    const live = await setup.db.sql.query('SELECT count(*)::int AS n FROM staff_session WHERE staff_id = $1 AND revoked_at IS NULL', [setup.demo.staff.receptionist.id]);
    expect(live.rows[0].n).toBe(0);
    expect(codeOf(await failure(callerFor(setup.db.deps, setup.demo.staff.receptionist.email, setup.demo.password)))).toBe('UNAUTHORIZED');

    await admin.caller.admin.staff.disable({ staffId: setup.demo.staff.receptionist.id, disabled: false });
    await callerFor(setup.db.deps, setup.demo.staff.receptionist.email, setup.demo.password);
  });

  it('a branch manager creates a receptionist for her own branch only, and cannot create a manager', async () => {
    const mona = await signIn(setup.demo.staff.manager.email, setup.demo.password, '10.6.0.1');
    const created = await mona.caller.admin.staff.create({
      name: 'Nina New', email: 'nina@accounts.test', role: 'RECEPTIONIST', branchIds: [setup.demo.branches.east], password: 'nina password 1',
    });
    expect(created).toMatchObject({ role: 'RECEPTIONIST', branchIds: [setup.demo.branches.east], disabled: false });
    expect(codeOf(await failure(mona.caller.admin.staff.create({
      name: 'West', email: 'west@accounts.test', role: 'RECEPTIONIST', branchIds: [setup.demo.branches.west], password: 'west password 1',
    })))).toBe('FORBIDDEN');
    expect(codeOf(await failure(mona.caller.admin.staff.create({
      name: 'Boss', email: 'boss@accounts.test', role: 'BRANCH_MANAGER', branchIds: [setup.demo.branches.east], password: 'boss password 1',
    })))).toBe('FORBIDDEN');
    expect(domainErrorOf(await failure(mona.caller.admin.staff.create({
      name: 'Again', email: 'NINA@accounts.test', role: 'RECEPTIONIST', branchIds: [setup.demo.branches.east], password: 'nina password 1',
    })))).toMatchObject({ code: 'BAD_INPUT', details: { field: 'email' } });
    // The west receptionist is not hers to disable or move.
    expect(codeOf(await failure(mona.caller.admin.staff.disable({ staffId: setup.demo.staff.receptionistWest.id })))).toBe('FORBIDDEN');
    expect(codeOf(await failure(mona.caller.admin.staff.setBranches({ staffId: created.id, branchIds: [setup.demo.branches.west] })))).toBe('FORBIDDEN');
    const listed = await mona.caller.admin.staff.list();
    expect(listed.map((s) => s.email)).toContain('nina@accounts.test');
    expect(listed.map((s) => s.email)).not.toContain(setup.demo.staff.receptionistWest.email);
    const nina = await signIn('nina@accounts.test', 'nina password 1', '10.6.0.2');
    expect((await nina.caller.auth.me()).branchIds).toEqual([setup.demo.branches.east]);
  });

  it('an admin moves a receptionist to another branch; every change is in the log with who and which desk', async () => {
    const admin = await signIn(setup.demo.staff.admin.email, setup.demo.password, '10.7.0.1');
    const moved = await admin.caller.admin.staff.setBranches({ staffId: setup.demo.staff.receptionistWest.id, branchIds: [setup.demo.branches.east, setup.demo.branches.west] });
    expect(new Set(moved.branchIds)).toEqual(new Set([setup.demo.branches.east, setup.demo.branches.west]));
    const log = await setup.db.sql.query(`SELECT actor_id, desk, payload FROM event WHERE type = 'staff.changed' AND payload->>'change' = 'branches'`);
    expect(log.rows).toEqual([{ actor_id: setup.demo.staff.admin.id, desk: 'desk 1', payload: expect.objectContaining({ staffId: setup.demo.staff.receptionistWest.id }) }]);
  });
});

describe('live subscriptions end with the session', () => {
  async function openStream(email: string) {
    const { token } = await signIn(email, setup.demo.password, '10.8.0.1');
    const actor = await setup.db.deps.auth.authenticate(token);
    if (!actor) throw new Error('no actor');
    const controller = new AbortController();
    const stream = streamChanges({ deps: setup.db.deps, actor, token, signal: controller.signal, limits: { sessionCheckMs: 50 } });
    const first = await stream.next();
    expect(first.done).toBe(false);
    return { stream, controller };
  }

  /** Reads on (past events still in flight) until the stream fails or ends. */
  async function endOf(stream: AsyncGenerator<unknown>): Promise<string | undefined> {
    for (let i = 0; i < 50; i++) {
      const step = await stream.next().then((r) => (r.done ? 'ENDED' : null), (e: unknown) => failureCode(e));
      if (step !== null) return step;
    }
    return 'STILL OPEN';
  }

  it('disabling a staff member ends her open subscription with UNAUTHORIZED', async () => {
    const admin = await signIn(setup.demo.staff.admin.email, setup.demo.password, '10.8.0.2');
    const { stream, controller } = await openStream(setup.demo.staff.manager.email);
    try {
      await admin.caller.admin.staff.disable({ staffId: setup.demo.staff.manager.id });
      expect(await endOf(stream)).toBe('UNAUTHORIZED');
    } finally {
      controller.abort();
      await admin.caller.admin.staff.disable({ staffId: setup.demo.staff.manager.id, disabled: false });
    }
  });

  it('signing out everywhere ends open subscriptions too', async () => {
    const { stream, controller } = await openStream(setup.demo.staff.callCentre.email);
    try {
      const other = await signIn(setup.demo.staff.callCentre.email, setup.demo.password, '10.8.0.3');
      await other.caller.auth.logoutEverywhere();
      expect(await endOf(stream)).toBe('UNAUTHORIZED');
    } finally {
      controller.abort();
    }
  });
});
