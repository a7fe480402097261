import type { Deps } from '../deps.js';
import { APP_ROLE } from '../db/tenant-db.js';
import type { PrismaClient } from '../db/prisma.js';

/**
 * Deps whose every interactive transaction runs as the unprivileged role, so
 * row-level security applies to whatever the procedures do (with no tenant
 * set, the policies let every row through, as for system work).
 */
export function withRowLevelSecurity(deps: Deps): Deps {
  const db = new Proxy(deps.db, {
    get(target, property, receiver) {
      if (property !== '$transaction') return Reflect.get(target, property, receiver) as unknown;
      return (work: unknown, options?: unknown) => {
        if (typeof work !== 'function') return target.$transaction(work as never, options as never);
        return target.$transaction(async (tx) => {
          await tx.$executeRaw`SELECT set_config('role', ${APP_ROLE}, true)`;
          return (work as (tx: unknown) => Promise<unknown>)(tx);
        }, options as never);
      };
    },
  }) as PrismaClient;
  return { ...deps, db };
}
