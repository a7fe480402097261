import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { DomainError, type ErrorCode } from '@frontdesk/shared';
import { PG, sqlStateOf } from '../db/errors.js';
import { isUnavailable } from '../db/unavailable.js';
import { RetryableError } from '../errors.js';

const TRPC_CODE: Record<ErrorCode, TRPC_ERROR_CODE_KEY> = {
  SLOT_TAKEN: 'CONFLICT',
  AFFECTS_APPOINTMENTS: 'CONFLICT',
  HOLD_EXPIRED: 'CONFLICT',
  STALE: 'CONFLICT',
  CAPACITY_FULL: 'CONFLICT',
  OUT_OF_STOCK: 'CONFLICT',
  INVALID_STATE: 'CONFLICT',
  OUTSIDE_HOURS: 'UNPROCESSABLE_CONTENT',
  NOT_FOUND: 'NOT_FOUND',
  BAD_INPUT: 'BAD_REQUEST',
  FORBIDDEN: 'FORBIDDEN',
  UNAUTHORIZED: 'UNAUTHORIZED',
  TOO_MANY_ATTEMPTS: 'TOO_MANY_REQUESTS',
  UNAVAILABLE: 'SERVICE_UNAVAILABLE',
};

/** A desk may try again after about this long; Postgres restarting or a pool slot freeing takes seconds. */
const RETRY_AFTER_SECONDS = 2;

/** Database failures that reached the edge unhandled, as domain errors. */
function fromDatabase(error: unknown): DomainError | null {
  if (isUnavailable(error)) {
    return new DomainError('UNAVAILABLE', 'The database is unavailable; try again in a moment.', { retryAfterSeconds: RETRY_AFTER_SECONDS });
  }
  switch (sqlStateOf(error)) {
    case PG.EXCLUSION_VIOLATION:
      return new DomainError('SLOT_TAKEN', 'That time was just taken.', { blockers: [], alternatives: [] });
    case PG.OUTSIDE_HOURS:
      // The schedule changed after the desk's check read it: the database's guard had the last word.
      return new DomainError('OUTSIDE_HOURS', 'Not working at that time any more: the hours just changed.', { resourceHours: [], timeOff: [] });
    case PG.FOREIGN_KEY_VIOLATION:
      return new DomainError('NOT_FOUND', 'Something this refers to does not exist or is not yours.', { entity: 'reference' });
    case PG.CHECK_VIOLATION:
      return new DomainError('BAD_INPUT', 'That change would break a rule of the clinic data.', {});
    case PG.INVALID_TEXT_REPRESENTATION:
      return new DomainError('BAD_INPUT', 'A value is not in the expected format.', {});
    default:
      // Class 22, data exception: a value out of range, a NUL byte in text, a bad date.
      return sqlStateOf(error)?.startsWith('22') ? new DomainError('BAD_INPUT', 'A value is out of range or not in the expected format.', {}) : null;
  }
}

/** The one mapping from anything a procedure throws to a tRPC error. */
export function toTRPCError(error: unknown): TRPCError {
  if (error instanceof TRPCError) return error;
  if (error instanceof RetryableError) return new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: error.message, cause: error.cause });
  const domain: DomainError | null = error instanceof DomainError ? error : fromDatabase(error);
  if (domain) return new TRPCError({ code: TRPC_CODE[domain.code], message: domain.message, cause: domain });
  return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'Internal error', cause: error });
}
