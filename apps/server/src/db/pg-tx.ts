import { createHash } from 'node:crypto';
import pg from 'pg';
import { traced } from '../observability/tracing.js';
import { Prisma } from './prisma.js';

// A transaction on one pg connection of the same pool Prisma uses, for the
// booking's hot path: the statements are the same raw SQL, without Prisma's
// interactive-transaction machinery around each (about a sixth of a booking's
// server CPU in the profile), and BEGIN goes with the tenant's scope in one
// round trip. It offers the raw-SQL half of Prisma's transaction client; a
// model method is refused.

// On the client itself, under a symbol: the request-scoped proxy over it (db/request-scope.ts) passes symbols through.
const POOL = Symbol('frontdesk.pool');

/** Pools whose direct transactions prepare their statements (FRONTDESK_DB_PREPARE, below). */
const preparing = new WeakSet<pg.Pool>();

/** The pool under a Prisma client made by createPrisma (db/prisma.ts); `prepare`: FRONTDESK_DB_PREPARE, below. */
export function registerPool(db: object, pool: pg.Pool, prepare = false): void {
  Object.defineProperty(db, POOL, { value: pool });
  if (prepare) preparing.add(pool);
}

export function poolOf(db: object): pg.Pool | undefined {
  return (db as { [POOL]?: pg.Pool })[POOL];
}

const INT8 = 20;
const DATE = 1082;
// What Prisma's $queryRaw gives for these (bigint as BigInt, a date as UTC midnight); the rest as pg parses them.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8) return (value: string) => BigInt(value);
    if (oid === DATE) return (value: string) => new Date(`${value}T00:00:00Z`);
    return pg.types.getTypeParser(oid, format);
  },
};

/**
 * FRONTDESK_DB_PREPARE (env.ts): the hot path's statements are prepared once
 * per connection (named), so Postgres parses and plans each once instead of on
 * every booking (measured about 2 ms of Postgres's time per booking). Not
 * behind PgBouncer in transaction mode before 1.21: a statement prepared on
 * one server connection is missing on the next.
 */
const names = new Map<string, string>();

/** One name per statement text (the hot path has a handful); past a bound, texts go unnamed rather than grow the map. */
function statementName(text: string): string | undefined {
  let name = names.get(text);
  if (name === undefined && names.size < 500) names.set(text, (name = `fd_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`));
  return name;
}

function toSql(query: TemplateStringsArray | Prisma.Sql, values: unknown[]): Prisma.Sql {
  return query instanceof Prisma.Sql ? query : Prisma.sql(query, ...(values as Prisma.Sql[]));
}

/** A raw statement's parameter as Prisma sends it (pg turns undefined into NULL as well). */
function param(value: unknown): unknown {
  return value === undefined ? null : value;
}

/** The transaction ran past its time limit; coded as Prisma codes it (P2028), so the desk hears UNAVAILABLE either way (db/unavailable.ts). */
class TransactionExpired extends Error {
  readonly code = 'P2028';
  constructor() {
    super('Transaction already closed: it ran out of time');
  }
}

/** The transaction client handed to `work`: the raw-SQL methods of Prisma.TransactionClient, on one pg connection. */
export class PgTx {
  /** Set when the transaction ran out of time: every later statement fails (Prisma's interactive timeout does the same). */
  expired = false;

  constructor(
    readonly client: pg.PoolClient,
    private readonly prepare: boolean,
  ) {}

  private async run(text: string, values: readonly unknown[]): Promise<pg.QueryResult> {
    if (this.expired) throw new TransactionExpired();
    return this.client.query({ text, values: values.map(param), types, ...(this.prepare ? { name: statementName(text) } : {}) } as pg.QueryConfig);
  }

  async $queryRaw<T = unknown>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<T> {
    const sql = toSql(query, values);
    return (await this.run(sql.text, sql.values)).rows as T;
  }

  async $executeRaw(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<number> {
    const sql = toSql(query, values);
    return (await this.run(sql.text, sql.values)).rowCount ?? 0;
  }

  async $queryRawUnsafe<T = unknown>(text: string, ...values: unknown[]): Promise<T> {
    return (await this.run(text, values)).rows as T;
  }

  async $executeRawUnsafe(text: string, ...values: unknown[]): Promise<number> {
    return (await this.run(text, values)).rowCount ?? 0;
  }
}

/**
 * Seen as Prisma's transaction client by the code it runs. A model method (read or write) is refused:
 * run elsewhere it would not see this transaction's own writes, and would wait for a second pooled
 * connection while holding this one (through PgBouncer's few server connections, every holder waits).
 */
function asTransactionClient(tx: PgTx): Prisma.TransactionClient {
  return new Proxy(tx, {
    get(target, prop, receiver) {
      if (prop in target || typeof prop !== 'string') return Reflect.get(target, prop, receiver);
      return new Proxy(
        {},
        {
          get(_, method) {
            throw new Error(`${prop}.${String(method)} is not available in a direct transaction: write raw SQL`);
          },
        },
      );
    },
  }) as unknown as Prisma.TransactionClient;
}

const quote = (value: string) => `'${value.replaceAll("'", "''")}'`;

/**
 * One attempt: BEGIN with the settings (one round trip), `work`, COMMIT; any
 * failure rolls back (a broken connection is dropped, not pooled again).
 */
export async function runDirect<T>(
  pool: pg.Pool,
  settings: Record<string, string>,
  timeoutMs: number,
  work: (tx: Prisma.TransactionClient) => Promise<T>,
): Promise<T> {
  let broken: Error | true | undefined;
  const client = await pool.connect();
  // Checked out, the client has no listener of the pool's: a connection lost between statements (Postgres killed,
  // the network cut, no answer) would be an unhandled 'error' event. Its next statement fails with the reason.
  const lost = (error: Error) => (broken = error);
  client.on('error', lost);
  const tx = new PgTx(client, preparing.has(pool));
  const timer = setTimeout(() => (tx.expired = true), timeoutMs);
  let working = false;
  try {
    const configs = Object.entries(settings).map(([k, v]) => `set_config(${quote(k)}, ${quote(v)}, true)`);
    await traced('db.begin', () => client.query(configs.length ? `BEGIN; SELECT ${configs.join(', ')}` : 'BEGIN'));
    let result: T;
    try {
      working = true;
      result = await work(asTransactionClient(tx));
      if (tx.expired) throw new TransactionExpired();
    } catch (error) {
      // Rolled back, the connection is as good as new; if even that fails, it is dropped.
      await client.query('ROLLBACK').catch((e: Error) => (broken = e));
      throw error;
    }
    working = false;
    await traced('db.commit', () => client.query('COMMIT'));
    return result;
  } catch (error) {
    // BEGIN or COMMIT failed other than by Postgres's answer (cut, timed out): the connection's state is unknown.
    if (!working && broken === undefined && !(error instanceof pg.DatabaseError)) broken = true;
    throw error;
  } finally {
    clearTimeout(timer);
    client.removeListener('error', lost);
    client.release(broken);
  }
}
