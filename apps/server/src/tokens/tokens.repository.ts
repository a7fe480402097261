import { randomUUID } from 'node:crypto';
import type { Db, Tx } from '../db/tx.js';
import type { SessionRow } from '../views/session.js';

// Queue tokens of capacity sessions. Every method takes the client or the
// transaction; the service decides what runs in which transaction.

export interface TokenRow {
  id: string;
  sessionId: string;
  number: number;
  patientId: string;
  status: 'ISSUED' | 'CANCELLED';
  createdAt: Date;
}

export class TokensRepository {
  async session(db: Db | Tx, tenantId: string, sessionId: string): Promise<SessionRow | null> {
    const rows = await db.$queryRaw<SessionRow[]>`
      SELECT id, branch_id AS "branchId", resource_id AS "resourceId", name, starts_at AS "startsAt", ends_at AS "endsAt",
             capacity, issued, now_serving AS "nowServing"
        FROM capacity_session WHERE id = ${sessionId}::uuid AND tenant_id = ${tenantId}::uuid`;
    return rows[0] ?? null;
  }

  /** Draws the next token number of a session, or null when it is full or not the actor's. */
  async drawToken(tx: Tx, tenantId: string, sessionId: string, branchIds: readonly string[]): Promise<number | null> {
    const rows = await tx.$queryRaw<{ issued: number }[]>`
      UPDATE capacity_session SET issued = issued + 1
       WHERE id = ${sessionId}::uuid AND tenant_id = ${tenantId}::uuid AND branch_id = ANY(${[...branchIds]}::uuid[])
         AND issued < capacity
      RETURNING issued`;
    return rows[0]?.issued ?? null;
  }

  async insertToken(tx: Tx, t: { id?: string; tenantId: string; sessionId: string; number: number; patientId: string; issuedBy: string }) {
    const rows = await tx.$queryRaw<{ id: string; createdAt: Date }[]>`
      INSERT INTO token (id, tenant_id, session_id, number, patient_id, issued_by)
      VALUES (${t.id ?? randomUUID()}::uuid, ${t.tenantId}::uuid, ${t.sessionId}::uuid, ${t.number}::int, ${t.patientId}::uuid, ${t.issuedBy}::uuid)
      RETURNING id, created_at AS "createdAt"`;
    return rows[0]!;
  }

  /** A token as it is now (a replayed issueToken returns it even once it is no longer live). */
  async token(db: Db | Tx, tenantId: string, tokenId: string): Promise<TokenRow | null> {
    const rows = await db.$queryRaw<TokenRow[]>`
      SELECT id, session_id AS "sessionId", number, patient_id AS "patientId", status::text AS status, created_at AS "createdAt"
        FROM token WHERE id = ${tokenId}::uuid AND tenant_id = ${tenantId}::uuid`;
    return rows[0] ?? null;
  }

  async liveToken(db: Db | Tx, sessionId: string, patientId: string) {
    const rows = await db.$queryRaw<{ id: string; number: number; createdAt: Date }[]>`
      SELECT id, number, created_at AS "createdAt" FROM token
       WHERE session_id = ${sessionId}::uuid AND patient_id = ${patientId}::uuid AND status = 'ISSUED'`;
    return rows[0] ?? null;
  }

  /** The next session of the same branch (and resource) that still has tokens. */
  async nextSessionWithRoom(db: Db | Tx, tenantId: string, after: { branchId: string; resourceId: string | null; startsAt: Date }) {
    const rows = await db.$queryRaw<{ id: string; name: string; startsAt: Date; remaining: number }[]>`
      SELECT id, name, starts_at AS "startsAt", capacity - issued AS remaining
        FROM capacity_session
       WHERE tenant_id = ${tenantId}::uuid AND branch_id = ${after.branchId}::uuid
         AND resource_id IS NOT DISTINCT FROM ${after.resourceId}::uuid
         AND starts_at > ${after.startsAt} AND issued < capacity AND ends_at > now()
       ORDER BY starts_at LIMIT 1`;
    return rows[0] ?? null;
  }
}
