import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDeps, type Deps } from '../deps.js';
import { createLogger } from '../logger.js';
import { appRouter } from '../router.js';
import { seedDemo, type DemoClinic } from '../seed/demo.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { domainOf, failureCode } from '../testing/errors.js';
import { race } from '../testing/race.js';
import { createCallerFactory } from '../trpc/init.js';
import { THROTTLE } from './auth.service.js';
import { DUMMY_HASH, HASH_PARAMS, hashPassword } from './password.js';
import type * as Password from './password.js';

type PasswordModule = typeof Password;

// Every argon2 verification the server makes, counted: the throttle's promise
// is a number of password checks, whatever the callers are told.
const checks = vi.hoisted(() => ({ count: 0, hashes: [] as string[] }));
vi.mock('./password.js', async (importOriginal) => {
  const real = await importOriginal<PasswordModule>();
  return {
    ...real,
    verifyPassword: (stored: string, password: string) => {
      checks.count++;
      checks.hashes.push(stored);
      return real.verifyPassword(stored, password);
    },
  };
});

let db: TestDatabase;
let demo: DemoClinic;
/** A second server process's view of the same database: its own pool and services. */
let second: Deps;
const factory = createCallerFactory(appRouter);
const from = (ip: string, deps: Deps = db.deps, token: string | null = null) => factory({ deps, token, ip, actor: null });

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 40 });
  demo = await seedDemo(db.owner, { emailDomain: 'throttle.test', patients: 1 });
  second = createDeps({ urls: db.deps.urls, logger: createLogger('silent'), poolSize: 40 });
});
afterAll(async () => {
  await second.db.$disconnect();
  await db.drop();
});
beforeEach(() => {
  checks.count = 0;
  checks.hashes = [];
});

async function attempts(where: 'email' | 'ip', value: string): Promise<{ succeeded: boolean | null }[]> {
  const { rows } = await db.sql.query(`SELECT succeeded FROM login_attempt WHERE ${where} = $1`, [value]);
  return rows;
}

function tally(results: PromiseSettledResult<unknown>[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) {
    const code = r.status === 'fulfilled' ? 'OK' : (failureCode(r.reason) ?? 'UNKNOWN');
    counts[code] = (counts[code] ?? 0) + 1;
  }
  return counts;
}

describe('the login throttle holds under concurrency', () => {
  it(`forty desks guessing one account at once: ${THROTTLE.perAccount} password checks, the rest TOO_MANY_ATTEMPTS, ${THROTTLE.perAccount} failures recorded`, async () => {
    const email = demo.staff.receptionist.email;
    const results = await race(40, (i) => from(`10.20.0.${i}`).auth.login({ email, password: `guess ${i}` }));
    expect(tally(results)).toEqual({ UNAUTHORIZED: THROTTLE.perAccount, TOO_MANY_ATTEMPTS: 40 - THROTTLE.perAccount });
    expect(checks.count).toBe(THROTTLE.perAccount);
    const rows = await attempts('email', email);
    expect(rows).toHaveLength(THROTTLE.perAccount);
    expect(rows.every((r) => r.succeeded === false)).toBe(true);

    const refused = results.find((r) => r.status === 'rejected' && failureCode(r.reason) === 'TOO_MANY_ATTEMPTS') as PromiseRejectedResult;
    const domain = domainOf(refused.reason);
    expect(domain?.message).toMatch(/^Too many failed sign-ins\. Try again in \d+ minutes?\.$/);
    // Even the right password waits for the lock to end.
    expect(failureCode(await from('10.20.1.1').auth.login({ email, password: demo.password }).catch((e: unknown) => e))).toBe('TOO_MANY_ATTEMPTS');
    expect(checks.count).toBe(THROTTLE.perAccount);
  });

  it(`eighty failures from one address at once, across accounts: ${THROTTLE.perAddress} password checks, ${THROTTLE.perAddress} failures recorded`, async () => {
    const ip = '10.21.0.1';
    const results = await race(80, (i) => from(ip).auth.login({ email: `nobody${i}@throttle.test`, password: 'a guess' }));
    expect(tally(results)).toEqual({ UNAUTHORIZED: THROTTLE.perAddress, TOO_MANY_ATTEMPTS: 80 - THROTTLE.perAddress });
    expect(checks.count).toBe(THROTTLE.perAddress);
    const rows = await attempts('ip', ip);
    expect(rows).toHaveLength(THROTTLE.perAddress);
    expect(rows.every((r) => r.succeeded === false)).toBe(true);
    // Another address still signs in.
    await from('10.21.0.2').auth.login({ email: demo.staff.manager.email, password: demo.password });
  });

  it(`one IPv6 /64 is one client: failures from ${THROTTLE.perAddress + 10} of its addresses at once get ${THROTTLE.perAddress} checks`, async () => {
    const count = THROTTLE.perAddress + 10;
    const results = await race(count, (i) => from(`2001:db8:77:1::${(i + 1).toString(16)}`).auth.login({ email: `v6.${i}@throttle.test`, password: 'a guess' }));
    expect(tally(results)).toEqual({ UNAUTHORIZED: THROTTLE.perAddress, TOO_MANY_ATTEMPTS: 10 });
    expect(checks.count).toBe(THROTTLE.perAddress);
    expect(await attempts('ip', '2001:db8:77:1::/64')).toHaveLength(THROTTLE.perAddress);
    // The next /64 is another client.
    expect(failureCode(await from('2001:db8:77:2::1').auth.login({ email: 'v6.next@throttle.test', password: 'a guess' }).catch((e: unknown) => e))).toBe('UNAUTHORIZED');
  });

  it('two server processes share one limit: the database decides, not a process', async () => {
    const email = demo.staff.callCentre.email;
    const results = await race(40, (i) => from(`10.22.0.${i}`, i % 2 ? second : db.deps).auth.login({ email, password: `guess ${i}` }));
    expect(tally(results)).toEqual({ UNAUTHORIZED: THROTTLE.perAccount, TOO_MANY_ATTEMPTS: 40 - THROTTLE.perAccount });
    expect(checks.count).toBe(THROTTLE.perAccount);
    expect(await attempts('email', email)).toHaveLength(THROTTLE.perAccount);
  });

  it('a stolen session guessing the current password at once is throttled like a sign-in', async () => {
    const email = demo.staff.receptionistWest.email;
    const { token } = await from('10.23.0.1').auth.login({ email, password: demo.password });
    checks.count = 0;
    const results = await race(20, (i) =>
      from(`10.23.1.${i}`, db.deps, token).auth.changePassword({ currentPassword: `guess number ${i}`, newPassword: 'a completely new secret' }),
    );
    expect(tally(results)).toEqual({ BAD_INPUT: THROTTLE.perAccount, TOO_MANY_ATTEMPTS: 20 - THROTTLE.perAccount });
    expect(checks.count).toBe(THROTTLE.perAccount);
    const rows = await attempts('email', email);
    expect(rows.filter((r) => r.succeeded === false)).toHaveLength(THROTTLE.perAccount);
    expect(rows.filter((r) => r.succeeded === null)).toHaveLength(0);
  });

  it('a sign-in left in flight (a server that died mid-check) counts against the limit until it ages out', async () => {
    const email = demo.staff.admin.email;
    await db.sql.query(
      `INSERT INTO login_attempt (email, ip, succeeded, at) SELECT $1, '10.24.0.1', NULL, now() FROM generate_series(1, $2::int)`,
      [email, THROTTLE.perAccount],
    );
    expect(failureCode(await from('10.24.0.2').auth.login({ email, password: demo.password }).catch((e: unknown) => e))).toBe('TOO_MANY_ATTEMPTS');
    expect(checks.count).toBe(0);
    await db.sql.query(`UPDATE login_attempt SET at = at - interval '${THROTTLE.windowMinutes + 1} minutes' WHERE email = $1`, [email]);
    await from('10.24.0.2').auth.login({ email, password: demo.password });
  });

  it('twenty desks signing in to one account at once with the right password all get in', async () => {
    const email = demo.staff.manager.email;
    const results = await race(20, (i) => from(`10.25.0.${i}`).auth.login({ email, password: demo.password, desk: `desk ${i}` }));
    expect(tally(results)).toEqual({ OK: 20 });
    const rows = await attempts('email', email);
    expect(rows.filter((r) => r.succeeded !== true)).toHaveLength(0);
  });
});

describe('sign-in does not tell which emails have accounts', () => {
  it('an unknown email, a wrong password and a disabled account each cost exactly one full-strength check and get the same answer', async () => {
    const admin = await from('10.25.0.1').auth.login({ email: demo.staff.admin.email, password: demo.password });
    const target = demo.staff.manager;
    await from('10.25.0.1', db.deps, admin.token).admin.staff.disable({ staffId: target.id });
    checks.count = 0;
    checks.hashes = [];

    const answers: unknown[] = [];
    for (const [email, password] of [
      ['no.such.person@throttle.test', demo.password],
      [demo.staff.receptionist.email.replace('@', '.x@'), 'wrong password'],
      [demo.staff.callCentre.email, 'wrong password'],
      [target.email, demo.password],
    ] as const) {
      await db.sql.query('DELETE FROM login_attempt WHERE email = $1', [email]);
      const before = checks.count;
      answers.push(domainOf(await from('10.25.0.2').auth.login({ email, password }).catch((e: unknown) => e)));
      expect(checks.count - before).toBe(1);
    }
    expect(new Set(answers.map((a) => JSON.stringify(a)))).toEqual(new Set([JSON.stringify({ code: 'UNAUTHORIZED', message: 'That email and password do not match an active account.', details: {} })]));
    // Unknown accounts are checked against a hash with the very parameters real ones use, so the check costs the same.
    expect(checks.hashes.filter((h) => h === DUMMY_HASH)).toHaveLength(2);
    expect(DUMMY_HASH.startsWith(HASH_PARAMS)).toBe(true);
    expect((await hashPassword('any new password')).startsWith(HASH_PARAMS)).toBe(true);

    await from('10.25.0.1', db.deps, admin.token).admin.staff.disable({ staffId: target.id, disabled: false });
  });
});
