import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../db/embedded.js';
import { orphanedPostmaster, stopProcess } from '../db/embedded/leftover.js';
import { migrate } from '../db/migrate.js';
import { databaseUrls, ensureRuntimeRoles } from '../db/roles.js';
import { freePort } from './ports.js';

export const TEMPLATE_DB = 'frontdesk_test_template';
const SCRATCH_PREFIX = 'frontdesk-test-';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}

/**
 * One real Postgres for the whole run: `DATABASE_URL` when given, else an
 * embedded cluster in a temporary folder. A migrated template database lets
 * each test file clone a fresh database in milliseconds.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let adminUrl: string;
  let stop = async (): Promise<void> => undefined;
  if (process.env.DATABASE_URL) {
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = '/postgres';
    adminUrl = url.toString();
  } else {
    await sweepKilledRuns();
    const dir = await mkdtemp(path.join(tmpdir(), SCRATCH_PREFIX));
    const db = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort(), persistent: false });
    adminUrl = db.url('postgres');
    stop = async () => {
      await db.stop();
      await rm(dir, { recursive: true, force: true });
    };
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  await admin.end();
  const templateUrl = new URL(adminUrl);
  templateUrl.pathname = `/${TEMPLATE_DB}`;
  await migrate(templateUrl.toString());
  // The runtime roles are the cluster's: one login for every test database.
  await ensureRuntimeRoles(databaseUrls(adminUrl));
  project.provide('pgAdminUrl', adminUrl);
  return stop;
}

/** A test run killed outright leaves its cluster running: stop those (never a live run's) and remove their folders. */
async function sweepKilledRuns(): Promise<void> {
  for (const name of await readdir(tmpdir())) {
    if (!name.startsWith(SCRATCH_PREFIX)) continue;
    const dataDir = path.join(tmpdir(), name, 'pg');
    const pid = await orphanedPostmaster(dataDir).catch(() => null);
    if (pid === null) continue;
    await stopProcess(pid, dataDir);
    await rm(path.join(tmpdir(), name), { recursive: true, force: true });
  }
}
