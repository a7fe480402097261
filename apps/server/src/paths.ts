import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Kept at the top of src/: `npm run build` bundles it into dist/main.js, which
// is one folder under apps/server as well, so the same relative path holds.
export const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'prisma', 'migrations');
