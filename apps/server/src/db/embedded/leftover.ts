import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, readdir, readlink, realpath, rm } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { EmbeddedPostgresError } from './error.js';

// What a crash leaves in a data folder: a postmaster still running without
// us (the server was killed), or a postmaster.pid naming a process that is
// gone or is now some other program (power loss, reboot).

const FAST_SHUTDOWN_MS = 60_000;
const IMMEDIATE_SHUTDOWN_MS = 10_000;
const LINUX = process.platform === 'linux';
/** A custom setting on the postmaster's command line naming the process that started it. */
export const STARTED_BY = 'frontdesk.started_by';

export interface PidFile {
  pid: number;
  port: number | null;
  /** `ready`, `starting` or `stopping` once the postmaster has written it. */
  status: string;
}

/** The postmaster.pid of a data folder, or null when there is none (a clean stop). */
export async function readPidFile(dataDir: string): Promise<PidFile | null> {
  let text: string;
  try {
    text = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  // Lines: pid, data folder, start time, port, socket folder, listen address, shared memory key, status.
  const lines = text.split('\n');
  const pid = Number.parseInt(lines[0] ?? '', 10);
  const port = Number.parseInt(lines[3] ?? '', 10);
  return { pid: Number.isInteger(pid) && pid > 0 ? pid : 0, port: Number.isInteger(port) ? port : null, status: (lines[7] ?? '').trim() };
}

/**
 * Makes a data folder safe to start after a crash: stops a postmaster of this
 * folder that outlived its server, and removes a pid file whose pid now
 * belongs to another program (Postgres would refuse to start on it). A pid
 * file of a dead process is left to Postgres, which checks shared memory too.
 */
export async function clearLeftover(dataDir: string, notice: (message: string) => void): Promise<void> {
  const file = await readPidFile(dataDir);
  if (!file) return;
  const real = await realpath(dataDir);
  const { pid } = file;
  if (pid && (await isPostmasterOf(pid, real))) {
    const holder = await liveStarter(pid);
    if (holder !== null) {
      throw new EmbeddedPostgresError(
        `PostgreSQL in ${dataDir} belongs to a Frontdesk process that is still running (pid ${holder}). ` +
          'Stop that one first, or give this one another data folder (FRONTDESK_DATA_DIR) and port (FRONTDESK_PG_PORT).',
      );
    }
    notice(
      `PostgreSQL was still running in ${dataDir} (pid ${pid}${file.port ? `, port ${file.port}` : ''}) ` +
        'after an earlier run ended without stopping it; stopping it before starting again.',
    );
    await stopProcess(pid, dataDir);
    notice(`The leftover PostgreSQL (pid ${pid}) has stopped.`);
    return;
  }
  const gone = !pid || !exists(pid);
  notice(`PostgreSQL did not stop cleanly last time in ${dataDir}; it recovers from its write-ahead log as it starts.`);
  if (!gone) {
    const what = isAlive(pid) ? 'is now another program' : 'has ended but was never collected';
    notice(`Its postmaster.pid is stale (process ${pid} ${what}) and is removed.`);
  }
  // Elsewhere (no /proc to check for leftover backends) only a pid file Postgres cannot read is removed.
  if (LINUX) await untilUnused(real, dataDir);
  // A dead pid Postgres clears itself (after its own shared memory check); a reused one would stop it.
  if ((LINUX && !gone) || !pid) await rm(path.join(dataDir, 'postmaster.pid'), { force: true });
}

/** Backends of a killed postmaster exit on their own within moments; never start under a live one. */
async function untilUnused(realDataDir: string, dataDir: string): Promise<void> {
  const deadline = Date.now() + IMMEDIATE_SHUTDOWN_MS;
  let users = await processesIn(realDataDir);
  while (users.length && Date.now() < deadline) {
    await sleep(100);
    users = await processesIn(realDataDir);
  }
  if (users.length) {
    throw new EmbeddedPostgresError(
      `Processes ${users.join(', ')} still use the PostgreSQL data in ${dataDir} although their postmaster is gone. Stop them (kill ${users.join(' ')}) and start again.`,
    );
  }
}

/** The pid of a postmaster of `dataDir` whose server has died, or null. */
export async function orphanedPostmaster(dataDir: string): Promise<number | null> {
  const file = await readPidFile(dataDir);
  if (!file?.pid || !(await isPostmasterOf(file.pid, await realpath(dataDir)))) return null;
  return (await liveStarter(file.pid)) === null ? file.pid : null;
}

/**
 * The live process that started this postmaster, or null when it has died
 * (the kernel then hands the postmaster to init or a subreaper). Postmasters
 * we start carry their starter's pid in a setting; older ones count as
 * orphans only once they belong to init.
 */
async function liveStarter(pid: number): Promise<number | null> {
  const parent = await parentOf(pid);
  if (parent === null) return null;
  const marker = (await commandLine(pid)).find((arg) => arg.startsWith(`${STARTED_BY}=`));
  if (marker) return Number(marker.slice(STARTED_BY.length + 1)) === parent ? parent : null;
  return parent === 1 ? null : parent;
}

async function parentOf(pid: number): Promise<number | null> {
  if (LINUX) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return Number.isInteger(ppid) ? ppid : null;
    } catch {
      return null;
    }
  }
  if (process.platform === 'win32') return null;
  const { stdout } = await promisify(execFile)('ps', ['-o', 'ppid=', '-p', String(pid)]).catch(() => ({ stdout: '' }));
  const ppid = Number.parseInt(stdout.trim(), 10);
  return Number.isInteger(ppid) ? ppid : null;
}

/** Stops a postmaster that is not our child: fast shutdown, then immediate, then give up in plain words. */
export async function stopProcess(pid: number, dataDir: string): Promise<void> {
  signal(pid, 'SIGINT');
  if (await exited(pid, FAST_SHUTDOWN_MS)) return;
  signal(pid, 'SIGQUIT');
  if (await exited(pid, IMMEDIATE_SHUTDOWN_MS)) return;
  throw new EmbeddedPostgresError(`PostgreSQL (pid ${pid}) in ${dataDir} does not stop. Stop it by hand (kill -9 ${pid}) and start again.`);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

async function exited(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(100);
  }
  return !isAlive(pid);
}

/** Alive and not a zombie (a crashed postmaster nobody reaped still answers kill 0). */
export function isAlive(pid: number): boolean {
  return exists(pid) && !isZombie(pid);
}

/** What Postgres itself checks: any process, zombies included, under that pid. */
function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isZombie(pid: number): boolean {
  if (!LINUX) return false;
  try {
    // The state follows the parenthesised command name, which may itself hold spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

/** True when `pid` is the postmaster (not a backend) of the cluster in `realDataDir`. */
async function isPostmasterOf(pid: number, realDataDir: string): Promise<boolean> {
  if (!isAlive(pid)) return false;
  const args = await commandLine(pid);
  // Backends retitle themselves "postgres: …"; the postmaster keeps its command line.
  if (!args.length || path.basename(args[0]!) !== 'postgres') return false;
  if (LINUX && (await cwdOf(pid)) === realDataDir) return true;
  const flag = args.indexOf('-D');
  const dir = flag >= 0 ? args[flag + 1] : undefined;
  return dir !== undefined && (await realpath(dir).catch(() => path.resolve(dir))) === realDataDir;
}

async function commandLine(pid: number): Promise<string[]> {
  if (LINUX) {
    const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    return raw.split('\0').filter(Boolean);
  }
  if (process.platform === 'win32') return [];
  // macOS and the BSDs: no /proc; ps joins the arguments with spaces, enough to find "-D <dir>".
  const { stdout } = await promisify(execFile)('ps', ['-o', 'args=', '-p', String(pid)]).catch(() => ({ stdout: '' }));
  return stdout.trim().split(/\s+/).filter(Boolean);
}

async function cwdOf(pid: number): Promise<string | null> {
  return readlink(`/proc/${pid}/cwd`).catch(() => null);
}

/** Live processes whose working folder is the cluster (a postmaster and its backends chdir there). */
async function processesIn(realDataDir: string): Promise<number[]> {
  const entries = await readdir('/proc').catch(() => [] as string[]);
  const found: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if ((await cwdOf(pid)) === realDataDir && isAlive(pid)) found.push(pid);
  }
  return found;
}
