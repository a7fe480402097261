import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import type { DomainErrorShape, FirstRunCreateInput } from '@frontdesk/shared';
import { createServer, type RunningServer } from '../app.js';
import { createDeps } from '../deps.js';
import { createLogger } from '../logger.js';
import { appRouter } from '../router.js';
import { databaseChecksum } from '../testing/checksum.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { domainOf, failure } from '../testing/errors.js';
import { race } from '../testing/race.js';
import { createCallerFactory } from '../trpc/init.js';

// The first run on an EMPTY database (migrated, no organisation): each test
// gets a database of its own, so each starts from nothing.

const factory = createCallerFactory(appRouter);
let db: TestDatabase;

beforeEach(async () => {
  db = await createTestDatabase({ poolSize: 8 });
});
afterEach(() => db.drop());

/** A caller as the first-run screen is: nobody signed in, on this machine or elsewhere. */
const onThisMachine = () => factory({ deps: db.deps, token: null, ip: '127.0.0.1', local: true, actor: null });
const fromElsewhere = (ip = '192.0.2.10') => factory({ deps: db.deps, token: null, ip, local: false, actor: null });
const signedIn = (token: string) => factory({ deps: db.deps, token, ip: '127.0.0.1', actor: null });

function form(overrides: Partial<FirstRunCreateInput> = {}): FirstRunCreateInput {
  return {
    organisationName: 'Riverside Physio',
    branchName: 'Riverside (Lisbon)',
    timeZone: 'Europe/Lisbon',
    address: 'Rua Augusta 12, Lisboa',
    phone: '+351 21 000 0000',
    adminName: 'Inês Costa',
    adminEmail: 'Ines@Riverside.example',
    adminPassword: 'tide pool orange 42',
    desk: 'office',
    ...overrides,
  };
}

async function count(table: string): Promise<number> {
  const { rows } = await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}"`);
  return rows[0]!.n;
}

function zodField(error: unknown): string | null {
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause instanceof ZodError ? (cause.issues[0]?.path.join('.') ?? null) : null;
}

describe('first run on an empty server', () => {
  it('status offers it, with the setup code asked for only away from this machine', async () => {
    expect(await onThisMachine().setup.firstRun.status()).toEqual({ needsSetup: true, codeRequired: false });
    expect(await fromElsewhere().setup.firstRun.status()).toEqual({ needsSetup: true, codeRequired: true });
  });

  it('creates the organisation, its branch with Mon–Fri 09:00–17:00, the admin and three events in the new tenant, and signs the admin in', async () => {
    const result = await onThisMachine().setup.firstRun.create(form());
    expect(result).toMatchObject({ mustChangePassword: false, staff: { name: 'Inês Costa', email: 'ines@riverside.example', role: 'ADMIN' } });
    const tenantId = result.staff.tenantId;

    const tenants = await db.sql.query('SELECT id::text, name FROM tenant');
    expect(tenants.rows).toEqual([{ id: tenantId, name: 'Riverside Physio' }]);
    const branches = await db.sql.query('SELECT id::text, tenant_id::text, name, time_zone, address, phone, active FROM branch');
    expect(branches.rows).toEqual([
      { id: expect.any(String), tenant_id: tenantId, name: 'Riverside (Lisbon)', time_zone: 'Europe/Lisbon', address: 'Rua Augusta 12, Lisboa', phone: '+351 21 000 0000', active: true },
    ]);
    const branchId = branches.rows[0].id as string;
    const hours = await db.sql.query('SELECT weekday, start_minute, end_minute FROM branch_hours WHERE tenant_id = $1 AND branch_id = $2 ORDER BY weekday', [tenantId, branchId]);
    expect(hours.rows).toEqual([1, 2, 3, 4, 5].map((weekday) => ({ weekday, start_minute: 540, end_minute: 1020 })));
    const staff = await db.sql.query('SELECT id::text, tenant_id::text, email, role, disabled, must_change_password FROM staff');
    expect(staff.rows).toEqual([{ id: result.staff.id, tenant_id: tenantId, email: 'ines@riverside.example', role: 'ADMIN', disabled: false, must_change_password: false }]);
    expect(await count('staff_branch')).toBe(0);

    const events = await db.sql.query('SELECT type, tenant_id::text, branch_id::text, actor_id::text, desk, payload FROM event ORDER BY seq');
    expect(events.rows).toEqual([
      { type: 'organisation.created', tenant_id: tenantId, branch_id: null, actor_id: result.staff.id, desk: 'office', payload: { name: 'Riverside Physio' } },
      { type: 'branch.changed', tenant_id: tenantId, branch_id: branchId, actor_id: result.staff.id, desk: 'office', payload: { branchId, change: 'created' } },
      { type: 'staff.changed', tenant_id: tenantId, branch_id: null, actor_id: result.staff.id, desk: 'office', payload: { staffId: result.staff.id, change: 'created', role: 'ADMIN', branchIds: [] } },
    ]);
    expect(JSON.stringify(events.rows)).not.toMatch(/tide pool|argon/);

    // Signed in: the token works at once, and the branch is the admin's.
    const admin = signedIn(result.token);
    expect(await admin.auth.me()).toMatchObject({ staffId: result.staff.id, tenantId, role: 'ADMIN', branchIds: [branchId], mustChangePassword: false });
    expect(result.staff.branchIds).toEqual([branchId]);
    expect((await admin.catalog.branches()).map((b) => b.name)).toEqual(['Riverside (Lisbon)']);
    // And the password signs in as usual.
    await onThisMachine().auth.login({ email: 'ines@riverside.example', password: 'tide pool orange 42', desk: 'office' });
  });

  it('once an organisation exists, status says so and another create is refused, changing nothing', async () => {
    await onThisMachine().setup.firstRun.create(form());
    expect(await onThisMachine().setup.firstRun.status()).toEqual({ needsSetup: false, codeRequired: false });
    expect(await fromElsewhere().setup.firstRun.status()).toEqual({ needsSetup: false, codeRequired: false });
    expect(await db.deps.firstRun.setupCodeIfNeeded()).toBeNull();

    const before = await databaseChecksum(db.sql);
    const again = await failure(onThisMachine().setup.firstRun.create(form({ organisationName: 'Takeover Ltd', adminEmail: 'mallory@example.test' })));
    expect(domainOf(again)).toEqual({ code: 'FORBIDDEN', message: 'This server already has its organisation. Sign in instead.', details: {} });
    expect(await databaseChecksum(db.sql)).toEqual(before);
  });

  it('from another machine: refused without the code, refused with a wrong one, accepted with the code from the log', async () => {
    const code = await db.deps.firstRun.setupCodeIfNeeded();
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    // Only its hash is kept.
    const kept = await db.sql.query<{ code_hash: string }>('SELECT code_hash FROM first_run_code');
    expect(kept.rows).toHaveLength(1);
    expect(kept.rows[0]!.code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(kept.rows)).not.toContain(code!.replace(/-/g, ''));
    const before = await databaseChecksum(db.sql);

    const without = await failure(fromElsewhere().setup.firstRun.create(form()));
    expect(domainOf(without)?.code).toBe('FORBIDDEN');
    expect(domainOf(without)?.message).toMatch(/own machine, or with the setup code/);
    const wrong = await failure(fromElsewhere().setup.firstRun.create(form({ setupCode: 'AAAA-BBBB-CCCC' })));
    expect(domainOf(wrong)).toMatchObject({ code: 'BAD_INPUT', details: { field: 'setupCode' } });
    expect(await databaseChecksum(db.sql)).toEqual(before);

    // Typed by hand: lower case, spaces instead of dashes.
    const typed = code!.toLowerCase().replace(/-/g, ' ');
    const made = await fromElsewhere().setup.firstRun.create(form({ setupCode: typed }));
    expect(made.staff.role).toBe('ADMIN');
    expect(await count('tenant')).toBe(1);
  });

  it('behind a load balancer: a code printed by one server process is taken by another', async () => {
    const other = createDeps({ urls: db.deps.urls, logger: createLogger('silent'), poolSize: 2 });
    try {
      const printedElsewhere = (await other.firstRun.setupCodeIfNeeded())!;
      await db.deps.firstRun.setupCodeIfNeeded();
      const made = await fromElsewhere().setup.firstRun.create(form({ setupCode: printedElsewhere }));
      expect(made.staff.role).toBe('ADMIN');
      // The first run took every code with it.
      expect((await db.sql.query('SELECT count(*)::int AS n FROM first_run_code')).rows[0].n).toBe(0);
      expect(await other.firstRun.setupCodeIfNeeded()).toBeNull();
    } finally {
      await other.db.$disconnect();
    }
  });

  it('the setup code works once: emptied again, the server does not take it a second time', async () => {
    const code = (await db.deps.firstRun.setupCodeIfNeeded())!;
    await fromElsewhere().setup.firstRun.create(form({ setupCode: code }));
    // The organisation gone (as an operator could, by hand), the server is empty again, but the code is spent.
    await db.sql.query('TRUNCATE tenant, event CASCADE');
    expect(await fromElsewhere().setup.firstRun.status()).toEqual({ needsSetup: true, codeRequired: true });
    const reused = await failure(fromElsewhere().setup.firstRun.create(form({ setupCode: code, adminEmail: 'second@riverside.example' })));
    expect(domainOf(reused)).toMatchObject({ code: 'BAD_INPUT', details: { field: 'setupCode' } });
    expect(await count('tenant')).toBe(0);
    // A restart prints a new code, which works.
    const next = (await db.deps.firstRun.setupCodeIfNeeded())!;
    expect(next).not.toBe(code);
    await fromElsewhere().setup.firstRun.create(form({ setupCode: next, adminEmail: 'second@riverside.example' }));
    expect(await count('tenant')).toBe(1);
  });

  it('a time zone not in the IANA list, or a weak password, is refused naming the field, and nothing is written', async () => {
    const before = await databaseChecksum(db.sql);
    for (const [overrides, field] of [
      [{ timeZone: 'Mars/Olympus_Mons' }, 'timeZone'],
      [{ timeZone: 'Europe/Nowhere' }, 'timeZone'],
      [{ adminPassword: 'short pw' }, 'adminPassword'],
      [{ adminPassword: 'aaaaaaaaaaaaaaaa' }, 'adminPassword'],
      [{ adminEmail: 'not an email' }, 'adminEmail'],
      [{ organisationName: '  ' }, 'organisationName'],
    ] as const) {
      const refused = await failure(onThisMachine().setup.firstRun.create(form(overrides)));
      expect(zodField(refused), JSON.stringify(overrides)).toBe(field);
    }
    expect(await databaseChecksum(db.sql)).toEqual(before);
    expect(await count('tenant')).toBe(0);
    // UTC, and another name of a listed zone, are fine.
    expect((await onThisMachine().setup.firstRun.create(form({ timeZone: 'UTC' }))).staff.role).toBe('ADMIN');
  });

  it('two first runs at the same moment: exactly one organisation is made, the other is told the server has one', async () => {
    const results = await race(4, (i) =>
      onThisMachine().setup.firstRun.create(form({ organisationName: `Clinic ${i}`, adminEmail: `admin${i}@race.example`, branchName: `Branch ${i}` })),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.map((r) => domainOf(r.reason)?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
    expect({ tenants: await count('tenant'), branches: await count('branch'), staff: await count('staff'), events: await count('event') }).toEqual({
      tenants: 1,
      branches: 1,
      staff: 1,
      events: 3,
    });
    const { rows } = await db.sql.query<{ n: number }>('SELECT count(DISTINCT tenant_id)::int AS n FROM (SELECT tenant_id FROM branch UNION ALL SELECT tenant_id FROM staff UNION ALL SELECT tenant_id FROM event) t');
    expect(rows[0]!.n).toBe(1);
  });
});

describe('first run over HTTP', () => {
  let running: RunningServer;
  beforeEach(async () => {
    running = await createServer({ deps: db.deps }).start(0, '127.0.0.1');
  });
  afterEach(() => running.stop());

  const call = async (path: string, init: { body?: unknown; headers?: Record<string, string> } = {}) => {
    const response = await fetch(`${running.url}/trpc/${path}`, {
      method: init.body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', ...init.headers },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    return { status: response.status, json: (await response.json()) as { result?: { data: unknown }; error?: { data?: { domain?: DomainErrorShape } } } };
  };

  it('a loopback connection is this machine; one a proxy forwarded is not, whatever address it names', async () => {
    expect((await call('setup.firstRun.status')).json.result?.data).toEqual({ needsSetup: true, codeRequired: false });
    const forwarded: Record<string, string>[] = [{ 'x-forwarded-for': '127.0.0.1' }, { 'x-forwarded-for': '203.0.113.5' }, { forwarded: 'for=127.0.0.1' }];
    for (const headers of forwarded) {
      expect((await call('setup.firstRun.status', { headers })).json.result?.data, JSON.stringify(headers)).toEqual({ needsSetup: true, codeRequired: true });
      const refused = await call('setup.firstRun.create', { body: form(), headers });
      expect(refused.status).toBe(403);
      expect(refused.json.error?.data?.domain?.code).toBe('FORBIDDEN');
    }
    expect(await count('tenant')).toBe(0);
  });

  it('bad input answers BAD_INPUT naming the field, in plain words', async () => {
    const refused = await call('setup.firstRun.create', { body: form({ timeZone: 'Atlantis/Capital' }) });
    expect(refused.status).toBe(400);
    expect(refused.json.error?.data?.domain).toMatchObject({ code: 'BAD_INPUT', details: { field: 'timeZone' } });
    expect(refused.json.error?.data?.domain?.message).toMatch(/time zone from the list/);
    const weak = await call('setup.firstRun.create', { body: form({ adminPassword: 'password' }) });
    expect(weak.json.error?.data?.domain).toMatchObject({ code: 'BAD_INPUT', details: { field: 'adminPassword' } });
    expect(await count('tenant')).toBe(0);

    const made = await call('setup.firstRun.create', { body: form() });
    expect(made.status).toBe(200);
    expect(made.json.result?.data).toMatchObject({ token: expect.any(String), mustChangePassword: false });
  });
});
