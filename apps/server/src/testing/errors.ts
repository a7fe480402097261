import { DomainError, domainErrorOf, type DomainErrorShape } from '@frontdesk/shared';

/**
 * The domain error behind a failed call: from `error.data.domain` over HTTP,
 * or from the cause of the TRPCError a server-side caller throws.
 */
export function domainOf(error: unknown): DomainErrorShape | null {
  const fromData = domainErrorOf(error);
  if (fromData) return fromData;
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause instanceof DomainError ? cause.toShape() : null;
}

/** The domain code of a failure, else its tRPC code (e.g. BAD_REQUEST for invalid input). */
export function failureCode(error: unknown): string | undefined {
  return domainOf(error)?.code ?? (error as { code?: string } | null)?.code;
}

/** Settles to the error a promise rejects with, or null when it succeeds. */
export function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (e: unknown) => e,
  );
}
