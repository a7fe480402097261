import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { freePort } from './ports.js';

// A real PgBouncer between test servers and the suite's Postgres: Debian's
// package (.ci/run installs it), run as a child with a generated ini in a
// temporary folder, in transaction mode, authenticating with SCRAM from a
// userlist of plain passwords (which it also uses to log in to Postgres).

const PREFIX = 'frontdesk-pgbouncer-';
/** Where Debian puts it; elsewhere it may be on PATH. */
const DEBIAN_BINARY = '/usr/sbin/pgbouncer';

/** The pgbouncer executable, or null when this machine has none. */
export function pgbouncerBinary(): string | null {
  if (existsSync(DEBIAN_BINARY)) return DEBIAN_BINARY;
  const found = spawnSync('sh', ['-c', 'command -v pgbouncer'], { encoding: 'utf8' });
  return found.status === 0 && found.stdout.trim() ? found.stdout.trim() : null;
}

export interface PgBouncerOptions {
  binary: string;
  /** Direct URLs of the logins it pools (host, port and database of the first are the target). */
  logins: readonly string[];
  /** The login allowed on its admin console (SHOW POOLS, SHOW SERVERS); must be one of `logins`. */
  admin: string;
  /** Server connections per database and user. */
  poolSize: number;
}

export interface PgBouncer {
  /** The same login and database as `direct`, through the pooler. */
  through(direct: string): string;
  /** Runs a SHOW command on the admin console (simple protocol only, as it requires). */
  show<Row extends Record<string, unknown>>(what: 'POOLS' | 'STATS' | 'SERVERS' | 'CLIENTS'): Promise<Row[]>;
  stop(): Promise<void>;
}

export async function startPgBouncer(options: PgBouncerOptions): Promise<PgBouncer> {
  await sweepKilledRuns();
  const dir = await mkdtemp(path.join(tmpdir(), PREFIX));
  const target = new URL(options.logins[0]!);
  const database = target.pathname.slice(1);
  const port = await freePort();
  const userlist = options.logins.map((url) => {
    const u = new URL(url);
    return `"${decodeURIComponent(u.username)}" "${decodeURIComponent(u.password)}"`;
  });
  await writeFile(path.join(dir, 'userlist.txt'), `${userlist.join('\n')}\n`);
  await writeFile(
    path.join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `${database} = host=${target.hostname} port=${target.port || 5432} dbname=${database}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'pool_mode = transaction',
      `default_pool_size = ${options.poolSize}`,
      'max_client_conn = 500',
      'auth_type = scram-sha-256',
      `auth_file = ${path.join(dir, 'userlist.txt')}`,
      `admin_users = ${decodeURIComponent(new URL(options.admin).username)}`,
      // node-postgres sends Frontdesk's time limits at connect; PgBouncer refuses unknown startup parameters.
      'ignore_startup_parameters = statement_timeout,idle_in_transaction_session_timeout',
      '',
    ].join('\n'),
  );
  // PgBouncer refuses to run as root: it reads its files first, then becomes this user.
  const asUser = process.getuid?.() === 0 ? ['-u', 'nobody'] : [];
  const child = spawn(options.binary, [...asUser, path.join(dir, 'pgbouncer.ini')], { stdio: ['ignore', 'pipe', 'pipe'] });
  await writeFile(path.join(dir, 'pids'), `${process.pid} ${child.pid}\n`);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await listening(child, port);

  const adminUrl = new URL(options.admin);
  adminUrl.host = `127.0.0.1:${port}`;
  adminUrl.pathname = '/pgbouncer';
  return {
    through(direct) {
      const url = new URL(direct);
      url.host = `127.0.0.1:${port}`;
      return url.toString();
    },
    async show<Row extends Record<string, unknown>>(what: string) {
      const client = new pg.Client({ connectionString: adminUrl.toString() });
      await client.connect();
      try {
        return (await client.query<Row>(`SHOW ${what}`)).rows;
      } finally {
        await client.end();
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves once it accepts connections; rejects with its log if it exits first. */
async function listening(child: ChildProcess, port: number): Promise<void> {
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`pgbouncer exited before listening:\n${log}`);
    if (log.includes(`listening on 127.0.0.1:${port}`)) return;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`pgbouncer did not listen on ${port} in time:\n${log}`);
    }
    await sleep(20);
  }
}

/** A test run killed outright leaves its pgbouncer running: stop those whose test process is gone (never a live run's). */
async function sweepKilledRuns(): Promise<void> {
  for (const name of await readdir(tmpdir())) {
    if (!name.startsWith(PREFIX)) continue;
    const dir = path.join(tmpdir(), name);
    const [owner, bouncer] = (await readFile(path.join(dir, 'pids'), 'utf8').catch(() => '')).trim().split(' ').map(Number);
    if (!owner || alive(owner)) continue;
    const cmdline = bouncer ? await readFile(`/proc/${bouncer}/cmdline`, 'utf8').catch(() => '') : '';
    if (bouncer && cmdline.includes(dir)) process.kill(bouncer, 'SIGTERM');
    await rm(dir, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
