import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '../paths.js';
import { createEmptyDatabase } from '../testing/db.js';
import { isolationDatabase } from '../testing/file-database.js';
import { sqlStateOf } from './errors.js';
import { migrate, migrationNames } from './migrate.js';
import { APP_ROLE } from './roles.js';
import { inTransaction } from './tx.js';

// The schema is ready to shard by tenant (docs/scaling.md): a distributed
// Postgres such as Citus accepts a table's unique and exclusion constraints,
// and its foreign keys to other distributed tables, only when they include
// the distribution column (with `=` in an EXCLUDE). This reads the catalogue
// of a migrated database and lists every place that would refuse.

/** Tables that hold no tenant's rows, and why; in a distributed cluster they stay on the coordinator. */
const GLOBAL_TABLES: Record<string, string> = {
  _prisma_migrations: 'the migrator’s bookkeeping',
  login_attempt: 'written before anyone is known: throttling by the email typed and the client address',
  event_archive_horizon: 'one position in the log, no tenant’s data',
  first_run_code: 'written before any tenant exists: hashes of the first run’s one-time setup codes, deleted when it runs',
};

/** Unique indexes that cannot include the tenant, and why; docs/scaling.md says where they go in a cluster. */
const GLOBAL_UNIQUES: Record<string, string> = {
  staff_email_key: 'sign-in is by email alone, so an email names one account across every clinic',
  staff_session_token_hash_key: 'a request’s bearer token is looked up before its tenant is known',
};

/** The column a table would be distributed by: the tenant's own id, or tenant_id. */
const distributionColumn = (table: string) => (table === 'tenant' ? 'id' : 'tenant_id');

const setup = isolationDatabase();

async function rows<R extends pg.QueryResultRow>(text: string): Promise<R[]> {
  return (await setup.db.sql.query<R>(text)).rows;
}

/** Every ordinary table of the schema, with its tenant column if it has one. */
async function tables(): Promise<{ table: string; tenantColumn: 'uuid not null' | 'uuid null' | null; rls: boolean }[]> {
  return rows(`
    SELECT c.relname AS table, c.relrowsecurity AS rls,
           (SELECT CASE WHEN a.atttypid = 'uuid'::regtype THEN CASE WHEN a.attnotnull THEN 'uuid not null' ELSE 'uuid null' END END
              FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped) AS "tenantColumn"
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
     ORDER BY 1`);
}

async function tenantTables(): Promise<Set<string>> {
  return new Set((await tables()).filter((t) => !(t.table in GLOBAL_TABLES)).map((t) => t.table));
}

describe('every table is sharded by tenant, or is a named global table', () => {
  it('a table without a non-null uuid tenant_id is the tenant itself or on the global list, and every tenant table has row-level security', async () => {
    const violations: string[] = [];
    for (const t of await tables()) {
      if (t.table in GLOBAL_TABLES) continue;
      if (t.table !== 'tenant' && t.tenantColumn !== 'uuid not null') violations.push(`${t.table}: tenant_id is ${t.tenantColumn ?? 'missing'}`);
      if (!t.rls) violations.push(`${t.table}: row-level security is off`);
    }
    expect(violations).toEqual([]);
  });

  it('every unique index, primary key included, leads to one tenant: it includes the distribution column', async () => {
    const tenant = await tenantTables();
    const indexes = await rows<{ table: string; index: string; columns: (string | null)[] }>(`
      SELECT t.relname AS table, i.relname AS index,
             ARRAY(SELECT a.attname::text FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                     LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
                    WHERE k.ord <= x.indnkeyatts ORDER BY k.ord) AS columns
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class t ON t.oid = x.indrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace
       WHERE n.nspname = 'public' AND x.indisunique
       ORDER BY 1, 2`);
    const violations = indexes
      .filter((ix) => tenant.has(ix.table) && !(ix.index in GLOBAL_UNIQUES) && !ix.columns.includes(distributionColumn(ix.table)))
      .map((ix) => `${ix.table}.${ix.index} (${ix.columns.map((c) => c ?? '<expression>').join(', ')})`);
    expect(violations).toEqual([]);
    // An exception that no longer exists is no exception: the list stays true.
    expect(Object.keys(GLOBAL_UNIQUES).filter((name) => !indexes.some((ix) => ix.index === name))).toEqual([]);
  });

  it('every exclusion constraint compares the distribution column with =', async () => {
    const tenant = await tenantTables();
    const constraints = await rows<{ table: string; constraint: string; equal: string[] }>(`
      SELECT t.relname AS table, c.conname AS constraint,
             ARRAY(SELECT a.attname::text FROM unnest(c.conkey, c.conexclop) AS e(attnum, op)
                     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = e.attnum
                     JOIN pg_operator o ON o.oid = e.op
                    WHERE o.oprname = '=') AS equal
        FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
       WHERE n.nspname = 'public' AND c.contype = 'x'
       ORDER BY 1, 2`);
    expect(constraints.length).toBeGreaterThan(0);
    const violations = constraints
      .filter((x) => !tenant.has(x.table) || !x.equal.includes(distributionColumn(x.table)))
      .map((x) => `${x.table}.${x.constraint} (= on ${x.equal.join(', ') || 'nothing'})`);
    expect(violations).toEqual([]);
  });

  it('every foreign key touching a tenant table joins tenant to tenant, between tenant tables', async () => {
    const tenant = await tenantTables();
    const keys = await rows<{ table: string; constraint: string; references: string; pairs: string[] }>(`
      SELECT t.relname AS table, c.conname AS constraint, r.relname AS references,
             ARRAY(SELECT a.attname::text || '=' || ra.attname FROM unnest(c.conkey, c.confkey) AS k(attnum, rattnum)
                     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
                     JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = k.rattnum) AS pairs
        FROM pg_constraint c
        JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
        JOIN pg_class r ON r.oid = c.confrelid
       WHERE n.nspname = 'public' AND c.contype = 'f'
       ORDER BY 1, 2`);
    expect(keys.length).toBeGreaterThan(0);
    const violations = keys
      .filter((k) => tenant.has(k.table) || tenant.has(k.references))
      .filter((k) => !tenant.has(k.table) || !tenant.has(k.references) || !k.pairs.includes(`${distributionColumn(k.table)}=${distributionColumn(k.references)}`))
      .map((k) => `${k.table}.${k.constraint} -> ${k.references} (${k.pairs.join(', ')})`);
    expect(violations).toEqual([]);
  });
});

describe('row-level security is one equality per row', () => {
  it(`every tenant table's policy for ${APP_ROLE} is the distribution column equal to app_tenant_id(), and no policy runs a sub-select`, async () => {
    const tenant = await tenantTables();
    const policies = await rows<{ table: string; policy: string; roles: string[]; qual: string | null; check: string | null }>(`
      SELECT tablename AS table, policyname AS policy, roles::text[] AS roles, qual, with_check AS check
        FROM pg_policies WHERE schemaname = 'public' ORDER BY 1, 2`);
    const violations: string[] = [];
    for (const table of tenant) {
      const expected = `(${distributionColumn(table)} = app_tenant_id())`;
      const mine = policies.find((p) => p.table === table && p.policy === 'tenant_isolation');
      if (!mine) violations.push(`${table}: no tenant_isolation policy`);
      else if (mine.roles.join() !== APP_ROLE || mine.qual !== expected || ![null, expected].includes(mine.check)) {
        violations.push(`${table}: tenant_isolation is ${mine.roles.join()} USING ${mine.qual} WITH CHECK ${mine.check}`);
      }
    }
    for (const p of policies) if (/\b(select|exists)\b/i.test(`${p.qual} ${p.check}`)) violations.push(`${p.table}.${p.policy} runs a sub-select`);
    expect(violations).toEqual([]);
  });
});

describe('a child row carries its parent’s tenant', () => {
  it('written in a tenant transaction without a tenant_id, it takes the transaction’s tenant', async () => {
    const { a } = setup;
    const hours = await inTransaction(setup.db.deps.db, { tenantId: a.tenantId }, (tx) =>
      tx.workingHours.create({ data: { resourceId: a.resources.drKim as string, branchId: a.branches.east, weekday: 7, startMinute: 600, endMinute: 660 }, select: { id: true, tenantId: true } }),
    );
    expect(hours.tenantId).toBe(a.tenantId);
  });

  it('it cannot point at another tenant’s parent, even where the policy would let it through', async () => {
    const { a, b } = setup;
    const crossed = await inTransaction(setup.db.deps.db, { tenantId: a.tenantId }, (tx) =>
      tx.$executeRaw`INSERT INTO resource_branch (resource_id, branch_id) VALUES (${a.resources.drKim}::uuid, ${b.branches.east}::uuid)`,
    ).catch((e: unknown) => e);
    expect(sqlStateOf(crossed)).toBe('23503');
  });

  it('written by the owner with no tenant set and no tenant_id, it is refused rather than left without a tenant', async () => {
    const orphan = await setup.db.sql.query(`INSERT INTO service_requirement (service_id, kind) VALUES ($1, 'ROOM')`, [setup.a.services.gp]).catch((e: unknown) => e);
    expect(sqlStateOf(orphan)).toBe('23502');
  });
});

describe('the migration that added the tenant to child tables', () => {
  it('gives every existing child row its parent’s tenant', async () => {
    const scratch = await createEmptyDatabase();
    const before = await mkdtemp(path.join(tmpdir(), 'frontdesk-migrations-'));
    try {
      for (const name of (await migrationNames()).filter((n) => n < TENANT_KEYS_MIGRATION)) await cp(path.join(MIGRATIONS_DIR, name), path.join(before, name), { recursive: true });
      await migrate(scratch.url, before);
      const tenants = [await oldSchemaClinic(scratch.sql), await oldSchemaClinic(scratch.sql)];
      expect((await migrate(scratch.url)).applied).toContain(TENANT_KEYS_MIGRATION);
      const found = await scratch.sql.query<{ table: string; tenants: string[] }>(
        CHILD_TABLES.map((t) => `SELECT '${t}' AS table, array_agg(tenant_id::text ORDER BY tenant_id) AS tenants FROM ${t}`).join(' UNION ALL '),
      );
      const expected = [...tenants].sort();
      for (const row of found.rows) expect({ table: row.table, tenants: row.tenants }).toEqual({ table: row.table, tenants: expected });
    } finally {
      await rm(before, { recursive: true, force: true });
      await scratch.drop();
    }
  });
});

const TENANT_KEYS_MIGRATION = '20261123060000_tenant_keys';
const CHILD_TABLES = ['resource_branch', 'working_hours', 'service_requirement', 'service_price', 'appointment_product', 'staff_branch', 'staff_session'];

/** One row in each child table, written the way the schema before the migration took them (no tenant_id); returns the tenant. */
async function oldSchemaClinic(sql: pg.Pool): Promise<string> {
  const [row] = (
    await sql.query<{ tenant: string }>(`
      WITH t AS (INSERT INTO tenant (name) VALUES ('Old clinic') RETURNING id),
      b AS (INSERT INTO branch (tenant_id, name, time_zone) SELECT id, 'East', 'America/New_York' FROM t RETURNING id, tenant_id),
      r AS (INSERT INTO resource (tenant_id, kind, name) SELECT id, 'ROOM', 'Room 1' FROM t RETURNING id),
      rb AS (INSERT INTO resource_branch (resource_id, branch_id) SELECT r.id, b.id FROM r, b RETURNING resource_id, branch_id),
      wh AS (INSERT INTO working_hours (resource_id, branch_id, weekday, start_minute, end_minute) SELECT resource_id, branch_id, 1, 540, 1020 FROM rb),
      s AS (INSERT INTO service (tenant_id, name, duration_min, price_cents) SELECT id, 'Consult', 15, 5000 FROM t RETURNING id, tenant_id),
      sr AS (INSERT INTO service_requirement (service_id, kind) SELECT id, 'ROOM' FROM s),
      sp AS (INSERT INTO service_price (service_id, branch_id, price_cents) SELECT s.id, b.id, 4500 FROM s, b),
      p AS (INSERT INTO product (tenant_id, name, price_cents) SELECT id, 'Brush', 900 FROM t RETURNING id),
      st AS (INSERT INTO staff (tenant_id, email, name, role, password_hash) SELECT id, gen_random_uuid() || '@old.test', 'Old desk', 'RECEPTIONIST', 'x' FROM t RETURNING id),
      sb AS (INSERT INTO staff_branch (staff_id, branch_id) SELECT st.id, b.id FROM st, b),
      ss AS (INSERT INTO staff_session (staff_id, token_hash, expires_at) SELECT id, gen_random_uuid()::text, now() + interval '1 day' FROM st),
      ap AS (
        INSERT INTO appointment (tenant_id, branch_id, service_id, status, starts_at, ends_at, price_cents, created_by)
        SELECT b.tenant_id, b.id, s.id, 'CANCELLED', now(), now() + interval '15 minutes', 5000, st.id FROM b, s, st RETURNING id
      ),
      apl AS (INSERT INTO appointment_product (appointment_id, product_id, quantity, unit_price_cents) SELECT ap.id, p.id, 1, 900 FROM ap, p)
      SELECT id::text AS tenant FROM t`)
  ).rows;
  return row?.tenant as string;
}
