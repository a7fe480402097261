import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrate.js';
import { freePort, startServerProcess } from '@frontdesk/server/testing';
import { benchDirectSql, benchHotContention, benchThroughput, overlapCount, seedBenchClinic } from './booking.js';
import { benchPropagation } from './propagation.js';
import { benchImport } from './imports.js';
import { benchPatientSearch } from './patient-search.js';
import { benchSeries } from './series.js';
import { benchReminders } from './reminders.js';
import { benchWaitlist } from './waitlist.js';
import { benchServerGoals, goalRows, growthTable, resultsMarkdown } from './goals.js';
import { benchGrowth, type GrowthResult } from './growth.js';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

// `npm run bench`: every figure Frontdesk reports, measured in one run on this
// machine and written to bench/results/latest.json with the machine noted.

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const IMPORT_ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);
// Issue 12: appointments at the largest growth step (0 skips the curve); the live feed's subscribers and booking load.
const GROWTH_MAX = Number(process.env.BENCH_GROWTH_MAX ?? 1_000_000);
const LIVE = { subscribers: Number(process.env.BENCH_LIVE_SUBSCRIBERS ?? 500), bookingsPerSecond: Number(process.env.BENCH_LIVE_BOOKINGS ?? 200), windowsPerSignIn: 5 };

async function main(): Promise<void> {
  const cleanup: (() => Promise<unknown>)[] = [];
  // The machine may be shared: its load when the run began says how much to trust absolute figures (ratios within a run hold).
  const loadAtStart = os.loadavg().map((l) => Math.round(l * 100) / 100);
  try {
    let adminUrl = process.env.DATABASE_URL;
    if (!adminUrl) {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'frontdesk-bench-'));
      const cluster = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort(), persistent: false });
      cleanup.push(async () => {
        await cluster.stop();
        await rm(dir, { recursive: true, force: true });
      });
      adminUrl = cluster.url('postgres');
    }
    const databaseUrl = await freshDatabase(adminUrl, `frontdesk_bench_${Date.now()}`);
    await migrate(databaseUrl);
    const clinic = await seedBenchClinic(databaseUrl, { resources: 200, patients: 400 });
    const server = await startServerProcess(databaseUrl, { FRONTDESK_DB_POOL: String(CLIENTS), FRONTDESK_HOLD_SWEEP_MS: '1000' });
    cleanup.push(() => server.kill('SIGTERM'));
    console.log(`bench: server at ${server.url}, ${CLIENTS} clients, ${seconds}s per scenario`);

    await benchThroughput(server.url, clinic, { clients: 10, durationMs: 2000, dayOffset: 0 }); // warm-up
    const hot = await benchHotContention(server.url, clinic, { clients: CLIENTS, resources: 4, durationMs: seconds * 1000, dayOffset: 1 });
    const overlaps = await overlapCount(databaseUrl);
    const throughput = await benchThroughput(server.url, clinic, { clients: CLIENTS, durationMs: seconds * 1000, dayOffset: 2 });
    // The same with the hot path's statements prepared once per connection (off by default: PgBouncer before 1.21, README).
    const preparedServer = await startServerProcess(databaseUrl, { FRONTDESK_DB_POOL: String(CLIENTS), FRONTDESK_HOLD_SWEEP_MS: '1000', FRONTDESK_DB_PREPARE: 'on' });
    cleanup.push(() => preparedServer.kill('SIGTERM'));
    await benchThroughput(preparedServer.url, clinic, { clients: 10, durationMs: 2000, dayOffset: 6 }); // warm-up
    const prepared = await benchThroughput(preparedServer.url, clinic, { clients: CLIENTS, durationMs: seconds * 1000, dayOffset: 5 });
    await preparedServer.kill('SIGTERM');
    const second = await startServerProcess(databaseUrl, { FRONTDESK_DB_POOL: String(CLIENTS), FRONTDESK_HOLD_SWEEP_MS: '1000' });
    cleanup.push(() => second.kill('SIGTERM'));
    const twoProcesses = await benchThroughput([server.url, second.url], clinic, { clients: CLIENTS, durationMs: seconds * 1000, dayOffset: 4 });
    await second.kill('SIGTERM');
    const direct = await benchDirectSql(databaseUrl, clinic, { clients: CLIENTS, durationMs: seconds * 1000, dayOffset: 3 });
    const serverGoals = await benchServerGoals({ server, databaseUrl, clinic, clients: CLIENTS, seconds, log: console.log });
    const finalOverlaps = await overlapCount(databaseUrl);
    await server.kill('SIGTERM');

    console.log(`bench: propagation (3 processes, ${LIVE.subscribers} subscribers, 20 commits/s), alone, then beside 50, 100 and ${LIVE.bookingsPerSecond} bookings/s`);
    // Fewer desks first, no booking load: where the machine runs out (servers, desks and Postgres share its cores).
    const propagationCurve = [];
    for (const subscribers of [100, 250]) {
      propagationCurve.push(await benchPropagation({ databaseUrl: await freshDatabase(adminUrl, `frontdesk_bench_sync_${Date.now()}`), processes: 3, subscribers, windowsPerSignIn: LIVE.windowsPerSignIn, ratePerSecond: 20, bookingLoadPerSecond: 0, durationMs: seconds * 1000 }));
    }
    const propagationQuiet = await benchPropagation({ databaseUrl: await freshDatabase(adminUrl, `frontdesk_bench_sync_${Date.now()}`), processes: 3, subscribers: LIVE.subscribers, windowsPerSignIn: LIVE.windowsPerSignIn, ratePerSecond: 20, bookingLoadPerSecond: 0, durationMs: seconds * 1000 });
    // Then beside a growing booking load, up to the one the goal asks for: where the machine runs out with bookings.
    const propagationLoadCurve = [];
    for (const bookingsPerSecond of [50, 100].filter((n) => n < LIVE.bookingsPerSecond)) {
      propagationLoadCurve.push(await benchPropagation({ databaseUrl: await freshDatabase(adminUrl, `frontdesk_bench_sync_${Date.now()}`), processes: 3, subscribers: LIVE.subscribers, windowsPerSignIn: LIVE.windowsPerSignIn, ratePerSecond: 20, bookingLoadPerSecond: bookingsPerSecond, durationMs: seconds * 1000 }));
    }
    const propagation = await benchPropagation({ databaseUrl: await freshDatabase(adminUrl, `frontdesk_bench_sync_${Date.now()}`), processes: 3, subscribers: LIVE.subscribers, windowsPerSignIn: LIVE.windowsPerSignIn, ratePerSecond: 20, bookingLoadPerSecond: LIVE.bookingsPerSecond, durationMs: seconds * 1000 });

    console.log(`bench: import of ${IMPORT_ROWS.toLocaleString('en')} patients from CSV (preview, apply, the same file again, the file with one row more)`);
    const importDb = await freshDatabase(adminUrl, `frontdesk_bench_import_${Date.now()}`);
    // A failing part leaves the other figures standing; the file says what went wrong.
    const imports = await benchImport(importDb, { rows: IMPORT_ROWS }).catch(failed);
    console.log(`bench: patient search on the ${IMPORT_ROWS.toLocaleString('en')} imported patients (name words, phone, date of birth)`);
    const patientSearch = 'error' in imports ? imports : await benchPatientSearch(importDb, { rows: IMPORT_ROWS }).catch(failed);
    console.log('bench: series of 52 weekly occurrences checked and booked (ms), demo clinic, 5 runs');
    const series = await benchSeries(await freshDatabase(adminUrl, `frontdesk_bench_series_${Date.now()}`));
    console.log('bench: reminders dispatched per second (1,000 appointments, 48 h and 2 h reminders, 3 processes, a real SMTP server in-process)');
    const reminders = await benchReminders(await freshDatabase(adminUrl, `frontdesk_bench_reminders_${Date.now()}`));
    console.log('bench: waitlist match on a freed slot with 10,000 waiting entries (cancel answered → offer event committed), demo clinic, 20 runs');
    const waitlist = await benchWaitlist(await freshDatabase(adminUrl, `frontdesk_bench_waitlist_${Date.now()}`));

    let growth: GrowthResult | { skipped: string } = { skipped: 'BENCH_GROWTH_MAX=0' };
    if (GROWTH_MAX > 0) {
      console.log(`bench: cost as data grows (up to ${GROWTH_MAX.toLocaleString('en')} appointments; BENCH_GROWTH_MAX caps it)`);
      const growthDb = `frontdesk_bench_growth_${Date.now()}`;
      growth = await benchGrowth(await freshDatabase(adminUrl, growthDb).then(async (url) => (await migrate(url), url)), { max: GROWTH_MAX, clients: CLIENTS, bookMs: Math.max(3, seconds / 2) * 1000, log: console.log });
      await dropDatabase(adminUrl, growthDb);
    }

    console.log('bench: renderer in Chromium (demo clinic)');
    if (!existsSync(path.join(ROOT, 'apps/desktop/out/renderer/index.html'))) {
      spawnSync('npm', ['run', 'build', '-w', '@frontdesk/desktop'], { cwd: ROOT, stdio: 'inherit' });
    }
    const demo = await startServerProcess(await freshDatabase(adminUrl, `frontdesk_bench_demo_${Date.now()}`), { FRONTDESK_SEED: 'demo' });
    cleanup.push(() => demo.kill('SIGTERM'));
    // A failing browser part leaves the server's figures standing; the file says what went wrong.
    let renderer: RendererResult | { error: string };
    try {
      renderer = rendererBench(demo.url, 10);
    } catch (error) {
      renderer = { error: error instanceof Error ? error.message.split('\n').slice(0, 3).join(' ') : String(error) };
    }
    await demo.kill('SIGTERM');

    const result = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(os.totalmem() / 2 ** 30), platform: `${os.platform()} ${os.release()}`, node: process.version, loadAverageAtStart: loadAtStart, loadAverageAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100) },
      postgres: await serverVersion(databaseUrl).catch(() => 'unknown'),
      settings: { clients: CLIENTS, secondsPerScenario: seconds },
      hotContention: { ...hot, resources: 4, overlapsInSql: overlaps },
      throughput: { ...throughput, resources: clinic.resources.length, serverProcesses: 1 },
      throughputPrepared: { ...prepared, resources: clinic.resources.length, serverProcesses: 1 },
      throughputTwoProcesses: { ...twoProcesses, resources: clinic.resources.length, serverProcesses: 2 },
      directSqlCeiling: direct,
      fullStackToCeiling: Math.round((throughput.bookingsPerSecond / direct.bookingsPerSecond) * 1000) / 1000,
      fullStackTwoProcessesToCeiling: Math.round((twoProcesses.bookingsPerSecond / direct.bookingsPerSecond) * 1000) / 1000,
      overlapsInSqlAtEnd: finalOverlaps,
      propagation: { withoutBookingLoad: propagationQuiet, withBookingLoad: propagation, curveWithoutBookingLoad: propagationCurve, curveWithBookingLoad: propagationLoadCurve },
      renderer,
      imports,
      patientSearch,
      series,
      reminders,
      waitlist,
      issue12: { ...serverGoals, growth, targets: goalRows({ throughput, prepared, directSql: direct, server: serverGoals, growth, propagation, propagationCurve: [...propagationCurve, propagationQuiet], propagationLoadCurve }) },
    };
    await mkdir(RESULTS_DIR, { recursive: true });
    await writeFile(path.join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);

    console.table({
      'hot contention (HTTP, 4 practitioners)': { 'attempts/s': hot.attemptsPerSecond, 'bookings/s': hot.bookingsPerSecond, conflicts: hot.conflictRate, 'p50 ms': hot.p50Ms, 'p99 ms': hot.p99Ms, errors: hot.errors },
      'throughput (HTTP, 200 practitioners)': { 'attempts/s': throughput.attemptsPerSecond, 'bookings/s': throughput.bookingsPerSecond, conflicts: throughput.conflictRate, 'p50 ms': throughput.p50Ms, 'p99 ms': throughput.p99Ms, errors: throughput.errors },
      'throughput (HTTP, 2 server processes)': { 'attempts/s': twoProcesses.attemptsPerSecond, 'bookings/s': twoProcesses.bookingsPerSecond, conflicts: twoProcesses.conflictRate, 'p50 ms': twoProcesses.p50Ms, 'p99 ms': twoProcesses.p99Ms, errors: twoProcesses.errors },
      'direct SQL ceiling (pg)': { 'attempts/s': direct.attemptsPerSecond, 'bookings/s': direct.bookingsPerSecond, conflicts: direct.conflictRate, 'p50 ms': direct.p50Ms, 'p99 ms': direct.p99Ms, errors: direct.errors },
    });
    console.log(`full stack / ceiling: ${result.fullStackToCeiling} (one server process), ${result.fullStackTwoProcessesToCeiling} (two); overlaps in SQL: ${overlaps} (after hot contention), ${finalOverlaps} (at end)`);
    console.log(`propagation commit→desk, no other load: p50 ${propagationQuiet.p50Ms} ms, p99 ${propagationQuiet.p99Ms} ms, missing ${propagationQuiet.missing}`);
    console.log(`propagation commit→desk, beside booking load: p50 ${propagation.p50Ms} ms, p99 ${propagation.p99Ms} ms over ${propagation.subscribers} subscribers, ${propagation.processes} processes, missing ${propagation.missing}, with ${propagation.bookingLoad.booked} bookings made meanwhile (${propagation.bookingLoad.failed} failed)`);
    if ('error' in renderer) console.log(`renderer: not measured (${renderer.error})`);
    else console.log(`renderer: launch to interactive day view p50 ${renderer.coldMs.p50} ms (empty cache), ${renderer.warmMs.p50} ms (persisted cache); change on a second desk p50 ${renderer.secondDeskMs.p50} ms, p95 ${renderer.secondDeskMs.p95} ms`);
    if ('error' in imports) console.log(`import: not measured (${imports.error})`);
    else console.log(`import of ${imports.rows.toLocaleString('en')} patients (${imports.fileMiB} MiB): preview ${imports.preview.seconds} s (${imports.preview.rowsPerSecond} rows/s), apply ${imports.apply.seconds} s (${imports.apply.rowsPerSecond} rows/s), same file again ${imports.sameFileAgain.seconds} s, with one row more ${imports.editedFileAgain.seconds} s (created ${imports.editedFileAgain.created}); patients in SQL ${imports.patientsInSql}`);
    if ('error' in patientSearch) console.log(`patient search: not measured (${patientSearch.error})`);
    else console.log(`patient search on ${patientSearch.patients.toLocaleString('en')} patients: name words p50 ${patientSearch.nameTokens.p50Ms} ms, p99 ${patientSearch.nameTokens.p99Ms} ms; phone p50 ${patientSearch.phone.p50Ms} ms, p99 ${patientSearch.phone.p99Ms} ms; date of birth p50 ${patientSearch.dateOfBirth.p50Ms} ms, p99 ${patientSearch.dateOfBirth.p99Ms} ms`);
    console.log(`series of ${series.occurrences} weekly occurrences: check p50 ${series.checkMs.p50} ms, book p50 ${series.bookMs.p50} ms (one transaction; booked ${series.bookedPerRun.join(', ')} per run); overlaps in SQL ${series.overlapsInSql}`);
    console.log(`waitlist with ${waitlist.waitingEntries.toLocaleString('en')} waiting: cancel → offer p50 ${waitlist.cancelToOfferMs.p50} ms, p95 ${waitlist.cancelToOfferMs.p95} ms, max ${waitlist.cancelToOfferMs.max} ms; offers per freed time ${waitlist.offersPerFreedTime.join(', ')}; missed ${waitlist.missed}`);
    console.log(`reminders: ${reminders.reminders} sent by ${reminders.processes} processes in ${reminders.seconds} s, ${reminders.remindersPerSecond} per second; arrived twice ${reminders.duplicates}, not sent ${reminders.notSent}`);
    if (!('skipped' in growth)) {
      console.log(`cost as data grows (seeding took ${growth.seedSeconds} s in all):`);
      console.table(growthTable(growth));
    }
    console.log('issue 12, every goal of this run:');
    console.table(result.issue12.targets.map(({ goal, what, figure, target, met }) => ({ goal, what, figure, target, met })));
    await writeFile(
      path.join(RESULTS_DIR, 'latest.md'),
      resultsMarkdown({ date: result.date, machine: result.machine, postgres: result.postgres, targets: result.issue12.targets, growth }),
    );
    console.log(`written to ${path.relative(process.cwd(), path.join(RESULTS_DIR, 'latest.json'))} and latest.md`);
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  }
}

interface RendererResult {
  coldMs: { p50: number; p95: number };
  warmMs: { p50: number; p95: number };
  secondDeskMs: { p50: number; p95: number };
  runs: number;
}

/** The desktop's own bench (Chromium), run as its own process: the server does not compile browser code. */
function rendererBench(baseUrl: string, runs: number): RendererResult {
  const script = path.join(ROOT, 'apps/desktop/bench/renderer.ts');
  const run = spawnSync(path.join(ROOT, 'node_modules/.bin/tsx'), [script, baseUrl, String(runs)], { cwd: ROOT, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`renderer bench failed:\n${run.stderr}`);
  return JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as RendererResult;
}

/** A part that threw, as the results file notes it. */
function failed(error: unknown): { error: string } {
  console.error('bench: a part failed:', error);
  return { error: error instanceof Error ? error.message.split('\n').slice(0, 3).join(' ') : String(error) };
}

async function freshDatabase(adminUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}

async function serverVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query('SHOW server_version')).rows[0].server_version as string;
  } finally {
    await client.end();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
