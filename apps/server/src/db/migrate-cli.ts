import { startEmbeddedPostgres } from './embedded.js';
import { migrate } from './migrate.js';
import { readEnv } from '../env.js';
import path from 'node:path';
import { PROJECT_ROOT } from '../paths.js';

const env = readEnv();
const embedded = env.DATABASE_URL
  ? null
  : await startEmbeddedPostgres({ dataDir: env.FRONTDESK_DATA_DIR ?? path.join(PROJECT_ROOT, '.data', 'postgres'), port: env.FRONTDESK_PG_PORT, database: 'frontdesk' });
if (embedded) console.log(`embedded PostgreSQL data: ${embedded.dataDir}`);
try {
  const result = await migrate(env.DATABASE_URL ?? embedded!.url());
  console.log(result.applied.length ? `applied: ${result.applied.join(', ')}` : 'database is up to date');
} finally {
  await embedded?.stop();
}
