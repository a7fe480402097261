// Generates the Prisma client after install. The Prisma CLI wants a native
// schema engine it would download; generating the engine-less client does not
// use it, so any existing file satisfies the check and nothing is fetched.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync('node_modules/.bin/prisma')) {
  console.log('prisma-generate: prisma CLI not installed yet, skipping');
  process.exit(0);
}
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
};
const result = spawnSync('node_modules/.bin/prisma', ['generate'], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
