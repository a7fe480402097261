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
export async function createTestDatabase(options: { poolSize?: number; prepareStatements?: boolean } = {}): Promise<TestDatabase> {
  const created = await newDatabase(TEMPLATE_DB);
  const sql = new pg.Pool({ connectionString: created.url, max: 4 });
  const owner = createPrisma({ url: created.url, poolSize: 4 });
  const deps = createDeps({ urls: databaseUrls(created.url), logger: createLogger(process.env.LOG_LEVEL ?? 'silent'), poolSize: options.poolSize ?? 30, prepareStatements: options.prepareStatements ?? false });
  return {
    url: created.url,
    sql,
    owner,
    deps,
    async drop() {
      await deps.db.$disconnect();
      await owner.$disconnect();
      await sql.end();
      await created.drop();
    },
  };
}

/** An empty database, no migration applied, for tests of the migrations themselves. */
export async function createEmptyDatabase(): Promise<Pick<TestDatabase, 'url' | 'sql' | 'drop'>> {
  const created = await newDatabase('template1');
  const sql = new pg.Pool({ connectionString: created.url, max: 2 });
  return {
    url: created.url,
    sql,
    async drop() {
      await sql.end();
      await created.drop();
    },
  };
}

async function newDatabase(template: string): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = inject('pgAdminUrl');
  const name = `frontdesk_test_${randomBytes(6).toString('hex')}`;
  const asAdmin = async (statement: string) => {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query(statement);
    } finally {
      await admin.end();
    }
  };
  await asAdmin(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => asAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
