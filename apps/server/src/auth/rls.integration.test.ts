import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlStateOf } from '../db/errors.js';
import { enterTenant } from '../db/tenant-db.js';
import { withTenantScope } from '../db/request-scope.js';
import { inTransaction } from '../db/tx.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { seedIsolationClinic, type IsolationClinic } from '../testing/tenants.js';

let db: TestDatabase;
let a: IsolationClinic;
let b: IsolationClinic;

beforeAll(async () => {
  db = await createTestDatabase();
  a = await seedIsolationClinic(db.deps.db, 'a');
  b = await seedIsolationClinic(db.deps.db, 'b');
});
afterAll(() => db.drop());

const TENANT_TABLES = ['branch', 'resource', 'time_off', 'service', 'product', 'product_stock', 'patient', 'staff', 'appointment', 'appointment_resource', 'capacity_session', 'token', 'event'];

describe('row-level security, with the application tenant filter removed', () => {
  it.each(TENANT_TABLES)('SELECT * FROM %s in a transaction of tenant A returns only tenant A rows', async (table) => {
    const tenants = await inTransaction(db.deps.db, { tenantId: a.tenantId }, async (tx) => {
      await enterTenant(tx, a.tenantId);
      return tx.$queryRawUnsafe<{ tenant_id: string }[]>(`SELECT tenant_id::text FROM "${table}"`);
    });
    expect(tenants.length).toBeGreaterThan(0);
    expect(new Set(tenants.map((r) => r.tenant_id))).toEqual(new Set([a.tenantId]));
  });

  it('tables without tenant_id follow their parent: hours, prices, requirements, staff branches, tenant', async () => {
    const seen = await inTransaction(db.deps.db, { tenantId: a.tenantId }, async (tx) => {
      await enterTenant(tx, a.tenantId);
      const [rows] = await tx.$queryRaw<{ tenants: number; foreign: number }[]>`
        SELECT (SELECT count(*)::int FROM tenant) AS tenants,
               (SELECT count(*)::int FROM working_hours WHERE branch_id IN (${b.branches.east}::uuid, ${b.branches.west}::uuid))
             + (SELECT count(*)::int FROM resource_branch WHERE branch_id IN (${b.branches.east}::uuid, ${b.branches.west}::uuid))
             + (SELECT count(*)::int FROM service_price WHERE branch_id IN (${b.branches.east}::uuid, ${b.branches.west}::uuid))
             + (SELECT count(*)::int FROM service_requirement WHERE service_id = ${b.services.gp}::uuid)
             + (SELECT count(*)::int FROM staff_branch WHERE staff_id = ${b.staff.receptionist.id}::uuid) AS foreign`;
      return rows;
    });
    expect(seen).toEqual({ tenants: 1, foreign: 0 });
  });

  it("a row with tenant B's id cannot be inserted or moved into tenant B from tenant A's transaction", async () => {
    const insert = await inTransaction(db.deps.db, { tenantId: a.tenantId }, async (tx) => {
      await enterTenant(tx, a.tenantId);
      return tx.$executeRaw`INSERT INTO patient (tenant_id, name, phone) VALUES (${b.tenantId}::uuid, 'Mallory', '+1 000')`;
    }).catch((e: unknown) => e);
    expect(sqlStateOf(insert)).toBe('42501');

    const move = await inTransaction(db.deps.db, { tenantId: a.tenantId }, async (tx) => {
      await enterTenant(tx, a.tenantId);
      return tx.$executeRaw`UPDATE patient SET tenant_id = ${b.tenantId}::uuid WHERE id = ${a.patients[0]}::uuid`;
    }).catch((e: unknown) => e);
    expect(sqlStateOf(move)).toBe('42501');

    const touched = await inTransaction(db.deps.db, { tenantId: a.tenantId }, async (tx) => {
      await enterTenant(tx, a.tenantId);
      return tx.$executeRaw`UPDATE patient SET name = 'Mallory' WHERE tenant_id = ${b.tenantId}::uuid`;
    });
    expect(touched).toBe(0);
    const names = await db.sql.query(`SELECT count(*)::int AS n FROM patient WHERE name = 'Mallory'`);
    expect(names.rows[0].n).toBe(0);
  });

  it('a read procedure runs whole under the tenant: a query with no tenant filter sees only its rows', async () => {
    // deps.db is what every repository holds; inside the scope it is the request's transaction.
    const seen = await withTenantScope(db.deps.db, b.tenantId, async () => ({
      patients: await db.deps.db.patient.findMany({ select: { tenantId: true } }),
      appointments: await db.deps.db.appointment.findMany({ select: { id: true } }),
      raw: await db.deps.db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM event WHERE tenant_id = ${a.tenantId}::uuid`,
      role: await db.deps.db.$queryRaw<{ role: string }[]>`SELECT current_user AS role`,
    }));
    expect(new Set(seen.patients.map((p) => p.tenantId))).toEqual(new Set([b.tenantId]));
    expect(seen.appointments.map((x) => x.id)).toEqual([b.appointmentId]);
    expect(seen.raw[0]?.n).toBe(0);
    expect(seen.role[0]?.role).toBe('frontdesk_app');
    // Outside a request scope the same client is the system's again.
    expect(new Set((await db.deps.db.patient.findMany({ select: { tenantId: true } })).map((p) => p.tenantId)).size).toBe(2);
  });

  it('every tenant transaction drops to the app role: a forgotten filter sees one tenant', async () => {
    const seen = await inTransaction(db.deps.db, { tenantId: a.tenantId }, (tx) =>
      tx.appointment.findMany({ select: { tenantId: true } }),
    );
    expect(new Set(seen.map((r) => r.tenantId))).toEqual(new Set([a.tenantId]));
  });

  it('system work with no tenant set still sees every tenant', async () => {
    const count = await db.deps.db.tenant.count();
    expect(count).toBe(2);
    const both = await db.deps.db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT set_config('role', 'frontdesk_app', true)`;
      return tx.$queryRaw<{ n: number }[]>`SELECT count(DISTINCT tenant_id)::int AS n FROM appointment`;
    });
    expect(both[0]?.n).toBe(2);
  });
});
