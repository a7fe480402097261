import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';
import { observePool } from '../observability/metrics.js';
import { NoAnswerError } from './unavailable.js';
import { registerPool } from './pg-tx.js';

export type { PrismaClient };
export { Prisma } from '../generated/prisma/client.js';

export interface DatabaseOptions {
  url: string;
  poolSize?: number;
  /** The booking's direct transactions prepare their statements once per connection (FRONTDESK_DB_PREPARE, db/pg-tx.ts). */
  prepareStatements?: boolean;
  /** Overrides of the bounds below (tests shorten them). */
  limits?: Partial<DatabaseLimits>;
  /** Reports the pool's use at /metrics under this name. */
  poolName?: string;
}

/**
 * How long the server waits on Postgres before a desk hears "unavailable,
 * try again" instead of waiting on: no request may hang on a database that
 * is down, cut off or out of connections.
 */
export interface DatabaseLimits {
  /** Opening a connection, or waiting for a free one in the pool. */
  connectMs: number;
  /** One statement, lock waits included (Postgres's statement_timeout). */
  statementMs: number;
  /** A transaction whose client fell silent (a cut network) gives its locks back after this (Postgres's idle_in_transaction_session_timeout). */
  idleInTransactionMs: number;
  /** A statement with no answer at all this long means the network is gone: the connection is dropped, never reused. */
  answerMs: number;
}

export const DEFAULT_LIMITS: DatabaseLimits = {
  connectMs: 5_000,
  statementMs: 8_000,
  idleInTransactionMs: 10_000,
  // Past statement_timeout, a live server has always answered (if only with an error).
  answerMs: 10_000,
};

export function createPrisma({ url, poolSize = 20, limits = {}, poolName, prepareStatements = false }: DatabaseOptions): PrismaClient {
  const bounds = { ...DEFAULT_LIMITS, ...limits };
  // The pool is made here, not by the adapter, so its gauges can be read; $disconnect still ends it.
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: bounds.connectMs,
    // An idle connection to a vanished host is found dead instead of kept.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    statement_timeout: bounds.statementMs,
    idle_in_transaction_session_timeout: bounds.idleInTransactionMs,
    Client: answeringClient(bounds.answerMs),
  });
  if (poolName) observePool(poolName, pool);
  const client = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  // The booking's hot path runs its transaction on this pool directly (db/pg-tx.ts).
  registerPool(client, pool, prepareStatements);
  return client;
}

/**
 * A pg client that drops its connection when a statement goes unanswered for
 * `answerMs`. A silent network cut then fails the request instead of hanging
 * it; and the connection, whose transaction state is unknown, is never handed
 * to another request (pg's own query_timeout leaves it in the pool, stuck).
 */
function answeringClient(answerMs: number): typeof pg.Client {
  return class AnsweringClient extends pg.Client {
    override query(...args: unknown[]): never {
      const query = pg.Client.prototype.query as (...a: unknown[]) => unknown;
      const timer = setTimeout(() => this.dropConnection(), answerMs);
      const settle = (): void => clearTimeout(timer);
      const last = args.at(-1);
      if (typeof last === 'function') {
        args[args.length - 1] = (...result: unknown[]) => {
          settle();
          (last as (...r: unknown[]) => void)(...result);
        };
      }
      const result = query.apply(this, args);
      if (result instanceof Promise) result.then(settle, settle);
      else if (typeof last !== 'function') settle(); // a Submittable (cursor, stream): not bounded here
      return result as never;
    }

    private dropConnection(): void {
      // Destroying the socket fails every query on it and marks the client unusable, so the pool discards it.
      (this as unknown as { connection: { stream: { destroy(error: Error): void } } }).connection.stream.destroy(new NoAnswerError(answerMs));
    }
  };
}
