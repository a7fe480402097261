import { describe, expect, it } from 'vitest';
import { DomainError } from '@frontdesk/shared';
import { Prisma } from '../db/prisma.js';
import { isUnavailable, NoAnswerError } from '../db/unavailable.js';
import { toTRPCError } from '../trpc/errors.js';

// The shapes connection failures arrive in, as seen from pg, pg-pool,
// @prisma/adapter-pg and Prisma during the fault tests.

const socketError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, syscall: 'connect', errno: -111 });
const pgServerError = (code: string, message: string) => Object.assign(new Error(message), { code, severity: 'FATAL' });
const prismaKnown = (code: string, meta: Record<string, unknown> = {}) => new Prisma.PrismaClientKnownRequestError('failed', { code, clientVersion: 'test', meta });
const adapterWrapped = (cause: Record<string, unknown>) => prismaKnown('P2010', { driverAdapterError: { name: 'DriverAdapterError', cause } });
/** Inside an interactive transaction the adapter's error arrives unwrapped. */
const adapterBare = (cause: Record<string, unknown>) => Object.assign(new Error(String(cause.kind)), { name: 'DriverAdapterError', cause });

const UNAVAILABLE: [string, unknown][] = [
  ['ECONNREFUSED (Postgres not listening)', socketError('ECONNREFUSED')],
  ['ECONNRESET (connection reset)', socketError('ECONNRESET')],
  ['57P01 admin_shutdown (postmaster died)', pgServerError('57P01', 'terminating connection due to unexpected postmaster exit')],
  ['57P03 cannot_connect_now (starting up)', pgServerError('57P03', 'the database system is starting up')],
  ['53300 too_many_connections', pgServerError('53300', 'sorry, too many clients already')],
  ['08006 connection_failure', pgServerError('08006', 'connection failure')],
  ['25P03 idle-in-transaction timeout', pgServerError('25P03', 'terminating connection due to idle-in-transaction timeout')],
  ['57014 statement timeout', pgServerError('57014', 'canceling statement due to statement timeout')],
  ['P1001 cannot reach', prismaKnown('P1001')],
  ['P1017 server closed the connection', prismaKnown('P1017')],
  ['P2024 no pool slot in time', prismaKnown('P2024')],
  ['P2028 transaction could not start or expired', prismaKnown('P2028')],
  ['adapter DatabaseNotReachable, wrapped', adapterWrapped({ kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 5432 })],
  ['adapter 57P03, wrapped', adapterWrapped({ kind: 'postgres', originalCode: '57P03', code: '57P03' })],
  ['adapter ConnectionClosed, bare', adapterBare({ kind: 'ConnectionClosed' })],
  ['adapter TooManyConnections, bare', adapterBare({ kind: 'TooManyConnections', originalCode: '53300' })],
  ['pg: Connection terminated unexpectedly', new Error('Connection terminated unexpectedly')],
  ['pg: connect timeout', new Error('Connection terminated due to connection timeout')],
  ['pg: client not queryable', new Error('Client has encountered a connection error and is not queryable')],
  ['pg-pool: no free connection in time', new Error('timeout exceeded when trying to connect')],
  ['no answer: the server dropped the connection', new NoAnswerError(10_000)],
];

const NOT_UNAVAILABLE: [string, unknown][] = [
  ['23P01 exclusion violation', pgServerError('23P01', 'conflicting key value violates exclusion constraint')],
  ['40P01 deadlock (retried by the transaction, not a desk)', pgServerError('40P01', 'deadlock detected')],
  ['P2002 unique violation', prismaKnown('P2002')],
  ['a domain error', new DomainError('SLOT_TAKEN', 'taken', { blockers: [], alternatives: [] })],
  ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
  ['an Error whose message merely mentions a connection', Object.assign(new Error('Connection terminated unexpectedly'), { code: 'E_OTHER' })],
];

describe('connection failures are told apart from answers', () => {
  it.each(UNAVAILABLE)('%s: unavailable', (_, error) => expect(isUnavailable(error)).toBe(true));
  it.each(NOT_UNAVAILABLE)('%s: not unavailable', (_, error) => expect(isUnavailable(error)).toBe(false));

  it('wrapped in other errors as a cause, still found', () => {
    expect(isUnavailable(new Error('booking failed', { cause: socketError('ECONNREFUSED') }))).toBe(true);
  });
});

describe('a desk hears a typed, retryable error in plain words, never an internal error', () => {
  it.each(UNAVAILABLE)('%s: SERVICE_UNAVAILABLE with the domain code UNAVAILABLE', (_, error) => {
    const mapped = toTRPCError(error);
    expect(mapped.code).toBe('SERVICE_UNAVAILABLE');
    expect(mapped.message).toBe('The database is unavailable; try again in a moment.');
    const domain = mapped.cause as DomainError<'UNAVAILABLE'>;
    expect(domain.code).toBe('UNAVAILABLE');
    expect(domain.details.retryAfterSeconds).toBeGreaterThan(0);
  });
});
