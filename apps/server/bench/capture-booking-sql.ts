import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrate.js';
import { freePort, startServerProcess } from '@frontdesk/server/testing';
import { benchThroughput, seedBenchClinic } from './booking.js';

// `npx tsx bench/capture-booking-sql.ts`: every statement the server sends
// for a few `book` requests, from a throwaway cluster with log_statement=all,
// so pgbench.ts's `frontdesk*` scripts can be checked against the server as it
// is now (they must follow it when the hot path changes).

const dir = await mkdtemp(path.join(os.tmpdir(), 'frontdesk-capture-'));
let capturing = false;
const lines: string[] = [];
const cluster = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort(), persistent: false, onLog: (m) => void (capturing && lines.push(m)) });
try {
  const admin = new pg.Client({ connectionString: cluster.url('postgres') });
  await admin.connect();
  await admin.query('CREATE DATABASE capture');
  const url = new URL(cluster.url('postgres'));
  url.pathname = '/capture';
  await migrate(url.toString());
  const clinic = await seedBenchClinic(url.toString(), { resources: 20, patients: 40 });
  const server = await startServerProcess(url.toString(), {});
  try {
    // Warm (sign-in, catalogue cache) before capturing, so what is logged is the steady state.
    await benchThroughput(server.url, clinic, { clients: 1, durationMs: 500, dayOffset: 0 });
    await admin.query(`ALTER SYSTEM SET log_statement = 'all'`);
    await admin.query('SELECT pg_reload_conf()');
    await new Promise((resolve) => setTimeout(resolve, 500));
    capturing = true;
    await benchThroughput(server.url, clinic, { clients: 1, durationMs: 200, dayOffset: 5 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    capturing = false;
  } finally {
    await server.kill('SIGTERM');
    await admin.end();
  }
  console.log(lines.join(''));
} finally {
  await cluster.stop();
  await rm(dir, { recursive: true, force: true });
}
process.exit(0);
