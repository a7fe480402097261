import { sqlStateOf } from './errors.js';

// Whether a failure means "the database could not be reached or did not
// answer in time" (as opposed to an answer that says no): Postgres down or
// restarting, the network cut, every connection taken. Such a failure is
// retryable: the request changed nothing, unless it was lost while its
// COMMIT was on the wire (see inTransaction).

/** A connection the server dropped because Postgres left a statement unanswered too long (see db/prisma.ts). */
export class NoAnswerError extends Error {
  override readonly name = 'NoAnswerError';
  constructor(readonly afterMs: number) {
    super(`Postgres did not answer within ${afterMs} ms; the connection was dropped`);
  }
}

const SQLSTATES = new Set([
  '57P01', // admin_shutdown: the server is shutting down, or its postmaster died
  '57P02', // crash_shutdown: another backend crashed, every session is reset
  '57P03', // cannot_connect_now: starting up, or in recovery
  '53300', // too_many_connections
  '25P03', // idle_in_transaction_session_timeout: the server gave up on a silent client
  '57014', // query_canceled: statement_timeout, the server was too busy to finish in time
]);

// Class 08, connection exception: the connection failed or was never made.
const SQLSTATE_CLASSES = ['08'];

/** The driver adapter's names for connection failures (@prisma/adapter-pg). */
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);

/** Prisma's codes: can't reach, timed out reaching, server closed the connection, no pool slot in time, a transaction that could not start or ran out of time. */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028']);

const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'EAI_AGAIN']);

// node-postgres reports a lost or unusable connection as a plain Error with no
// code, so its own fixed messages are the only signal (pg 8, pg-pool 3).
const PG_MESSAGES = [
  /^Connection terminated/, // unexpectedly, or due to connection timeout
  /is not queryable$/, // a client whose connection already failed or was closed
  /^timeout exceeded when trying to connect$/, // pg-pool: no free connection within connectionTimeoutMillis
  /^Query read timeout$/,
];

interface Shaped {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  /** A DriverAdapterError's cause, when the adapter's error arrives unwrapped (inside interactive transactions). */
  kind?: unknown;
  meta?: { driverAdapterError?: { cause?: { kind?: unknown } } };
  cause?: unknown;
}

export function isUnavailable(error: unknown): boolean {
  const state = sqlStateOf(error);
  if (state && (SQLSTATES.has(state) || SQLSTATE_CLASSES.some((c) => state.startsWith(c)))) return true;
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
    const e = current as Shaped;
    if (current instanceof NoAnswerError) return true;
    if (typeof e.code === 'string' && (PRISMA_CODES.has(e.code) || SOCKET_CODES.has(e.code))) return true;
    const kind = e.meta?.driverAdapterError?.cause?.kind ?? e.kind;
    if (typeof kind === 'string' && ADAPTER_KINDS.has(kind)) return true;
    if (e.code === undefined && typeof e.message === 'string' && PG_MESSAGES.some((m) => m.test(e.message as string))) return true;
    current = e.cause;
  }
  return false;
}
