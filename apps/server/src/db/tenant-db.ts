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
