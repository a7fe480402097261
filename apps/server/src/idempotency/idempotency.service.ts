import type { Actor } from '../auth/scope.js';
import { inTransaction, type Db, type Tx } from '../db/tx.js';
import { assertReplay, type IdempotencyClaim, type IdempotencyRecord } from './idempotency.js';
import type { IdempotencyRepository } from './idempotency.repository.js';

/** Keyed commands (hold, book, issueToken): the key is claimed with the command, and a replay gets the first result. */
export class IdempotencyService {
  constructor(
    private readonly db: Db,
    private readonly repo: IdempotencyRepository,
  ) {}

  /**
   * The result of an earlier command sent with this key by this staff member,
   * or null when there is none (carry the command out). A key used for
   * anything else is refused (see idempotency.ts).
   */
  earlier<T>(actor: Actor, claim: IdempotencyClaim, result: (tx: Tx, record: IdempotencyRecord) => Promise<T | null>): Promise<T | null> {
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      const record = await this.repo.find(tx, actor.tenantId, actor.staffId, claim.key);
      if (!record) return null;
      assertReplay(actor, claim, record);
      return result(tx, record);
    });
  }

  /** Claims the key in the command's own transaction, naming what the command makes. */
  keep(tx: Tx, actor: Actor, claim: IdempotencyClaim, made: { branchId: string; appointmentId?: string; tokenId?: string }): Promise<void> {
    return this.repo.insert(tx, { ...claim, tenantId: actor.tenantId, staffId: actor.staffId, ...made });
  }
}
