import { DomainError } from '@frontdesk/shared';

// The refusals every feature throws alike. A feature's own (SLOT_TAKEN with
// its alternatives, a reused idempotency key) are made where they happen;
// trpc/errors.ts maps them all to tRPC at the edge.

export function notFound(entity: string): DomainError<'NOT_FOUND'> {
  return new DomainError('NOT_FOUND', `That ${entity} does not exist or is not yours.`, { entity });
}

/**
 * Work that stopped part-way and only needs trying again, with nothing lost:
 * a live stream ends with it so the desk reconnects and resumes from its last
 * id. The edge answers SERVICE_UNAVAILABLE, which tRPC's client retries.
 */
export class RetryableError extends Error {
  override readonly name = 'RetryableError';
}

export function forbidden(message = 'You do not have access to that.'): DomainError<'FORBIDDEN'> {
  return new DomainError('FORBIDDEN', message, {});
}
