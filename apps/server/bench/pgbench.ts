import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { databaseUrls, ensureRuntimeRoles } from '../src/db/roles.js';
import { seedBenchClinic } from './booking.js';
import { round } from './stats.js';

// The ceilings: what Postgres itself does per second on this machine for a
// guarded booking, measured by pgbench (a C client) on the bench database in
// the same run as the full stack. Scripts:
//   lean          an exclusion-guarded insert + an event row (tables of their own in schema `bench`)
//   leanNotify    the same plus a NOTIFY in the transaction
//   frontdesk     Frontdesk's booking transaction as the server sends it (capture-booking-sql.ts shows it),
//                 as the runtime role under row-level security
//   frontdeskOwner        the same as the owner (no role switch; a superuser owner bypasses the policies)
//   frontdeskNotifyInTx   the same with the event trigger's NOTIFY inside the transaction (app.wakes_readers off)
//   frontdeskRequest      every statement one `book` request sends: the session lookup, then the transaction
// If the server's hot path changes its SQL, the `frontdesk*` scripts below must follow it.

export const PGBENCH = process.env.PGBENCH ?? '/usr/bin/pgbench';
const DAY_S = 86_400;

export interface PgbenchFigure {
  script: string;
  clients: number;
  seconds: number;
  transactions: number;
  failed: number;
  tps: number;
  latencyAvgMs: number;
}

export type CeilingsResult =
  | { skipped: string }
  | {
      pgbench: string;
      mode: 'prepared';
      lean: PgbenchFigure;
      leanNotify: PgbenchFigure;
      frontdesk: PgbenchFigure;
      frontdeskOwner: PgbenchFigure & { ownerIsSuperuser: boolean };
      /** The same with app.wakes_readers off: the event trigger NOTIFYs inside the transaction (the way before readers were woken after commit). */
      frontdeskNotifyInTx: PgbenchFigure;
      frontdeskRequest: PgbenchFigure;
    };

/** pgbench's version line, or null when it is not installed. */
export function pgbenchVersion(): string | null {
  if (!existsSync(PGBENCH)) return null;
  const run = spawnSync(PGBENCH, ['--version'], { encoding: 'utf8' });
  return run.status === 0 ? run.stdout.trim() : null;
}

const PAYLOAD = JSON.stringify({
  appointment: {
    id: '00000000-0000-4000-8000-000000000000', note: '', endsAt: '2026-12-28T00:10:00.000Z', status: 'BOOKED',
    patient: { id: '00000000-0000-4000-8000-000000000001', name: 'Bench patient 1', phone: '+1 555 1' }, version: 1,
    branchId: '00000000-0000-4000-8000-000000000002', products: [], startsAt: '2026-12-28T00:00:00.000Z',
    createdBy: '00000000-0000-4000-8000-000000000003',
    resources: [{ endsAt: '2026-12-28T00:10:00.000Z', startsAt: '2026-12-28T00:00:00.000Z', resourceId: '00000000-0000-4000-8000-000000000004' }],
    serviceId: '00000000-0000-4000-8000-000000000005', updatedAt: '2026-11-23T17:03:43.782Z', priceCents: 5000, checkedInAt: null,
    completedAt: null, serviceName: 'Bench consult', cancelReason: null, cancelledLate: false, holdExpiresAt: null,
    cancelReasonCode: null, keptOutsideHours: false, consultationStartedAt: null,
  },
});

// Each client walks forward in time on its own resource (and patient), so nothing conflicts: a throughput ceiling.
const WALK = `\\set n :n + 1
\\set start :t0 + (:n * 600)
\\set aid :run * 1000000000 + :client_id * 10000000 + :n
`;

const LEAN = `${WALK}BEGIN;
INSERT INTO bench.slot (tenant_id, resource_id, starts_at, ends_at) VALUES (:tenant::uuid, :run * 1000 + :client_id, to_timestamp(:start), to_timestamp(:start + 600));
INSERT INTO bench.event (tenant_id, type, payload) VALUES (:tenant::uuid, 'appointment.booked', :payload::jsonb);
`;
const LEAN_SCRIPT = `${LEAN}END;\n`;
const LEAN_NOTIFY_SCRIPT = `${LEAN}SELECT pg_notify('bench_events', '');\nEND;\n`;

const APPOINTMENT_ID = `('a0000000-0000-4000-8000-' || lpad(to_hex(:aid::bigint), 12, '0'))::uuid`;

/**
 * The booking transaction, statement for statement as the server sends it
 * (captured with capture-booking-sql.ts), values from the client's own row in
 * bench.client: scope (and, with :wakes on, "this process wakes the log
 * readers after commit", so the event trigger does not NOTIFY), the slot check
 * under the tenant's policies, the slot's advisory locks tried in the
 * appointment's insert, which returns its view, occupancy + event with the clinic's message settings
 * read in the same statement. The server sends BEGIN and the scope as one
 * simple query (one round trip); pgbench's prepared mode sends them as two.
 */
const BOOKING_TX = `\\set k1 hash(:client_id * 1000003 + :start / ${DAY_S})
\\set k2 hash(:client_id * 1000003 + 500 + :start / ${DAY_S})
\\set lo least(:k1, :k2)
\\set hi greatest(:k1, :k2)
BEGIN;
SELECT set_config('app.wakes_readers', :wakes, true), set_config('app.tenant_id', :tenant, true);
SELECT 'appointment' AS "source", ar.resource_id AS "resourceId", a.branch_id AS "branchId", a.id AS "id", a.status::text AS "status", ar.starts_at AS "startsAt", ar.ends_at AS "endsAt", '' AS "reason"
  FROM appointment_resource ar
  CROSS JOIN LATERAL (SELECT a.id, a.branch_id, a.status, a.hold_expires_at FROM appointment a WHERE a.tenant_id = ar.tenant_id AND a.id = ar.appointment_id LIMIT 1) a
 WHERE ar.tenant_id = :tenant::uuid AND ar.resource_id = ANY (ARRAY(SELECT resource_id FROM bench.client WHERE n = :client_id)) AND ar.active
   AND ar.starts_at < to_timestamp(:start + 600) AND ar.ends_at > to_timestamp(:start) AND ar.starts_at > to_timestamp(:start) - interval '24 hours'
   AND NOT (a.status = 'HELD' AND a.hold_expires_at <= now()) AND (NULL::uuid IS NULL OR a.id <> NULL::uuid)
UNION ALL
SELECT 'time_off', t.resource_id, t.branch_id, t.id, t.kind::text, t.starts_at, t.ends_at, t.reason
  FROM time_off t
 WHERE t.tenant_id = :tenant::uuid AND t.starts_at < to_timestamp(:start + 600) AND t.ends_at > to_timestamp(:start)
   AND (t.resource_id = ANY (ARRAY(SELECT resource_id FROM bench.client WHERE n = :client_id)) OR (t.resource_id IS NULL AND t.branch_id = ANY (ARRAY[:branch::uuid])));
WITH locked AS MATERIALIZED (SELECT pg_try_advisory_xact_lock(:lo::bigint) AND pg_try_advisory_xact_lock(:hi::bigint) AS taken),
a AS (
  INSERT INTO appointment (id, tenant_id, branch_id, service_id, patient_id, status, starts_at, ends_at, hold_expires_at, hold_session_id, price_cents, note, created_by, series_id, series_index)
  SELECT ${APPOINTMENT_ID}, :tenant::uuid, :branch::uuid, :service::uuid, c.patient_id, 'BOOKED'::"AppointmentStatus", to_timestamp(:start), to_timestamp(:start + 600), NULL::timestamptz, NULL::uuid, 5000, '', :staff::uuid, NULL::uuid, NULL::int FROM bench.client c, locked WHERE c.n = :client_id AND locked.taken
  RETURNING *)
SELECT a.id, a.branch_id AS "branchId", a.service_id AS "serviceId", a.status::text AS status, a.starts_at AS "startsAt", a.ends_at AS "endsAt", a.hold_expires_at AS "holdExpiresAt", a.version, a.price_cents AS "priceCents", a.note, a.cancel_reason AS "cancelReason", a.created_by AS "createdBy", a.updated_at AS "updatedAt", a.kept_outside_hours AS "keptOutsideHours", a.checked_in_at AS "checkedInAt", a.consultation_started_at AS "consultationStartedAt", a.completed_at AS "completedAt", a.cancel_reason_code AS "cancelReasonCode", a.cancelled_late AS "cancelledLate", json_build_object('name', s.name) AS service, CASE WHEN p.id IS NULL THEN NULL ELSE json_build_object('id', p.id, 'name', p.name, 'phone', p.phone) END AS patient,
       a.series_index AS "seriesIndex", CASE WHEN sr.id IS NULL THEN NULL ELSE json_build_object('id', sr.id, 'occurrenceCount', sr.occurrence_count) END AS series
  FROM a JOIN service s ON s.id = a.service_id LEFT JOIN patient p ON p.id = a.patient_id LEFT JOIN series sr ON sr.tenant_id = a.tenant_id AND sr.id = a.series_id;
WITH alongside0 AS (
  INSERT INTO appointment_resource (appointment_id, resource_id, tenant_id, starts_at, ends_at)
  SELECT ${APPOINTMENT_ID}, c.resource_id, :tenant::uuid, to_timestamp(:start), to_timestamp(:start + 600) FROM bench.client c WHERE c.n = :client_id),
alongside1 AS (
  INSERT INTO "event" ("tenant_id", "branch_id", "type", "aggregate_id", "patient_id", "payload", "actor_id", "desk")
  VALUES (:tenant::uuid, :branch::uuid, 'appointment.booked', ${APPOINTMENT_ID}, (SELECT patient_id FROM bench.client WHERE n = :client_id), :payload::jsonb, :staff::uuid, 'bench'))
SELECT s.enabled, s.reminder_hours AS "reminderHours", s.quiet_start_min AS "quietStartMin", s.quiet_end_min AS "quietEndMin",
  COALESCE((SELECT json_agg(json_build_object('id', p.id, 'email', p.email, 'phone', p.phone, 'preferred', p.preferred_contact)) FROM patient p WHERE p.tenant_id = s.tenant_id AND p.id = ANY(ARRAY(SELECT patient_id FROM bench.client WHERE n = :client_id)) AND p.consent_to_messages), '[]') AS patients,
  COALESCE((SELECT json_agg(json_build_object('id', b.id, 'zone', b.time_zone)) FROM branch b WHERE b.tenant_id = s.tenant_id AND b.id = ANY(ARRAY[:branch::uuid])), '[]') AS branches,
  (SELECT array_agg(DISTINCT x.appointment_id::text) FROM message x WHERE x.tenant_id = s.tenant_id AND x.appointment_id = ANY('{}'::uuid[])) AS told
  FROM message_settings s WHERE s.tenant_id = :tenant::uuid AND cardinality(s.enabled) > 0;
COMMIT;
`;
const FRONTDESK_SCRIPT = `${WALK}${BOOKING_TX}`;

/** What one `book` request sends in all: the session lookup (outside the transaction), then the booking transaction. */
const REQUEST_SCRIPT = `${WALK}SELECT * FROM frontdesk_session_actor(:token_hash, now(), '{CALL_CENTRE,ADMIN}'::text[]);
${BOOKING_TX}`;

interface Conn {
  host: string;
  port: string;
  user: string;
  password: string;
  database: string;
}

function connOf(url: string): Conn {
  const u = new URL(url);
  return { host: u.hostname, port: u.port || '5432', user: decodeURIComponent(u.username), password: decodeURIComponent(u.password), database: u.pathname.slice(1) };
}

/** Runs one pgbench script and reads its summary. */
async function runPgbench(dir: string, name: string, script: string, conn: Conn, opts: { clients: number; seconds: number; vars: Record<string, string> }): Promise<PgbenchFigure> {
  const file = path.join(dir, `${name}.sql`);
  await writeFile(file, script);
  const args = ['-n', '-M', 'prepared', '-c', String(opts.clients), '-j', String(Math.min(opts.clients, os.cpus().length)), '-T', String(opts.seconds), '-f', file];
  args.push('-h', conn.host, '-p', conn.port, '-U', conn.user, conn.database);
  for (const [k, v] of Object.entries(opts.vars)) args.push('-D', `${k}=${v}`);
  const child = spawn(PGBENCH, args, { env: { ...process.env, PGPASSWORD: conn.password }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const tps = out.match(/tps = ([\d.]+) \(without initial connection time\)/);
  if (code !== 0 || !tps) throw new Error(`pgbench ${name} failed (${code}):\n${out}\n${err.split('\n').slice(0, 8).join('\n')}`);
  const processed = Number(out.match(/number of transactions actually processed: (\d+)/)?.[1] ?? Number.NaN);
  const failed = Number(out.match(/number of failed transactions: (\d+)/)?.[1] ?? 0);
  const latency = Number(out.match(/latency average = ([\d.]+) ms/)?.[1] ?? Number.NaN);
  return { script: name, clients: opts.clients, seconds: opts.seconds, transactions: processed, failed, tps: round(Number(tps[1]), 1), latencyAvgMs: latency };
}

/** The bench schema: the lean tables, and one row per pgbench client naming its resource and patient in a clinic of its own. */
async function prepare(ownerUrl: string, clients: number) {
  const clinic = await seedBenchClinic(ownerUrl, { resources: clients, patients: clients });
  const db = new pg.Client({ connectionString: ownerUrl });
  await db.connect();
  try {
    await db.query(`
      CREATE SCHEMA IF NOT EXISTS bench;
      CREATE TABLE IF NOT EXISTS bench.slot (
        tenant_id uuid NOT NULL, resource_id int NOT NULL, starts_at timestamptz NOT NULL, ends_at timestamptz NOT NULL, active boolean NOT NULL DEFAULT true,
        CONSTRAINT slot_no_overlap EXCLUDE USING gist (tenant_id WITH =, resource_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) WHERE (active));
      CREATE TABLE IF NOT EXISTS bench.event (
        seq bigserial PRIMARY KEY, tx_id xid8 NOT NULL DEFAULT pg_current_xact_id(), tenant_id uuid NOT NULL, type text NOT NULL,
        payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
      CREATE UNIQUE INDEX IF NOT EXISTS bench_event_tx_seq ON bench.event (tx_id, seq);
      CREATE TABLE IF NOT EXISTS bench.client (n int PRIMARY KEY, resource_id uuid NOT NULL, patient_id uuid NOT NULL);
      GRANT USAGE ON SCHEMA bench TO frontdesk_app;
      GRANT SELECT ON bench.client TO frontdesk_app;`);
    await db.query(`INSERT INTO bench.client (n, resource_id, patient_id) SELECT g - 1, r[g], p[g] FROM generate_series(1, $3) g, (SELECT $1::uuid[] AS r, $2::uuid[] AS p) ids`, [clinic.resources, clinic.patients, clients]);
    const staffId = (await db.query(`SELECT id FROM staff WHERE email = $1`, [clinic.staffEmail])).rows[0].id as string;
    // A live sign-in for the request script's session lookup.
    const tokenHash = `pgbench-${clinic.tenantId}`;
    await db.query(`INSERT INTO staff_session (tenant_id, staff_id, token_hash, desk, expires_at) VALUES ($3, $1, $2, 'pgbench', now() + interval '1 day')`, [staffId, tokenHash, clinic.tenantId]);
    const superuser = (await db.query(`SELECT rolsuper FROM pg_roles WHERE rolname = current_user`)).rows[0].rolsuper as boolean;
    return { clinic, staffId, tokenHash, superuser };
  } finally {
    await db.end();
  }
}

/**
 * Every ceiling on `ownerUrl`'s database, one script after the other, with
 * `clients` connections for `seconds` each. Skips, saying why, without pgbench.
 */
export async function benchCeilings(ownerUrl: string, opts: { clients: number; seconds: number; firstDay: number }): Promise<CeilingsResult> {
  const version = pgbenchVersion();
  if (!version) return { skipped: `pgbench not found at ${PGBENCH} (Debian: apt-get install postgresql-client-15, as .ci/run does); ceilings not measured` };
  const urls = databaseUrls(ownerUrl);
  await ensureRuntimeRoles(urls);
  const { clinic, staffId, tokenHash, superuser } = await prepare(ownerUrl, opts.clients);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'frontdesk-pgbench-'));
  try {
    const owner = connOf(ownerUrl);
    const app = connOf(urls.app);
    let run = 0;
    const vars = () => {
      run++;
      // Each run in its own month, so no run meets another's rows.
      return { n: '0', run: String(run), t0: String(opts.firstDay * DAY_S + run * 30 * DAY_S), tenant: clinic.tenantId, branch: clinic.branchId, service: clinic.serviceId, staff: staffId, token_hash: tokenHash, payload: PAYLOAD, wakes: 'on' };
    };
    const o = { clients: opts.clients, seconds: opts.seconds };
    const lean = await runPgbench(dir, 'lean', LEAN_SCRIPT, owner, { ...o, vars: vars() });
    const leanNotify = await runPgbench(dir, 'lean-notify', LEAN_NOTIFY_SCRIPT, owner, { ...o, vars: vars() });
    const frontdesk = await runPgbench(dir, 'frontdesk', FRONTDESK_SCRIPT, app, { ...o, vars: vars() });
    const frontdeskOwner = await runPgbench(dir, 'frontdesk-owner', FRONTDESK_SCRIPT, owner, { ...o, vars: vars() });
    const frontdeskNotifyInTx = await runPgbench(dir, 'frontdesk-notify-in-tx', FRONTDESK_SCRIPT, app, { ...o, vars: { ...vars(), wakes: 'off' } });
    const frontdeskRequest = await runPgbench(dir, 'frontdesk-request', REQUEST_SCRIPT, app, { ...o, vars: vars() });
    return { pgbench: version, mode: 'prepared', lean, leanNotify, frontdesk, frontdeskOwner: { ...frontdeskOwner, ownerIsSuperuser: superuser }, frontdeskNotifyInTx, frontdeskRequest };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
