import { createHash, randomUUID } from 'node:crypto';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import pg from 'pg';
import type { AppRouter } from '../src/router.js';
import { hashPassword } from '../src/auth/password.js';
import { percentile, round } from './stats.js';

// The booking benchmarks: hot contention and throughput over the real
// HTTP/tRPC stack, and the same booking transaction sent straight to Postgres
// with pg as the ceiling.

export const BENCH_PASSWORD = 'bench-password';
const MINUTE = 60_000;
const DAY = 86_400_000;

export interface BenchClinic {
  tenantId: string;
  branchId: string;
  serviceId: string;
  staffEmail: string;
  resources: string[];
  patients: string[];
  durationMin: number;
}

/** A clinic made for load: many practitioners working around the clock. */
export async function seedBenchClinic(databaseUrl: string, opts: { resources: number; patients: number }): Promise<BenchClinic> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const tag = randomUUID().slice(0, 8);
    await client.query('BEGIN');
    const tenantId = (await client.query(`INSERT INTO tenant (name) VALUES ($1) RETURNING id`, [`Bench ${tag}`])).rows[0].id as string;
    const branchId = (await client.query(`INSERT INTO branch (tenant_id, name, time_zone) VALUES ($1, 'Bench branch', 'America/New_York') RETURNING id`, [tenantId])).rows[0].id as string;
    const resources = (
      await client.query(`INSERT INTO resource (tenant_id, kind, name, tags) SELECT $1, 'PRACTITIONER', 'Bench practitioner ' || g, ARRAY['bench'] FROM generate_series(1, $2) g RETURNING id`, [tenantId, opts.resources])
    ).rows.map((r) => r.id as string);
    await client.query(`INSERT INTO resource_branch (tenant_id, resource_id, branch_id) SELECT $3, unnest($1::uuid[]), $2`, [resources, branchId, tenantId]);
    await client.query(`INSERT INTO working_hours (tenant_id, resource_id, branch_id, weekday, start_minute, end_minute) SELECT $3, r, $2, d, 0, 1440 FROM unnest($1::uuid[]) r, generate_series(1, 7) d`, [resources, branchId, tenantId]);
    const durationMin = 10;
    const serviceId = (await client.query(`INSERT INTO service (tenant_id, name, duration_min, price_cents) VALUES ($1, 'Bench consult', $2, 5000) RETURNING id`, [tenantId, durationMin])).rows[0].id as string;
    await client.query(`INSERT INTO service_requirement (tenant_id, service_id, kind, tag) VALUES ($2, $1, 'PRACTITIONER', 'bench')`, [serviceId, tenantId]);
    const patients = (
      await client.query(`INSERT INTO patient (tenant_id, name, phone) SELECT $1, 'Bench patient ' || g, '+1 555 ' || g FROM generate_series(1, $2) g RETURNING id`, [tenantId, opts.patients])
    ).rows.map((r) => r.id as string);
    const staffEmail = `callcentre@${tag}.bench.test`;
    await client.query(`INSERT INTO staff (tenant_id, email, name, role, password_hash) VALUES ($1, $2, 'Bench agent', 'CALL_CENTRE', $3)`, [tenantId, staffEmail, await hashPassword(BENCH_PASSWORD)]);
    await client.query('COMMIT');
    return { tenantId, branchId, serviceId, staffEmail, resources, patients, durationMin };
  } finally {
    await client.end();
  }
}

export interface LoadResult {
  clients: number;
  attempts: number;
  succeeded: number;
  conflicts: number;
  errors: number;
  seconds: number;
  attemptsPerSecond: number;
  bookingsPerSecond: number;
  conflictRate: number;
  p50Ms: number;
  p99Ms: number;
}


function summarize(clients: number, latencies: number[], outcomes: { ok: number; conflict: number; error: number }, seconds: number): LoadResult {
  latencies.sort((a, b) => a - b);
  const attempts = outcomes.ok + outcomes.conflict + outcomes.error;
  return {
    clients,
    attempts,
    succeeded: outcomes.ok,
    conflicts: outcomes.conflict,
    errors: outcomes.error,
    seconds: round(seconds),
    attemptsPerSecond: round(attempts / seconds, 1),
    bookingsPerSecond: round(outcomes.ok / seconds, 1),
    conflictRate: round(outcomes.conflict / Math.max(1, attempts), 3),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
  };
}

/** Runs `clients` loops of `attempt` for `durationMs` and times each attempt. */
export async function drive(clients: number, durationMs: number, attempt: (client: number, n: number) => Promise<'ok' | 'conflict'>): Promise<LoadResult> {
  const latencies: number[] = [];
  const outcomes = { ok: 0, conflict: 0, error: 0 };
  const firstErrors: unknown[] = [];
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let n = 0; performance.now() < deadline; n++) {
        const t0 = performance.now();
        try {
          outcomes[await attempt(c, n)]++;
        } catch (error) {
          outcomes.error++;
          if (firstErrors.length < 3) firstErrors.push(error);
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  if (firstErrors.length) console.error('bench: unexpected errors, e.g.', firstErrors);
  return summarize(clients, latencies, outcomes, (performance.now() - started) / 1000);
}

export function trpcClient(url: string, token?: string) {
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${url}/trpc`, headers: () => (token ? { authorization: `Bearer ${token}` } : {}) })],
  });
}

/** The first instant of a bench day (far enough ahead never to be "in the past"). */
export function benchDay(offsetDays: number): number {
  const today = Math.floor(Date.now() / DAY) * DAY;
  return today + (30 + offsetDays) * DAY;
}

/**
 * Many desks racing over HTTP for a handful of practitioners and a handful of
 * start times: most attempts lose, and SQL must find no overlap afterwards.
 */
export async function benchHotContention(url: string, clinic: BenchClinic, opts: { clients: number; resources: number; durationMs: number; dayOffset: number }): Promise<LoadResult> {
  const token = (await trpcClient(url).auth.login.mutate({ email: clinic.staffEmail, password: BENCH_PASSWORD, desk: 'bench' })).token;
  const clients = Array.from({ length: opts.clients }, () => trpcClient(url, token));
  const day = benchDay(opts.dayOffset);
  const resources = clinic.resources.slice(0, opts.resources);
  let patient = 0;
  return drive(opts.clients, opts.durationMs, async (c, n) => {
    // Starts on a 5-minute grid over two hours: 10-minute visits overlap their neighbours.
    const slot = (c * 7 + n * 13) % 24;
    try {
      await clients[c]!.booking.book.mutate({
        branchId: clinic.branchId,
        serviceId: clinic.serviceId,
        resourceIds: [resources[(c + n) % resources.length]!],
        startsAt: new Date(day + 9 * 60 * MINUTE + slot * 5 * MINUTE).toISOString(),
        patientId: clinic.patients[patient++ % clinic.patients.length]!,
      });
      return 'ok';
    } catch (error) {
      if (error instanceof TRPCClientError && (error.data as { domain?: { code?: string } } | undefined)?.domain?.code === 'SLOT_TAKEN') return 'conflict';
      throw error;
    }
  });
}

/** Each desk books its own practitioners' free times: the throughput of the whole stack. */
export async function benchThroughput(urls: string | readonly string[], clinic: BenchClinic, opts: { clients: number; durationMs: number; dayOffset: number }): Promise<LoadResult> {
  const servers = typeof urls === 'string' ? [urls] : urls;
  const token = (await trpcClient(servers[0]!).auth.login.mutate({ email: clinic.staffEmail, password: BENCH_PASSWORD, desk: 'bench' })).token;
  // Desks spread over the server processes, as behind a load balancer.
  const clients = Array.from({ length: opts.clients }, (_, i) => trpcClient(servers[i % servers.length]!, token));
  const day = benchDay(opts.dayOffset);
  return drive(opts.clients, opts.durationMs, async (c, n) => {
    const { resourceId, patientId, start } = ownSlot(clinic, opts.clients, c, n, day);
    await clients[c]!.booking.book.mutate({ branchId: clinic.branchId, serviceId: clinic.serviceId, resourceIds: [resourceId], startsAt: new Date(start).toISOString(), patientId });
    return 'ok';
  });
}

/**
 * Bookings at a steady rate through the HTTP API of the given servers, as
 * background load for other measurements; `stop` waits for those in flight.
 */
export async function startBookingLoad(urls: readonly string[], clinic: BenchClinic, opts: { perSecond: number; dayOffset: number }) {
  const token = (await trpcClient(urls[0]!).auth.login.mutate({ email: clinic.staffEmail, password: BENCH_PASSWORD, desk: 'bench load' })).token;
  const clients = urls.map((url) => trpcClient(url, token));
  const day = benchDay(opts.dayOffset);
  const outcome = { booked: 0, failed: 0 };
  const inFlight: Promise<void>[] = [];
  const started = performance.now();
  let stopped = false;
  const pace = (async () => {
    for (let n = 0; !stopped; n++) {
      const wait = started + (n * 1000) / opts.perSecond - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (stopped) break;
      const { resourceId, patientId, start } = ownSlot(clinic, 1, 0, n, day);
      inFlight.push(
        clients[n % clients.length]!.booking.book
          .mutate({ branchId: clinic.branchId, serviceId: clinic.serviceId, resourceIds: [resourceId], startsAt: new Date(start).toISOString(), patientId })
          .then(
            () => void outcome.booked++,
            () => void outcome.failed++,
          ),
      );
    }
  })();
  return {
    async stop() {
      stopped = true;
      await pace;
      await Promise.all(inFlight);
      return outcome;
    },
  };
}

/** Client c's n-th booking: its own practitioners and patient, walking forward in time. */
function ownSlot(clinic: BenchClinic, clients: number, c: number, n: number, day: number) {
  const perClient = Math.max(1, Math.floor(clinic.resources.length / clients));
  const resourceId = clinic.resources[c + clients * (n % perClient)]!;
  const start = day + Math.floor(n / perClient) * clinic.durationMin * MINUTE;
  // One patient per client and round, so no patient is ever in two places.
  const patientId = clinic.patients[(c + clients * (n % perClient)) % clinic.patients.length]!;
  return { resourceId, patientId, start };
}

function lockKey(id: string, day: number): string {
  return createHash('sha1').update(`${id}:${day}`).digest().readBigInt64BE(0).toString();
}

/**
 * The booking transaction the server runs, sent straight from pg: the same
 * statements in the same order (scope + locks; appointment; occupancy +
 * event; commit), with no HTTP, tRPC, ORM, session or availability read.
 */
export async function benchDirectSql(databaseUrl: string, clinic: BenchClinic, opts: { clients: number; durationMs: number; dayOffset: number }): Promise<LoadResult> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: opts.clients });
  const staffId = (await pool.query(`SELECT id FROM staff WHERE email = $1`, [clinic.staffEmail])).rows[0].id as string;
  const day = benchDay(opts.dayOffset);
  try {
    return await drive(opts.clients, opts.durationMs, async (c, n) => {
      const { resourceId, patientId, start } = ownSlot(clinic, opts.clients, c, n, day);
      const startsAt = new Date(start);
      const endsAt = new Date(start + clinic.durationMin * MINUTE);
      const db = await pool.connect();
      try {
        await db.query('BEGIN');
        const utcDay = Math.floor(start / DAY);
        const [k1, k2] = [lockKey(resourceId, utcDay), lockKey(patientId, utcDay)].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
        await db.query(`SELECT set_config('app.tenant_id', $1, true), pg_advisory_xact_lock($2::bigint), pg_advisory_xact_lock($3::bigint)`, [clinic.tenantId, k1, k2]);
        const id = randomUUID();
        const inserted = await db.query(
          `WITH a AS (INSERT INTO appointment (id, tenant_id, branch_id, service_id, patient_id, status, starts_at, ends_at, price_cents, note, created_by)
                      VALUES ($1, $2, $3, $4, $5, 'BOOKED', $6, $7, 5000, '', $8) RETURNING *)
           SELECT a.*, p.name AS patient_name, p.phone AS patient_phone FROM a LEFT JOIN patient p ON p.id = a.patient_id`,
          [id, clinic.tenantId, clinic.branchId, clinic.serviceId, patientId, startsAt, endsAt, staffId],
        );
        const row = inserted.rows[0];
        await db.query(
          `WITH occupancy AS (INSERT INTO appointment_resource (appointment_id, resource_id, tenant_id, starts_at, ends_at) VALUES ($3, $7, $1, $8, $9))
           INSERT INTO event (tenant_id, branch_id, type, aggregate_id, patient_id, payload, actor_id, desk) VALUES ($1, $2, 'appointment.booked', $3, $4, $5, $6, 'bench')`,
          [
            clinic.tenantId,
            clinic.branchId,
            id,
            patientId,
            JSON.stringify({ appointment: { id, status: row.status, startsAt, endsAt, version: row.version, patient: { id: patientId, name: row.patient_name, phone: row.patient_phone }, resources: [{ resourceId, startsAt, endsAt }] } }),
            staffId,
            resourceId,
            startsAt,
            endsAt,
          ],
        );
        await db.query('COMMIT');
      } catch (error) {
        await db.query('ROLLBACK');
        throw error;
      } finally {
        db.release();
      }
      return 'ok';
    });
  } finally {
    await pool.end();
  }
}

/** Overlapping active occupancy, counted in SQL: must be 0. */
export async function overlapCount(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(`
      SELECT count(*)::int AS n FROM appointment_resource x JOIN appointment_resource y
        ON x.resource_id = y.resource_id AND x.appointment_id < y.appointment_id
       WHERE x.active AND y.active AND tstzrange(x.starts_at, x.ends_at, '[)') && tstzrange(y.starts_at, y.ends_at, '[)')`);
    return rows[0].n as number;
  } finally {
    await client.end();
  }
}
