import { createHmac } from 'node:crypto';
import pg from 'pg';

// The database roles Frontdesk runs as. Migrations and seeding run as the
// owner (the DATABASE_URL user); requests run as APP_ROLE, which row-level
// security confines to one tenant; the log reader runs as SYNC_ROLE, which
// may only read the event log. The migration creates both roles.

export const APP_ROLE = 'frontdesk_app';
export const SYNC_ROLE = 'frontdesk_sync';

export interface DatabaseUrls {
  /** Owns the schema: migrations, seeding. Never used to serve a request. */
  owner: string;
  /** Serves requests: not owner, not superuser, no BYPASSRLS. */
  app: string;
  /** The log reader's LISTEN connection: reads the event log only. */
  sync: string;
  /** True when app and sync were derived from the owner, so `ensureRuntimeRoles` sets their passwords. */
  derived: boolean;
}

/**
 * The three connection strings. Without explicit runtime URLs, each runtime
 * role logs in to the owner's host and database with a password derived from
 * the owner's, so every server process computes the same one.
 */
export function databaseUrls(ownerUrl: string, given: { app?: string | undefined; sync?: string | undefined } = {}): DatabaseUrls {
  if (given.app && given.sync) return { owner: ownerUrl, app: given.app, sync: given.sync, derived: false };
  if (given.app || given.sync) throw new Error('Set both FRONTDESK_APP_DATABASE_URL and FRONTDESK_SYNC_DATABASE_URL, or neither.');
  return { owner: ownerUrl, app: roleUrl(ownerUrl, APP_ROLE), sync: roleUrl(ownerUrl, SYNC_ROLE), derived: true };
}

function roleUrl(ownerUrl: string, role: string): string {
  const url = new URL(ownerUrl);
  url.username = role;
  url.password = derivedPassword(ownerUrl, role);
  return url.toString();
}

function derivedPassword(ownerUrl: string, role: string): string {
  const owner = new URL(ownerUrl);
  const secret = owner.password ? decodeURIComponent(owner.password) : ownerUrl;
  return createHmac('sha256', secret).update(`frontdesk runtime role ${role}`).digest('base64url');
}

/**
 * Gives the derived runtime roles their login and password (idempotent), as
 * the owner, after migrating. Explicit runtime URLs are the operator's to manage.
 */
export async function ensureRuntimeRoles(urls: DatabaseUrls): Promise<void> {
  if (!urls.derived) return;
  if ((await canLogIn(urls.app)) && (await canLogIn(urls.sync))) return;
  const client = new pg.Client({ connectionString: urls.owner });
  await client.connect();
  try {
    // Server processes starting together would otherwise race on the role's catalogue row.
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(72707370)');
    for (const [role, url] of [
      [APP_ROLE, urls.app],
      [SYNC_ROLE, urls.sync],
    ] as const) {
      const password = decodeURIComponent(new URL(url).password);
      try {
        await client.query(`ALTER ROLE ${client.escapeIdentifier(role)} LOGIN PASSWORD ${client.escapeLiteral(password)}`);
      } catch (error) {
        throw new Error(
          `Could not give the database role ${role} a login as ${new URL(urls.owner).username}: ${(error as Error).message}. ` +
            'Either let the migration user manage roles (CREATEROLE), or give both roles a login yourself and set ' +
            'FRONTDESK_APP_DATABASE_URL and FRONTDESK_SYNC_DATABASE_URL.',
          { cause: error },
        );
      }
    }
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}

async function canLogIn(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
