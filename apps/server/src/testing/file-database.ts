import { afterAll, beforeAll } from 'vitest';
import { seedDemo, type DemoClinic, type DemoOptions } from '../seed/demo.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { seedIsolationClinic, type IsolationClinic } from './tenants.js';

/**
 * A fresh database for the test file that calls this, with what `seed` puts in
 * it: made before the file's tests (ahead of the file's own `beforeAll`s) and
 * dropped after them. Its fields are there once that first hook has run.
 */
export function databaseForFile<T extends object>(seed: (db: TestDatabase) => Promise<T>, options: { poolSize?: number } = {}): T & { db: TestDatabase } {
  const setup = {} as T & { db: TestDatabase };
  beforeAll(async () => {
    const db = await createTestDatabase(options);
    Object.assign(setup, { db }, await seed(db));
  });
  afterAll(() => setup.db?.drop());
  return setup;
}

/** The file's database with one demo clinic in it. */
export function demoDatabase(demo: DemoOptions, options: { poolSize?: number } = {}): { db: TestDatabase; demo: DemoClinic } {
  return databaseForFile(async (db) => ({ demo: await seedDemo(db.owner, demo) }), options);
}

/** The file's database with two isolation clinics, `a` and `b`, in two tenants. */
export function isolationDatabase(): { db: TestDatabase; a: IsolationClinic; b: IsolationClinic } {
  return databaseForFile(async (db) => ({ a: await seedIsolationClinic(db.owner, 'a'), b: await seedIsolationClinic(db.owner, 'b') }));
}
