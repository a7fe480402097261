import { startEmbeddedPostgres } from './embedded.js';
import { migrate } from './migrate.js';
import { readEnv } from '../env.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const env = readEnv();
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const embedded = env.DATABASE_URL
  ? null
  : await startEmbeddedPostgres({ dataDir: env.FRONTDESK_DATA_DIR ?? path.join(root, '.data', 'postgres'), port: env.FRONTDESK_PG_PORT, database: 'frontdesk' });
if (embedded) console.log(`embedded PostgreSQL data: ${embedded.dataDir}`);
try {
  const result = await migrate(env.DATABASE_URL ?? embedded!.url());
  console.log(result.applied.length ? `applied: ${result.applied.join(', ')}` : 'database is up to date');
} finally {
  await embedded?.stop();
}
