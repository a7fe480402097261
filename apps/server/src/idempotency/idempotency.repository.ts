import type { Tx } from '../db/tx.js';
import type { IdempotencyClaim, IdempotencyRecord } from './idempotency.js';

/** What is kept of a keyed command: whose key, what it asked for, and what it made. */
export type NewIdempotencyRecord = IdempotencyClaim & { tenantId: string; staffId: string; branchId: string; appointmentId?: string; tokenId?: string };

export class IdempotencyRepository {
  /** The record of a command this staff member sent with this key, if any. */
  async find(tx: Tx, tenantId: string, staffId: string, key: string): Promise<IdempotencyRecord | null> {
    const rows = await tx.$queryRaw<IdempotencyRecord[]>`
      SELECT command, request_hash AS "requestHash", branch_id AS "branchId", appointment_id AS "appointmentId", token_id AS "tokenId"
        FROM idempotency_record
       WHERE tenant_id = ${tenantId}::uuid AND staff_id = ${staffId}::uuid AND key = ${key}`;
    return rows[0] ?? null;
  }

  /**
   * Claims a key for a command, before the command's own rows. A concurrent
   * claim of the same key waits here for this transaction, then fails with a
   * unique violation (IDEMPOTENCY_KEY_CONSTRAINT) if this one committed.
   */
  async insert(tx: Tx, r: NewIdempotencyRecord): Promise<void> {
    await tx.$executeRaw`
      INSERT INTO idempotency_record (tenant_id, staff_id, key, command, request_hash, branch_id, appointment_id, token_id)
      VALUES (${r.tenantId}::uuid, ${r.staffId}::uuid, ${r.key}, ${r.command}, ${r.requestHash}, ${r.branchId}::uuid,
              ${r.appointmentId ?? null}::uuid, ${r.tokenId ?? null}::uuid)`;
  }
}
