import { randomUUID } from 'node:crypto';
import http from 'node:http';
import pg from 'pg';
import { startServerProcess } from '@frontdesk/server/testing';
import { hashPassword } from '../src/auth/password.js';
import { BENCH_PASSWORD, drive, trpcClient, type BenchClinic, type LoadResult } from './booking.js';
import { percentile, round } from './stats.js';

// Cost as the clinic's data grows: a chain with 2,000 practitioners over 50
// branches and 100,000 patients, its appointments seeded set-based (as the
// owner, triggers off, the exclusion constraints still checked) in steps up to
// 1M, with ten events per appointment in the log (10M at 1M). At each step:
// `book` throughput, the day sheet, findSlots over a month, patient search, and
// a desk catching up on the log.

const DAY = 86_400_000;
const RESOURCES = 2_000;
const BRANCHES = 50;
const PATIENTS = 100_000;
/** Each practitioner works 08:00–16:00 (UTC branches); the seed fills it with 30-minute slots of 20-minute visits. */
const SLOTS_PER_DAY = 16;
const EVENTS_PER_APPOINTMENT = 10;
const QUERIES = 60;

export interface Timing {
  queries: number;
  p50Ms: number;
  p99Ms: number;
  /** Queries the server refused (timed to the refusal), and the first refusal's words. */
  errors?: number;
  firstError?: string | undefined;
}

export interface CatchUp {
  /** Events the desk asked for (behind the head of the log). */
  behind: number;
  /** 'caught up' (all events, then live) or 'reset' (the server told the desk to reload instead). */
  outcome: 'caught up' | 'reset' | 'timed out';
  received: number;
  /** The server's reason, when it said reset. */
  reason?: string;
  /** From opening the subscription to its `live` (or `reset`) message. */
  ms: number;
}

export interface GrowthStep {
  appointments: number;
  events: number;
  seedSeconds: number;
  book: LoadResult;
  daySheet: Timing & { appointmentsOnTheDay: number };
  findSlotsMonth: Timing & { emptyAnswers: number };
  patientSearch: Timing & { emptyAnswers: number };
  catchUp10k: CatchUp;
  catchUp5k: CatchUp;
}

export interface GrowthResult {
  resources: number;
  branches: number;
  patients: number;
  eventsPerAppointment: number;
  baseSeedSeconds: number;
  seedSeconds: number;
  steps: GrowthStep[];
  /** book at the largest step over book at the first. */
  bookLargestToFirst: number;
}

export interface GrowthClinic extends BenchClinic {
  branches: string[];
  staffId: string;
  /** The first seeded day (midnight UTC). */
  firstDay: number;
}

const seconds = (since: number) => round((performance.now() - since) / 1000, 1);

async function withClient<T>(url: string, work: (db: pg.Client) => Promise<T>): Promise<T> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    return await work(db);
  } finally {
    await db.end();
  }
}

/** Tenant, 50 branches (UTC), 2,000 practitioners (40 a branch, 08:00–16:00 every day), a service, 100,000 patients, a call-centre agent. */
export async function seedBase(url: string): Promise<GrowthClinic> {
  const tag = randomUUID().slice(0, 8);
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  return withClient(url, async (db) => {
    await db.query('BEGIN');
    const tenantId = (await db.query(`INSERT INTO tenant (name) VALUES ($1) RETURNING id`, [`Growth ${tag}`])).rows[0].id as string;
    const branches = (await db.query(`INSERT INTO branch (tenant_id, name, time_zone) SELECT $1, 'Branch ' || lpad(g::text, 2, '0'), 'UTC' FROM generate_series(1, $2) g RETURNING id`, [tenantId, BRANCHES])).rows.map((r) => r.id as string);
    const resources = (await db.query(`INSERT INTO resource (tenant_id, kind, name, tags) SELECT $1, 'PRACTITIONER', 'Practitioner ' || g, ARRAY['bench'] FROM generate_series(1, $2) g RETURNING id`, [tenantId, RESOURCES])).rows.map((r) => r.id as string);
    const perBranch = RESOURCES / BRANCHES;
    // Resource i works at branch i / 40.
    await db.query(`INSERT INTO resource_branch (tenant_id, resource_id, branch_id) SELECT $3, r.id, ($2::uuid[])[(r.i - 1) / $4 + 1] FROM unnest($1::uuid[]) WITH ORDINALITY r(id, i)`, [resources, branches, tenantId, perBranch]);
    await db.query(
      `INSERT INTO working_hours (tenant_id, resource_id, branch_id, weekday, start_minute, end_minute)
       SELECT $3, r.id, ($2::uuid[])[(r.i - 1) / $4 + 1], d, 480, 960 FROM unnest($1::uuid[]) WITH ORDINALITY r(id, i), generate_series(1, 7) d`,
      [resources, branches, tenantId, perBranch],
    );
    const durationMin = 20;
    const serviceId = (await db.query(`INSERT INTO service (tenant_id, name, duration_min, price_cents) VALUES ($1, 'Consult', $2, 5000) RETURNING id`, [tenantId, durationMin])).rows[0].id as string;
    await db.query(`INSERT INTO service_requirement (tenant_id, service_id, kind, tag) VALUES ($2, $1, 'PRACTITIONER', 'bench')`, [serviceId, tenantId]);
    const patients = (
      await db.query(
        `INSERT INTO patient (tenant_id, name, phone, date_of_birth)
         SELECT $1, (ARRAY['Aarav','Maya','Noah','Zara','Liam','Isha','Omar','Chloe','Ravi','Emma','Kenji','Sofia','Tariq','Ana','Dev','Lena'])[g % 16 + 1] || ' ' ||
                    (ARRAY['Shah','Brown','Garcia','Kim','Patel','Okafor','Rossi','Novak','Singh','Moreau'])[(g / 16) % 10 + 1] || ' ' || g,
                '+1 212 ' || lpad(g::text, 7, '0'), date '1940-01-01' + (g % 29000)
           FROM generate_series(1, $2) g RETURNING id`,
        [tenantId, PATIENTS],
      )
    ).rows.map((r) => r.id as string);
    const staffEmail = `callcentre@${tag}.growth.test`;
    const staffId = (await db.query(`INSERT INTO staff (tenant_id, email, name, role, password_hash) VALUES ($1, $2, 'Growth agent', 'CALL_CENTRE', $3) RETURNING id`, [tenantId, staffEmail, passwordHash])).rows[0].id as string;
    await db.query('COMMIT');
    const firstDay = Math.floor(Date.now() / DAY) * DAY + 40 * DAY;
    // benchThroughput's desks take resources in order: keep them branch by branch.
    return { tenantId, branchId: branches[0]!, serviceId, staffEmail, resources, patients, durationMin, branches, staffId, firstDay };
  });
}

/**
 * Appointments [from, to) with their occupancy and ten events each. Appointment
 * k is practitioner k mod 2,000's slot k div 2,000 (16 a day from 08:00): no two
 * overlap, and patient k mod 100,000 is never in two places at once.
 */
export async function seedAppointments(url: string, clinic: GrowthClinic, from: number, to: number): Promise<void> {
  if (to <= from) return;
  await withClient(url, async (db) => {
    // In index order (patient, practitioner), so the exclusion constraints' GiST pages are touched once each, not at random.
    // Triggers off for the bulk load (the hours and in-use checks, foreign keys, the NOTIFY); the exclusion constraints still decide.
    await db.query(`SET session_replication_role = replica`);
    await db.query(`SET work_mem = '256MB'`);
    const chunk = 250_000;
    for (let lo = from; lo < to; lo += chunk) {
      const hi = Math.min(to, lo + chunk);
      // $1–$3 place the slots; the rest are the clinic's ids.
      const slots = `
        SELECT k, ('c0000000-0000-4000-8000-' || lpad(to_hex(k), 12, '0'))::uuid AS id, k % ${RESOURCES} + 1 AS r,
               $1::timestamptz + ((k / ${RESOURCES}) / ${SLOTS_PER_DAY}) * interval '1 day' + interval '8 hours' + ((k / ${RESOURCES}) % ${SLOTS_PER_DAY}) * interval '30 minutes' AS t
          FROM generate_series($2::bigint, $3::bigint) k`;
      const place = [new Date(clinic.firstDay), lo, hi - 1];
      await db.query(
        `INSERT INTO appointment (id, tenant_id, branch_id, service_id, patient_id, status, starts_at, ends_at, price_cents, note, created_by)
         SELECT s.id, $4, ($5::uuid[])[(s.r - 1) / ${RESOURCES / BRANCHES} + 1], $6, ($7::uuid[])[s.k % ${PATIENTS} + 1], 'BOOKED', s.t, s.t + interval '20 minutes', 5000, '', $8
           FROM (${slots}) s ORDER BY s.k % ${PATIENTS}, s.t`,
        [...place, clinic.tenantId, clinic.branches, clinic.serviceId, clinic.patients, clinic.staffId],
      );
      await db.query(
        `INSERT INTO appointment_resource (appointment_id, resource_id, tenant_id, starts_at, ends_at, active)
         SELECT s.id, ($5::uuid[])[s.r], $4, s.t, s.t + interval '20 minutes', true FROM (${slots}) s ORDER BY s.r, s.t`,
        [...place, clinic.tenantId, clinic.resources],
      );
    }
    const payload = JSON.stringify({ productId: randomUUID(), branchId: clinic.branchId, quantity: 1, delta: -1 });
    const events = (to - from) * EVENTS_PER_APPOINTMENT;
    const eventChunk = 1_000_000;
    for (let done = 0; done < events; done += eventChunk) {
      await db.query(
        `INSERT INTO "event" (tenant_id, branch_id, type, payload, desk) SELECT $1, $2, 'stock.changed', $3::jsonb, 'seed' FROM generate_series(1, $4::int)`,
        [clinic.tenantId, clinic.branchId, payload, Math.min(eventChunk, events - done)],
      );
    }
    await db.query(`SET session_replication_role = origin`);
    // As autovacuum leaves tables after inserts (statistics, and a visibility map for index-only reads); one statement each, VACUUM runs in no transaction.
    // The event log's 10M rows only analysed: its reads fetch each row anyway, and vacuuming them would add minutes to the run.
    for (const table of ['appointment', 'appointment_resource', 'patient']) await db.query(`VACUUM (ANALYZE) ${table}`);
    await db.query(`ANALYZE "event"`);
  });
}

/** Times `count` queries one after the other; a refused one (e.g. the transaction's time limit) is timed to its refusal and counted. */
async function timeQueries(count: number, query: (n: number) => Promise<boolean>): Promise<Timing & { emptyAnswers: number }> {
  let errors = 0;
  let firstError: string | undefined;
  const attempt = async (n: number): Promise<boolean> => {
    try {
      return await query(n);
    } catch (error) {
      errors++;
      firstError ??= error instanceof Error ? error.message.slice(0, 200) : String(error);
      return false;
    }
  };
  // At most about 45 s a kind: a query that runs into its time limit every time would otherwise hold the run for many minutes.
  const budgetEnd = performance.now() + 45_000;
  for (let n = 0; n < 3; n++) await attempt(n); // warm-up
  errors = 0;
  const times: number[] = [];
  let empty = 0;
  for (let n = 0; n < count && performance.now() < budgetEnd; n++) {
    const started = performance.now();
    if (!(await attempt(n))) empty++;
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { queries: times.length, p50Ms: round(percentile(times, 50)), p99Ms: round(percentile(times, 99)), emptyAnswers: empty - errors, ...(errors ? { errors, firstError } : {}) };
}

/** A desk resuming `behind` events back: opens `changes` with that lastEventId and reads until live (or reset). */
export function catchUp(baseUrl: string, token: string, lastEventId: string, behind: number): Promise<CatchUp> {
  const url = new URL(`${baseUrl}/trpc/changes`);
  url.searchParams.set('input', JSON.stringify({ lastEventId }));
  const started = performance.now();
  return new Promise((resolve) => {
    let received = 0;
    let buffer = '';
    const finish = (outcome: CatchUp['outcome'], reason?: string) => {
      clearTimeout(timer);
      req.destroy();
      resolve({ behind, outcome, received, ms: round(performance.now() - started), ...(reason ? { reason } : {}) });
    };
    const timer = setTimeout(() => finish('timed out'), 60_000);
    const req = http.get(url, { headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` } }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block
            .split('\n')
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5))
            .join('\n');
          if (!data || block.startsWith('event:')) continue;
          let message: { kind?: string; reason?: string; events?: unknown[] };
          try {
            message = JSON.parse(data) as typeof message;
          } catch {
            continue;
          }
          if (message.kind === 'events') received += message.events?.length ?? 0;
          else if (message.kind === 'live') return finish('caught up');
          else if (message.kind === 'reset') return finish('reset', message.reason);
        }
      });
    });
    req.on('error', () => finish('timed out'));
  });
}

export async function measure(ownerUrl: string, clinic: GrowthClinic, step: { appointments: number; seedSeconds: number; index: number; clients: number; bookMs: number }): Promise<GrowthStep> {
  // A fresh server per step: one that ran during the bulk load would spend itself reading millions of seeded events.
  const server = await startServerProcess(ownerUrl, { FRONTDESK_DB_POOL: String(step.clients) });
  try {
    const { onTheDay } = await withClient(ownerUrl, async (db) => ({
      onTheDay: Number((await db.query(`SELECT count(*) AS n FROM appointment WHERE branch_id = $1 AND starts_at >= $2 AND starts_at < $3`, [clinic.branchId, new Date(clinic.firstDay), new Date(clinic.firstDay + DAY)])).rows[0].n),
    }));
    // Bookings at 09:00 of days far past the seeded ones, a day pair per step.
    const token = (await trpcClient(server.url).auth.login.mutate({ email: clinic.staffEmail, password: BENCH_PASSWORD, desk: 'growth' })).token;
    const api = trpcClient(server.url, token);
    // Warm-up (JIT, the catalogue cache) on a day of its own, then the measured run.
    await bookAtBranches(server.url, token, clinic, { clients: 10, durationMs: 2_000, day: clinic.firstDay + (161 + step.index * 2) * DAY });
    const book = await bookAtBranches(server.url, token, clinic, { clients: step.clients, durationMs: step.bookMs, day: clinic.firstDay + (160 + step.index * 2) * DAY });
    const date = new Date(clinic.firstDay).toISOString().slice(0, 10);
    const daySheet = await timeQueries(QUERIES, async (n) => {
      await api.availability.day.query({ branchId: clinic.branches[n % 4]!, date });
      return true;
    });
    const findSlotsMonth = await timeQueries(QUERIES, async (n) => {
      const from = new Date(clinic.firstDay + (n % 4) * DAY);
      const slots = await api.availability.findSlots.query({ serviceId: clinic.serviceId, branchIds: [clinic.branches[n % BRANCHES]!], from: from.toISOString(), to: new Date(from.getTime() + 30 * DAY).toISOString() });
      return slots.length > 0;
    });
    const patientSearch = await timeQueries(QUERIES * 2, async (n) => {
      const g = 1 + ((n * 7919) % PATIENTS);
      const query = n % 2 ? `${['Shah', 'Brown', 'Garcia', 'Kim', 'Patel', 'Okafor', 'Rossi', 'Novak', 'Singh', 'Moreau'][Math.floor(g / 16) % 10]} ${g}` : `212 ${String(g).padStart(7, '0')}`;
      return (await api.patients.search.query({ query })).length > 0;
    });
    // The head after this step's bookings: `behind` events are exactly what the desk has to read.
    const head = await withClient(ownerUrl, async (db) => BigInt((await db.query(`SELECT max(seq)::text AS s FROM "event"`)).rows[0].s ?? '0'));
    const resume = (behind: number) => catchUp(server.url, token, String(head > BigInt(behind) ? head - BigInt(behind) : 0n), behind);
    const catchUp10k = await resume(10_000);
    const catchUp5k = await resume(5_000);
    return {
      appointments: step.appointments,
      events: Number(head),
      seedSeconds: step.seedSeconds,
      book,
      daySheet: { ...stripEmpty(daySheet), appointmentsOnTheDay: onTheDay },
      findSlotsMonth,
      patientSearch,
      catchUp10k,
      catchUp5k,
    };
  } finally {
    await server.kill('SIGTERM');
  }
}

/**
 * Each desk books its own practitioners' free times at their own branch (09:00
 * on, 20 minutes apart), days past the seeded ones: `book` at this size.
 */
async function bookAtBranches(url: string, token: string, clinic: GrowthClinic, opts: { clients: number; durationMs: number; day: number }): Promise<LoadResult> {
  const clients = Array.from({ length: opts.clients }, () => trpcClient(url, token));
  const perClient = Math.max(1, Math.floor(RESOURCES / opts.clients));
  const perBranch = RESOURCES / BRANCHES;
  return drive(opts.clients, opts.durationMs, async (c, n) => {
    const i = c + opts.clients * (n % perClient);
    const start = opts.day + 9 * 3_600_000 + Math.floor(n / perClient) * clinic.durationMin * 60_000;
    await clients[c]!.booking.book.mutate({
      branchId: clinic.branches[Math.floor(i / perBranch)]!,
      serviceId: clinic.serviceId,
      resourceIds: [clinic.resources[i]!],
      startsAt: new Date(start).toISOString(),
      patientId: clinic.patients[i]!,
    });
    return 'ok';
  });
}

function stripEmpty({ emptyAnswers: _, ...timing }: Timing & { emptyAnswers: number }): Timing {
  return timing;
}

/** The curve, step by step (1k, 10k, 100k, 1M appointments, capped at `max`), on `ownerUrl`'s (fresh, migrated) database. */
export async function benchGrowth(ownerUrl: string, opts: { max: number; clients: number; bookMs: number; log?: (line: string) => void }): Promise<GrowthResult> {
  const log = opts.log ?? (() => undefined);
  const baseStarted = performance.now();
  const clinic = await seedBase(ownerUrl);
  const baseSeedSeconds = seconds(baseStarted);
  log(`growth: ${RESOURCES} practitioners, ${BRANCHES} branches, ${PATIENTS.toLocaleString('en')} patients seeded in ${baseSeedSeconds} s`);
  const targets = [1_000, 10_000, 100_000, 1_000_000].filter((t) => t <= opts.max);
  if (targets.length === 0 || targets[targets.length - 1]! < opts.max) targets.push(opts.max);
  const steps: GrowthStep[] = [];
  let seeded = 0;
  let seedTotal = 0;
  for (const [index, target] of targets.entries()) {
    const started = performance.now();
    await seedAppointments(ownerUrl, clinic, seeded, target);
    const seedSeconds = seconds(started);
    seedTotal += seedSeconds;
    seeded = target;
    log(`growth: ${target.toLocaleString('en')} appointments, ${(target * EVENTS_PER_APPOINTMENT).toLocaleString('en')} events (seeded in ${seedSeconds} s); measuring`);
    steps.push(await measure(ownerUrl, clinic, { appointments: target, seedSeconds, index, clients: opts.clients, bookMs: opts.bookMs }));
  }
  const first = steps[0]?.book.bookingsPerSecond ?? Number.NaN;
  const last = steps[steps.length - 1]?.book.bookingsPerSecond ?? Number.NaN;
  return {
    resources: RESOURCES,
    branches: BRANCHES,
    patients: PATIENTS,
    eventsPerAppointment: EVENTS_PER_APPOINTMENT,
    baseSeedSeconds,
    seedSeconds: round(baseSeedSeconds + seedTotal, 1),
    steps,
    bookLargestToFirst: round(last / first, 3),
  };
}
