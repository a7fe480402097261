import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BookingRepository } from '../booking/booking.repository.js';
import { sqlStateOf } from '../db/errors.js';
import { iterateInTenant, withTenant, withTenantTransaction } from '../db/request-scope.js';
import { APP_ROLE, SYNC_ROLE } from '../db/roles.js';
import { inTransaction, type Db, type Tx } from '../db/tx.js';
import { PatientsRepository } from '../patients/patients.repository.js';
import { callerFor } from '../testing/callers.js';
import { isolationDatabase } from '../testing/file-database.js';

const setup = isolationDatabase();
afterEach(() => {
  vi.restoreAllMocks();
});

const TENANT_TABLES = ['branch', 'resource', 'time_off', 'service', 'product', 'product_stock', 'patient', 'staff', 'appointment', 'appointment_resource', 'capacity_session', 'token', 'event'];
const CHILD_TABLES = ['tenant', 'resource_branch', 'working_hours', 'service_requirement', 'service_price', 'appointment_product', 'staff_branch', 'staff_session'];

describe('the runtime role', () => {
  it('logs in as frontdesk_app: not superuser, no BYPASSRLS, owner of nothing', async () => {
    const [me] = await setup.db.deps.db.$queryRaw<{ user: string; superuser: boolean; bypass: boolean; owned: number }[]>`
      SELECT current_user AS user, r.rolsuper AS superuser, r.rolbypassrls AS bypass,
             (SELECT count(*)::int FROM pg_class c WHERE c.relowner = r.oid) AS owned
        FROM pg_roles r WHERE r.rolname = current_user`;
    expect(me).toEqual({ user: APP_ROLE, superuser: false, bypass: false, owned: 0 });
  });

  it.each([...TENANT_TABLES, ...CHILD_TABLES, 'idempotency_record'])('with no tenant set, SELECT * FROM %s returns nothing', async (table) => {
    const [seen] = await setup.db.deps.db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM "${table}"`);
    expect(seen?.n).toBe(0);
    const [owner] = (await setup.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}"`)).rows;
    // Tables the isolation clinics leave empty are checked for the policy alone.
    if (!['appointment_product', 'staff_session', 'idempotency_record'].includes(table)) expect(owner?.n).toBeGreaterThan(0);
  });

  it('with no tenant set, nothing can be written either', async () => {
    const insert = await setup.db.deps.db.$executeRaw`INSERT INTO patient (tenant_id, name, phone) VALUES (${setup.a.tenantId}::uuid, 'Mallory', '+1 000')`.catch((e: unknown) => e);
    expect(sqlStateOf(insert)).toBe('42501');
    expect(await setup.db.deps.db.$executeRaw`UPDATE patient SET name = 'Mallory'`).toBe(0);
    expect(await setup.db.deps.db.$executeRaw`DELETE FROM appointment_resource`).toBe(0);
    const names = await setup.db.sql.query(`SELECT count(*)::int AS n FROM patient WHERE name = 'Mallory'`);
    expect(names.rows[0].n).toBe(0);
  });

  it('cannot rewrite the event log, even its own tenant’s', async () => {
    const update = await inTransaction(setup.db.deps.db, { tenantId: setup.a.tenantId }, (tx) => tx.$executeRaw`UPDATE event SET desk = 'forged'`).catch((e: unknown) => e);
    expect(sqlStateOf(update)).toBe('42501');
    const remove = await inTransaction(setup.db.deps.db, { tenantId: setup.a.tenantId }, (tx) => tx.$executeRaw`DELETE FROM event`).catch((e: unknown) => e);
    expect(sqlStateOf(remove)).toBe('42501');
  });
});

describe('row-level security inside a tenant transaction, with the application filter removed', () => {
  it.each(TENANT_TABLES)('SELECT * FROM %s in a transaction of tenant A returns only tenant A rows', async (table) => {
    const tenants = await inTransaction(setup.db.deps.db, { tenantId: setup.a.tenantId }, (tx) => tx.$queryRawUnsafe<{ tenant_id: string }[]>(`SELECT tenant_id::text FROM "${table}"`));
    expect(tenants.length).toBeGreaterThan(0);
    expect(new Set(tenants.map((r) => r.tenant_id))).toEqual(new Set([setup.a.tenantId]));
  });

  it('child tables (hours, prices, requirements, staff branches) and the tenant table show tenant A only', async () => {
    const seen = await inTransaction(setup.db.deps.db, { tenantId: setup.a.tenantId }, async (tx) => {
      const [rows] = await tx.$queryRaw<{ tenants: number; foreign: number }[]>`
        SELECT (SELECT count(*)::int FROM tenant) AS tenants,
               (SELECT count(*)::int FROM working_hours WHERE branch_id IN (${setup.b.branches.east}::uuid, ${setup.b.branches.west}::uuid))
             + (SELECT count(*)::int FROM resource_branch WHERE branch_id IN (${setup.b.branches.east}::uuid, ${setup.b.branches.west}::uuid))
             + (SELECT count(*)::int FROM service_price WHERE branch_id IN (${setup.b.branches.east}::uuid, ${setup.b.branches.west}::uuid))
             + (SELECT count(*)::int FROM service_requirement WHERE service_id = ${setup.b.services.gp}::uuid)
             + (SELECT count(*)::int FROM staff_branch WHERE staff_id = ${setup.b.staff.receptionist.id}::uuid) AS foreign`;
      return rows;
    });
    expect(seen).toEqual({ tenants: 1, foreign: 0 });
  });

  it("a row with tenant B's id cannot be inserted or moved into tenant B from tenant A's transaction", async () => {
    const insert = await inTransaction(setup.db.deps.db, { tenantId: setup.a.tenantId }, (tx) => tx.$executeRaw`INSERT INTO patient (tenant_id, name, phone) VALUES (${setup.b.tenantId}::uuid, 'Mallory', '+1 000')`).catch((e: unknown) => e);
    expect(sqlStateOf(insert)).toBe('42501');
    const move = await inTransaction(setup.db.deps.db, { tenantId: setup.a.tenantId }, (tx) => tx.$executeRaw`UPDATE patient SET tenant_id = ${setup.b.tenantId}::uuid WHERE id = ${setup.a.patients[0]}::uuid`).catch((e: unknown) => e);
    expect(sqlStateOf(move)).toBe('42501');
    const touched = await inTransaction(setup.db.deps.db, { tenantId: setup.a.tenantId }, (tx) => tx.$executeRaw`UPDATE patient SET name = 'Mallory' WHERE tenant_id = ${setup.b.tenantId}::uuid`);
    expect(touched).toBe(0);
    const names = await setup.db.sql.query(`SELECT count(*)::int AS n FROM patient WHERE name = 'Mallory'`);
    expect(names.rows[0].n).toBe(0);
  });
});

describe('the request scope set by the procedure builder', () => {
  const everything = (client: Db) =>
    Promise.all([
      client.patient.findMany({ select: { tenantId: true } }),
      client.$queryRaw<{ tenant_id: string }[]>`SELECT tenant_id::text FROM event`,
      client.$queryRawUnsafe<{ tenant_id: string }[]>('SELECT tenant_id::text FROM appointment'),
    ]).then(([patients, events, appointments]) => new Set([...patients.map((p) => p.tenantId), ...events.map((e) => e.tenant_id), ...appointments.map((x) => x.tenant_id)]));

  it('a read procedure runs whole in one tenant transaction: queries with no WHERE see one tenant', async () => {
    expect(await withTenantTransaction(setup.db.deps.db, setup.b.tenantId, () => everything(setup.db.deps.db))).toEqual(new Set([setup.b.tenantId]));
  });

  it('a command: calls outside its own transactions still run in the tenant’s scope', async () => {
    expect(await withTenant(setup.a.tenantId, () => everything(setup.db.deps.db))).toEqual(new Set([setup.a.tenantId]));
    const insert = await withTenant(setup.a.tenantId, () => setup.db.deps.db.patient.create({ data: { tenantId: setup.b.tenantId, name: 'Mallory', phone: '+1 000' } })).catch((e: unknown) => e);
    expect(sqlStateOf(insert)).toBe('42501');
  });

  it('a subscription: every step of its stream runs in the tenant’s scope', async () => {
    async function* stream() {
      yield await everything(setup.db.deps.db);
      await new Promise((r) => setTimeout(r, 5));
      yield await everything(setup.db.deps.db);
    }
    const seen: Set<string>[] = [];
    for await (const tenants of iterateInTenant(setup.b.tenantId, stream())) seen.push(tenants);
    expect(seen).toEqual([new Set([setup.b.tenantId]), new Set([setup.b.tenantId])]);
  });

  it('outside any scope the app client sees no tenant at all', async () => {
    expect(await everything(setup.db.deps.db)).toEqual(new Set());
  });

  it('a repository query with its tenant filter removed still returns only the caller’s patients', async () => {
    vi.spyOn(PatientsRepository.prototype, 'search').mockImplementation((client: Db | Tx) =>
      client.$queryRaw`SELECT id::text AS id, name, phone FROM patient ORDER BY name`,
    );
    const desk = await callerFor(setup.db.deps, setup.a.staff.receptionist.email, setup.a.password);
    const found = await desk.patients.search({ query: 'Mallory' });
    const theirs = await setup.db.sql.query<{ id: string }>('SELECT id::text FROM patient WHERE tenant_id = $1', [setup.b.tenantId]);
    expect(found.length).toBeGreaterThan(0);
    for (const row of theirs.rows) expect(found.map((p) => p.id)).not.toContain(row.id);
  });

  it('a command whose repository lost its tenant filter cannot reach another tenant’s appointment', async () => {
    vi.spyOn(BookingRepository.prototype, 'current').mockImplementation(async (client: Db | Tx, _tenantId: string, appointmentId: string) => {
      const rows = await client.$queryRaw<Awaited<ReturnType<BookingRepository['current']>>[]>`
        SELECT a.id, a.tenant_id AS "tenantId", a.branch_id AS "branchId", a.service_id AS "serviceId", a.patient_id AS "patientId",
               a.status::text AS status, a.starts_at AS "startsAt", a.ends_at AS "endsAt", a.hold_expires_at AS "holdExpiresAt",
               a.version, '{}'::text[] AS "resourceIds"
          FROM appointment a WHERE a.id = ${appointmentId}::uuid`;
      return rows[0] ?? null;
    });
    const desk = await callerFor(setup.db.deps, setup.a.staff.admin.email, setup.a.password);
    const before = await setup.db.sql.query('SELECT status, version FROM appointment WHERE id = $1', [setup.b.appointmentId]);
    const refused = await desk.booking.cancel({ appointmentId: setup.b.appointmentId, version: 1, reason: 'attack' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Error);
    const after = await setup.db.sql.query('SELECT status, version FROM appointment WHERE id = $1', [setup.b.appointmentId]);
    expect(after.rows).toEqual(before.rows);
  });
});

describe('the narrow system paths', () => {
  it('only the runtime role may call the cross-tenant functions, and they do one thing each', async () => {
    // Every function that runs as its owner, whatever its name; the others (frontdesk_schedule_allows…) run as their caller, under row-level security.
    const rows = await setup.db.sql.query<{ name: string; definer: boolean; public: boolean }>(`
      SELECT p.proname AS name, p.prosecdef AS definer, has_function_privilege('public', p.oid, 'EXECUTE') AS public
        FROM pg_proc p WHERE p.prosecdef AND p.pronamespace = 'public'::regnamespace ORDER BY 1`);
    expect(rows.rows).toEqual([
      { name: 'frontdesk_api_client_lookup', definer: true, public: false },
      { name: 'frontdesk_api_token_actor', definer: true, public: false },
      { name: 'frontdesk_archive_events', definer: true, public: false },
      { name: 'frontdesk_claim_first_run', definer: true, public: false },
      { name: 'frontdesk_display_lookup', definer: true, public: false },
      { name: 'frontdesk_due_hold_tenants', definer: true, public: false },
      { name: 'frontdesk_first_run_code_add', definer: true, public: false },
      { name: 'frontdesk_first_run_code_valid', definer: true, public: false },
      { name: 'frontdesk_first_run_open', definer: true, public: false },
      { name: 'frontdesk_login_lookup', definer: true, public: false },
      { name: 'frontdesk_patient_candidates', definer: true, public: false },
      { name: 'frontdesk_session_actor', definer: true, public: false },
      { name: 'frontdesk_session_template_tenants', definer: true, public: false },
      { name: 'frontdesk_waitlist_due_tenants', definer: true, public: false },
    ]);
  });

  it('the log reader’s role reads every tenant’s events and nothing else', async () => {
    const client = new pg.Client({ connectionString: setup.db.deps.urls.sync });
    await client.connect();
    try {
      const events = await client.query<{ n: number }>('SELECT count(DISTINCT tenant_id)::int AS n FROM event');
      expect(events.rows[0]?.n).toBe(2);
      for (const sql of ['SELECT * FROM patient', 'SELECT * FROM staff', `INSERT INTO event (tenant_id, type, payload) VALUES ('${setup.a.tenantId}', 'x', '{}')`]) {
        expect(sqlStateOf(await client.query(sql).catch((e: unknown) => e))).toBe('42501');
      }
      const [me] = (await client.query<{ user: string }>('SELECT current_user AS user')).rows;
      expect(me?.user).toBe(SYNC_ROLE);
    } finally {
      await client.end();
    }
  });
});
