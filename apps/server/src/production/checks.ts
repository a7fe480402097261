import pg from 'pg';
import { verifyPassword } from '../auth/password.js';
import { EMBEDDED_PASSWORD } from '../db/embedded.js';
import { databaseUrls } from '../db/roles.js';
import type { Env } from '../env.js';
import { DEMO_PASSWORD } from '../seed/demo.js';

// FRONTDESK_ENV=production: the server refuses to start with anything a
// stranger could know: the demo clinic, the embedded database's password, the
// demo password, or runtime-role passwords derived from either.

/** A refusal in plain words: main.ts prints it without a stack and exits with code 1. */
export class ProductionRefusal extends Error {
  constructor(problems: readonly string[]) {
    super(`FRONTDESK_ENV=production refuses what anyone could know:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ProductionRefusal';
  }
}

const DEFAULT_PASSWORDS = [EMBEDDED_PASSWORD, DEMO_PASSWORD];

const passwordOf = (url: string): string => decodeURIComponent(new URL(url).password);

/** The default passwords, and the runtime roles' passwords the server derives from them (db/roles.ts). */
function knownPasswords(): Set<string> {
  const known = new Set(DEFAULT_PASSWORDS);
  for (const password of DEFAULT_PASSWORDS) {
    const derived = databaseUrls(`postgresql://owner:${encodeURIComponent(password)}@localhost/frontdesk`);
    known.add(passwordOf(derived.app)).add(passwordOf(derived.sync));
  }
  return known;
}

/** Before any database is touched: the seed and the connection strings. */
export function refuseUnsafeConfiguration(env: Env): void {
  const problems: string[] = [];
  if (env.FRONTDESK_SEED !== 'none') {
    problems.push(`FRONTDESK_SEED is "${env.FRONTDESK_SEED}" (the default is the demo clinic): set FRONTDESK_SEED=none.`);
  }
  if (!env.DATABASE_URL) {
    problems.push('DATABASE_URL is not set, so the server would run the embedded database, whose password is fixed and public: point DATABASE_URL at your PostgreSQL.');
    throw new ProductionRefusal(problems);
  }
  const known = knownPasswords();
  const urls = databaseUrls(env.DATABASE_URL, { app: env.FRONTDESK_APP_DATABASE_URL, sync: env.FRONTDESK_SYNC_DATABASE_URL });
  if (known.has(passwordOf(urls.owner))) {
    problems.push("DATABASE_URL uses a default password (the embedded database's or the demo's), and the runtime roles' passwords derived from it are known too: give the owner a password of its own.");
  } else if (urls.derived && !passwordOf(urls.owner)) {
    problems.push(
      'DATABASE_URL has no password, so the passwords the server derives from it for frontdesk_app and frontdesk_sync follow from the address alone: ' +
        'give those roles logins and set FRONTDESK_APP_DATABASE_URL and FRONTDESK_SYNC_DATABASE_URL.',
    );
  }
  if (!urls.derived) {
    for (const [name, url] of [
      ['FRONTDESK_APP_DATABASE_URL', urls.app],
      ['FRONTDESK_SYNC_DATABASE_URL', urls.sync],
    ] as const) {
      if (known.has(passwordOf(url))) problems.push(`${name} uses a default password (or one derived from a default): give the role a password of its own.`);
    }
  }
  if (problems.length) throw new ProductionRefusal(problems);
}

/** After migrating: no account may still sign in with the demo password. Read as the owner, whom row-level security does not filter. */
export async function refuseDemoPasswords(ownerUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  let rows: { email: string; password_hash: string }[];
  try {
    ({ rows } = await client.query<{ email: string; password_hash: string }>('SELECT email, password_hash FROM staff ORDER BY email'));
  } finally {
    await client.end();
  }
  const matches = await Promise.all(rows.map((row) => verifyPassword(row.password_hash, DEMO_PASSWORD)));
  const found = rows.filter((_, i) => matches[i]).map((row) => row.email);
  if (found.length) {
    throw new ProductionRefusal([
      `${found.length} account(s) still sign in with the demo password "${DEMO_PASSWORD}" (${found.slice(0, 5).join(', ')}${found.length > 5 ? ', …' : ''}): change their passwords.`,
    ]);
  }
}
