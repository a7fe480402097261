import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDeps, type Deps } from '../deps.js';
import { createPrisma, type PrismaClient } from '../db/prisma.js';
import { databaseUrls } from '../db/roles.js';
import { createLogger } from '../logger.js';
import { TEMPLATE_DB } from './global-setup.js';

export interface TestDatabase {
  url: string;
  /** A raw pg pool for checking the database directly, past the app (as the owner, whom row-level security does not filter). */
  sql: pg.Pool;
  /** Prisma as the owner: seeds clinics and checks rows across tenants. The app's client is `deps.db`. */
  owner: PrismaClient;
  deps: Deps;
  drop(): Promise<void>;
}

/** A fresh, migrated database cloned from the template, with app deps on it. */
export async function createTestDatabase(options: { poolSize?: number } = {}): Promise<TestDatabase> {
  const adminUrl = inject('pgAdminUrl');
  const name = `frontdesk_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const sql = new pg.Pool({ connectionString: url.toString(), max: 4 });
  const owner = createPrisma({ url: url.toString(), poolSize: 4 });
  const deps = createDeps({ urls: databaseUrls(url.toString()), logger: createLogger(process.env.LOG_LEVEL ?? 'silent'), poolSize: options.poolSize ?? 30 });
  return {
    url: url.toString(),
    sql,
    owner,
    deps,
    async drop() {
      await deps.db.$disconnect();
      await owner.$disconnect();
      await sql.end();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
