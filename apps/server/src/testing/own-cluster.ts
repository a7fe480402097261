import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../db/embedded.js';
import { freePort } from './ports.js';

// A Postgres cluster of a test's own, separate from the suite's shared one,
// so the test can kill its postmaster without harming other test files.

export interface OwnCluster {
  /** Connection string (as the cluster's superuser) for a database on it. */
  url(database?: string): string;
  /** The postmaster's pid, from the lock file Postgres keeps in its data folder. */
  postmasterPid(): Promise<number>;
  /** SIGKILL of the postmaster: no shutdown, no checkpoint, as in a crash. */
  kill(): Promise<void>;
  /** Starts the cluster again on the same data folder and port (crash recovery runs); resolves when it accepts connections. */
  restart(timeoutMs?: number): Promise<void>;
  /** Stops the cluster (if it runs) and removes its files. */
  destroy(): Promise<void>;
}

export async function startOwnCluster(database = 'frontdesk'): Promise<OwnCluster> {
  // The suite's prefix: a run killed outright leaves this cluster too, and the next run's setup stops it.
  const dir = await mkdtemp(path.join(tmpdir(), 'frontdesk-test-fault-'));
  const port = await freePort();
  let running: EmbeddedDatabase | null = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port, database });
  // As root the files may live elsewhere, where the postgres user can reach them.
  const dataDir = running.dataDir;
  const url = running.url;

  const postmasterPid = async (): Promise<number> => {
    const first = (await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0];
    const pid = Number(first);
    if (!Number.isInteger(pid) || pid <= 0) throw new Error(`postmaster.pid does not start with a pid: ${first}`);
    return pid;
  };

  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  return {
    url,
    postmasterPid,
    async kill() {
      const pid = await postmasterPid();
      process.kill(pid, 'SIGKILL');
      // The killed handle cannot be stopped any more (its process is gone); never call it again.
      running = null;
      for (let i = 0; i < 500 && alive(pid); i++) await sleep(10);
    },
    async restart(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        try {
          running = await startEmbeddedPostgres({ dataDir, port, database });
          return;
        } catch (error) {
          // Backends of the killed postmaster may still hold its shared memory for a moment.
          if (Date.now() > deadline) throw new Error(`Postgres did not come back within ${timeoutMs} ms`, { cause: error });
          await sleep(200);
        }
      }
    },
    async destroy() {
      await running?.stop();
      running = null;
      await rm(dir, { recursive: true, force: true });
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
