import type { PrismaClient } from './prisma.js';
import type { Tx } from './tx.js';

/** The unprivileged role row-level security applies to (the migration creates it). */
export const APP_ROLE = 'frontdesk_app';

/**
 * Scopes the current transaction to a tenant for row-level security: sets
 * app.tenant_id and drops to the unprivileged role, both until the
 * transaction ends. Superusers bypass row-level security, hence the role.
 */
export async function enterTenant(tx: Tx, tenantId: string): Promise<void> {
  await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true), set_config('role', ${APP_ROLE}, true)`;
}

/**
 * A client whose every model operation runs in its own short transaction
 * scoped to `tenantId` (Prisma's row-level-security extension pattern), for
 * reads outside `inTransaction`. A forgotten tenant filter then still cannot
 * return another tenant's rows. Raw queries ($queryRaw) are not wrapped.
 */
export function tenantDb(db: PrismaClient, tenantId: string) {
  return db.$extends({
    name: 'tenant-scope',
    query: {
      $allModels: {
        async $allOperations({ args, query }) {
          const [, result] = await db.$transaction([
            db.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true), set_config('role', ${APP_ROLE}, true)`,
            query(args),
          ]);
          return result;
        },
      },
    },
  });
}

export type TenantDb = ReturnType<typeof tenantDb>;
