import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrate.js';
import { spawn } from 'node:child_process';
import { freePort, startServerProcess, type ServerProcess } from '@frontdesk/server/testing';
import { benchThroughput, seedBenchClinic } from './booking.js';
import { benchFlashCrowd } from './flash-crowd.js';
import { benchFloor } from './floor.js';
import { groupCpuMs, postgresCpuMs, profilingEnv } from './cpu.js';

// `npx tsx bench/hot-path.ts [seconds]`: goals 1 and 2 alone (throughput at
// 50 clients, the floor, flash crowds of 50 and 500) against one server
// process, for before/after comparisons of the booking's hot path.
// BENCH_CPU_PROF=<dir> writes the server's CPU profile there; BENCH_ONLY=throughput|floor|flash limits the scenarios.
// BENCH_BASE=<a checkout's root> runs its server beside this one on the same database, the scenarios
// alternating between the two for BENCH_ROUNDS rounds: before and after, back to back, under the same load.

const seconds = Number(process.argv[2] ?? 10);
const only = process.env.BENCH_ONLY ?? 'all';
const clients = 50;
const dir = await mkdtemp(path.join(os.tmpdir(), 'frontdesk-hot-path-'));
const pgDir = path.join(dir, 'pg');
const cluster = await startEmbeddedPostgres({ dataDir: pgDir, port: await freePort(), persistent: false });
const out: Record<string, unknown> = { at: new Date().toISOString(), loadAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100) };
try {
  const admin = new pg.Client({ connectionString: cluster.url('postgres') });
  await admin.connect();
  await admin.query('CREATE DATABASE hot_path');
  await admin.end();
  const url = new URL(cluster.url('postgres'));
  url.pathname = '/hot_path';
  const databaseUrl = url.toString();
  await migrate(databaseUrl);
  const clinic = await seedBenchClinic(databaseUrl, { resources: 200, patients: 400 });
  const env: Record<string, string> = { FRONTDESK_DB_POOL: String(clients), FRONTDESK_HOLD_SWEEP_MS: '1000', ...profilingEnv() };
  const current = await startServerProcess(databaseUrl, env);
  const servers: [string, ServerProcess][] = [['current', current]];
  if (process.env.BENCH_BASE) servers.push(['base', await startFrom(process.env.BENCH_BASE, databaseUrl, env)]);
  // BENCH_PREPARED=1: a second server of this tree with its hot path's statements prepared (FRONTDESK_DB_PREPARE, db/pg-tx.ts).
  if (process.env.BENCH_PREPARED) servers.push(['prepared', await startServerProcess(databaseUrl, { ...env, FRONTDESK_DB_PREPARE: 'on' })]);
  const rounds = Number(process.env.BENCH_ROUNDS ?? (servers.length > 1 ? 2 : 1));
  let day = 20;
  try {
    for (const [, server] of servers) await benchThroughput(server.url, clinic, { clients: 10, durationMs: 2000, dayOffset: day++ });
    for (let round = 0; round < rounds; round++) {
      for (const [name, server] of round % 2 ? [...servers].reverse() : servers) {
        const tag = `${name}#${round + 1}`;
        const put = (what: string, value: unknown) => {
          out[`${tag} ${what}`] = value;
          console.log(tag, what, JSON.stringify(value));
        };
        // CPU time (ms) the server process and Postgres spent per answered request: steadier than rates on a shared, loaded machine.
        const measured = async <R extends { attempts: number }>(run: () => Promise<R>) => {
          const before = { server: groupCpuMs(server.child.pid!), postgres: postgresCpuMs(pgDir) };
          const r = await run();
          const per = (now: number, then: number) => Math.round(((now - then) / Math.max(1, r.attempts)) * 100) / 100;
          return { ...r, cpuMsPerAttempt: { server: per(groupCpuMs(server.child.pid!), before.server), postgres: per(postgresCpuMs(pgDir), before.postgres) } };
        };
        if (only === 'all' || only === 'throughput') put('throughput', await measured(() => benchThroughput(server.url, clinic, { clients, durationMs: seconds * 1000, dayOffset: day++ })));
        if (only === 'all' || only === 'floor') {
          const f = await benchFloor(server.url, clinic, { clients, durationMs: Math.max(2, seconds / 2) * 1000 });
          put('floor', { healthz: f.healthz.attemptsPerSecond, authMe: f.authMe.attemptsPerSecond, authMeP99: f.authMe.p99Ms });
        }
        if (only === 'all' || only === 'flash') {
          for (const n of (process.env.BENCH_FLASH ?? '50,500').split(',').map(Number)) {
            const { memory, firstErrors: _, ...f } = await measured(() => benchFlashCrowd(server, databaseUrl, clinic, { clients: n, practitioners: 4, durationMs: seconds * 1000, dayOffset: day++ }));
            put(`flash${n}`, { ...f, rss: `${memory.before?.rssMiB}/${memory.peakRssMiB}/${memory.after?.rssMiB}` });
          }
        }
      }
    }
  } finally {
    for (const [, server] of servers) await server.kill('SIGTERM');
  }
} finally {
  await cluster.stop();
  await rm(dir, { recursive: true, force: true });
}
out.loadAtEnd = os.loadavg().map((l) => Math.round(l * 100) / 100);
console.log(JSON.stringify(out));
process.exit(0);

/** The server of another checkout (its apps/server/src/main.ts under tsx), as startServerProcess starts this one's. */
function startFrom(root: string, databaseUrl: string, env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(path.join(root, 'node_modules/.bin/tsx'), ['--import', path.join(root, 'apps/server/src/observability/instrument.ts'), path.join(root, 'apps/server/src/main.ts')], {
    env: { ...process.env, DATABASE_URL: databaseUrl, FRONTDESK_PORT: '0', FRONTDESK_SEED: 'none', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`base server exited (${code}):\n${out}`)));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const url = out.match(/Frontdesk server listening on (http:\/\/\S+)/)?.[1];
      if (!url) return;
      child.stdout!.removeAllListeners('data');
      const ready = async (): Promise<void> => {
        while ((await fetch(`${url}/readyz`).then((r) => r.status, () => 0)) !== 200) await new Promise((r) => setTimeout(r, 100));
      };
      void ready().then(() =>
        resolve({
          url,
          child,
          output: () => out,
          kill: async (signal: NodeJS.Signals = 'SIGTERM') => {
            if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, signal);
            await exited;
          },
        }),
      );
    });
  });
}
