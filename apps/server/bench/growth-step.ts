import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrate.js';
import { measure, seedAppointments, seedBase, type GrowthClinic } from './growth.js';

// `npx tsx bench/growth-step.ts <folder> [appointments]`: one growth step kept
// between runs, for working on a goal-3 figure. The first run starts a
// PostgreSQL in <folder>, seeds the growth clinic to `appointments` (1M by
// default) and measures; later runs find the cluster and the clinic there and
// only measure again (migrations added since are applied first). Figures from
// here are for comparing before and after a change; `npm run bench` reports.

const folder = path.resolve(process.argv[2] ?? '.growth-step');
const appointments = Number(process.argv[3] ?? 1_000_000);
const PORT = 55_433;

await mkdir(folder, { recursive: true });
const cluster = await startEmbeddedPostgres({ dataDir: path.join(folder, 'pg'), port: PORT, persistent: true });
try {
  const admin = new pg.Client({ connectionString: cluster.url('postgres') });
  await admin.connect();
  const exists = (await admin.query(`SELECT 1 FROM pg_database WHERE datname = 'growth'`)).rowCount === 1;
  if (!exists) await admin.query('CREATE DATABASE growth');
  await admin.end();
  const url = new URL(cluster.url('postgres'));
  url.pathname = '/growth';
  const databaseUrl = url.toString();
  await migrate(databaseUrl);
  const clinicFile = path.join(folder, `clinic-${appointments}.json`);
  let clinic: GrowthClinic;
  if (existsSync(clinicFile)) {
    clinic = JSON.parse(await readFile(clinicFile, 'utf8')) as GrowthClinic;
  } else {
    const started = performance.now();
    clinic = await seedBase(databaseUrl);
    await seedAppointments(databaseUrl, clinic, 0, appointments);
    await writeFile(clinicFile, JSON.stringify(clinic));
    console.log(`seeded ${appointments.toLocaleString('en')} appointments in ${Math.round((performance.now() - started) / 1000)} s`);
  }
  // Each run books on days of its own, past the seeded ones.
  const runFile = path.join(folder, 'runs');
  const run = existsSync(runFile) ? Number(await readFile(runFile, 'utf8')) + 1 : 1;
  await writeFile(runFile, String(run));
  const step = await measure(databaseUrl, clinic, { appointments, seedSeconds: 0, index: 10 + run, clients: 50, bookMs: 5_000 });
  const brief = (t: { p50Ms: number; p99Ms: number }) => `p50 ${t.p50Ms} ms, p99 ${t.p99Ms} ms`;
  console.log(`at ${appointments.toLocaleString('en')} appointments, ${step.events.toLocaleString('en')} events (run ${run}):`);
  console.log(`  book ${step.book.bookingsPerSecond}/s, p99 ${step.book.p99Ms} ms`);
  console.log(`  availability.day ${brief(step.daySheet)} (${step.daySheet.appointmentsOnTheDay} appointments that day)`);
  console.log(`  findSlots a month ${brief(step.findSlotsMonth)}`);
  console.log(`  patient search ${brief(step.patientSearch)}`);
  console.log(`  catch-up 10k ${step.catchUp10k.ms} ms, 5k ${step.catchUp5k.ms} ms`);
} finally {
  await cluster.stop();
}
