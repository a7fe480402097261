import { DomainError } from '@frontdesk/shared';

// The refusals every feature throws alike. A feature's own (SLOT_TAKEN with
// its alternatives, a reused idempotency key) are made where they happen;
// trpc/errors.ts maps them all to tRPC at the edge.

export function notFound(entity: string): DomainError<'NOT_FOUND'> {
  return new DomainError('NOT_FOUND', `That ${entity} does not exist or is not yours.`, { entity });
}

export function forbidden(message = 'You do not have access to that.'): DomainError<'FORBIDDEN'> {
  return new DomainError('FORBIDDEN', message, {});
}
