import { createHash } from 'node:crypto';
import { DomainError } from '@frontdesk/shared';
import type { Actor } from '../auth/scope.js';

// The rules of an idempotency key, in one place. A key is the sending staff
// member's own (a desk makes a fresh one per command and reuses it only to
// retry that command), so it is stored per (tenant, staff member, key): a key
// another desk happens to use is simply not found. With the key goes a hash
// of the command and its normalised input; only a replay with the same hash
// gets the first result back, anything else is refused without a word about
// the first request.

export type IdempotentCommand = 'booking.hold' | 'booking.book' | 'booking.issueToken' | 'series.book';

/** A command's key and the hash of what it asked for. */
export interface IdempotencyClaim {
  key: string;
  command: IdempotentCommand;
  requestHash: string;
}

/** What the database keeps of a keyed command. */
export interface IdempotencyRecord {
  command: string;
  requestHash: string;
  branchId: string;
  appointmentId: string | null;
  tokenId: string | null;
}

/** The input of hold and book, as the service receives it after validation. */
export interface PlacementRequest {
  branchId: string;
  serviceId: string;
  startsAt: string;
  resourceIds: readonly string[];
  patientId: string | null;
  holdMinutes: number | null;
  products: readonly { productId: string; quantity: number }[];
  note: string;
}

const id = (value: string) => value.toLowerCase();

/**
 * Two inputs that mean the same request hash the same: ids in lower case,
 * instants in UTC, the chosen resources and the product lines in a fixed
 * order. Keys are written in a fixed order too, so JSON.stringify is stable.
 */
export function placementClaim(mode: 'hold' | 'book', key: string, r: PlacementRequest): IdempotencyClaim {
  const command: IdempotentCommand = mode === 'hold' ? 'booking.hold' : 'booking.book';
  return claim(key, command, {
    branchId: id(r.branchId),
    serviceId: id(r.serviceId),
    startsAt: new Date(r.startsAt).toISOString(),
    resourceIds: r.resourceIds.map(id).sort(),
    patientId: r.patientId === null ? null : id(r.patientId),
    holdMinutes: r.holdMinutes,
    products: r.products.map((p) => ({ productId: id(p.productId), quantity: p.quantity })).sort((a, b) => a.productId.localeCompare(b.productId)),
    note: r.note,
  });
}

export function tokenClaim(key: string, r: { sessionId: string; patientId: string }): IdempotencyClaim {
  return claim(key, 'booking.issueToken', { sessionId: id(r.sessionId), patientId: id(r.patientId) });
}

export function claim(key: string, command: IdempotentCommand, input: Record<string, unknown>): IdempotencyClaim {
  const requestHash = createHash('sha256').update(JSON.stringify([command, input])).digest('hex');
  return { key, command, requestHash };
}

/**
 * Lets a replay through only when it is the same command with the same input,
 * and its result is in a branch the caller may act in. The refusal names the
 * caller's own key and nothing of the first request.
 */
export function assertReplay(actor: Actor, claim: IdempotencyClaim, record: IdempotencyRecord): void {
  const same = record.command === claim.command && record.requestHash === claim.requestHash;
  if (!same || !actor.branchIds.includes(record.branchId)) throw keyReused(claim.key);
}

export function keyReused(key: string): DomainError<'BAD_INPUT'> {
  return new DomainError(
    'BAD_INPUT',
    `The idempotency key "${key}" was already used for a different request. Send a new request with a new key.`,
    { field: 'idempotencyKey' },
  );
}

/** The unique index a concurrent use of the same key runs into. */
export const IDEMPOTENCY_KEY_CONSTRAINT = 'idempotency_record_pkey';
