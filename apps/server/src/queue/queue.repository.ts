import { randomUUID } from 'node:crypto';
import type { QueueState, QueueTokenView } from '@frontdesk/shared';
import { Prisma } from '../db/prisma.js';
import type { Db, Tx } from '../db/tx.js';

// The walk-in queue's reads and writes. Stateless; every method takes the
// transaction first. A token's place is COALESCE(queue_order, number).

interface QueueTokenRow {
  id: string;
  sessionId: string;
  number: number;
  state: QueueState;
  patientId: string | null;
  name: string;
  walkIn: boolean;
  counter: string | null;
  calledAt: Date | null;
  servedAt: Date | null;
  callCount: number;
}

export interface QueueSessionRow {
  id: string;
  branchId: string;
  name: string;
  capacity: number;
  issued: number;
}

const TOKEN_COLUMNS = Prisma.sql`t.id, t.session_id AS "sessionId", t.number, t.queue_state::text AS state, t.patient_id AS "patientId",
  COALESCE(p.name, t.walk_in_name, '') AS name, (t.patient_id IS NULL) AS "walkIn", t.counter,
  t.called_at AS "calledAt", t.served_at AS "servedAt", t.call_count AS "callCount"`;

export function toQueueToken(row: QueueTokenRow): QueueTokenView {
  return { ...row, calledAt: row.calledAt?.toISOString() ?? null, servedAt: row.servedAt?.toISOString() ?? null };
}

export class QueueRepository {
  async session(db: Db | Tx, tenantId: string, sessionId: string): Promise<QueueSessionRow | null> {
    const rows = await db.$queryRaw<QueueSessionRow[]>`
      SELECT id, branch_id AS "branchId", name, capacity, issued FROM capacity_session
       WHERE tenant_id = ${tenantId}::uuid AND id = ${sessionId}::uuid`;
    return rows[0] ?? null;
  }

  /** A live token with its session's branch, locked for this transaction's change. */
  async lockToken(tx: Tx, tenantId: string, tokenId: string) {
    const rows = await tx.$queryRaw<{ id: string; sessionId: string; branchId: string; state: QueueState; patientId: string | null; counter: string | null }[]>`
      SELECT t.id, t.session_id AS "sessionId", s.branch_id AS "branchId", t.queue_state::text AS state, t.patient_id AS "patientId", t.counter
        FROM token t JOIN capacity_session s ON s.tenant_id = t.tenant_id AND s.id = t.session_id
       WHERE t.tenant_id = ${tenantId}::uuid AND t.id = ${tokenId}::uuid AND t.status = 'ISSUED'
       FOR UPDATE OF t`;
    return rows[0] ?? null;
  }

  async token(db: Db | Tx, tenantId: string, tokenId: string): Promise<QueueTokenView | null> {
    const rows = await db.$queryRaw<QueueTokenRow[]>`
      SELECT ${TOKEN_COLUMNS} FROM token t LEFT JOIN patient p ON p.tenant_id = t.tenant_id AND p.id = t.patient_id
       WHERE t.tenant_id = ${tenantId}::uuid AND t.id = ${tokenId}::uuid`;
    return rows[0] ? toQueueToken(rows[0]) : null;
  }

  /** Every live token of a session, in calling order. */
  async tokens(db: Db | Tx, tenantId: string, sessionId: string): Promise<QueueTokenView[]> {
    const rows = await db.$queryRaw<QueueTokenRow[]>`
      SELECT ${TOKEN_COLUMNS} FROM token t LEFT JOIN patient p ON p.tenant_id = t.tenant_id AND p.id = t.patient_id
       WHERE t.tenant_id = ${tenantId}::uuid AND t.session_id = ${sessionId}::uuid AND t.status = 'ISSUED'
       ORDER BY COALESCE(t.queue_order, t.number), t.number`;
    return rows.map(toQueueToken);
  }

  /**
   * The first waiting token of the session, taken by this transaction: a token
   * another desk is calling at this moment is locked, so it is skipped, never shared.
   */
  async takeNextWaiting(tx: Tx, tenantId: string, sessionId: string): Promise<string | null> {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM token
       WHERE tenant_id = ${tenantId}::uuid AND session_id = ${sessionId}::uuid AND status = 'ISSUED' AND queue_state = 'WAITING'
       ORDER BY COALESCE(queue_order, number), number
       LIMIT 1 FOR UPDATE SKIP LOCKED`;
    return rows[0]?.id ?? null;
  }

  /** The tokens a counter is serving in a session: served once it calls the next. */
  async finishCounter(tx: Tx, tenantId: string, sessionId: string, counter: string): Promise<string[]> {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      UPDATE token SET queue_state = 'SERVED', served_at = now()
       WHERE tenant_id = ${tenantId}::uuid AND session_id = ${sessionId}::uuid AND status = 'ISSUED'
         AND queue_state = 'CALLED' AND counter = ${counter}
      RETURNING id`;
    return rows.map((r) => r.id);
  }

  async call(tx: Tx, tenantId: string, tokenId: string, counter: string, staffId: string): Promise<void> {
    await tx.$executeRaw`
      UPDATE token SET queue_state = 'CALLED', counter = ${counter}, called_by = ${staffId}::uuid, called_at = now(),
                       call_count = call_count + 1, skipped_at = NULL
       WHERE tenant_id = ${tenantId}::uuid AND id = ${tokenId}::uuid`;
    // The session's "now serving" is the number called last (kept for older desks and the day view).
    await tx.$executeRaw`
      UPDATE capacity_session s SET now_serving = t.number FROM token t
       WHERE t.tenant_id = ${tenantId}::uuid AND t.id = ${tokenId}::uuid AND s.tenant_id = t.tenant_id AND s.id = t.session_id`;
  }

  async served(tx: Tx, tenantId: string, tokenId: string): Promise<void> {
    await tx.$executeRaw`UPDATE token SET queue_state = 'SERVED', served_at = now() WHERE tenant_id = ${tenantId}::uuid AND id = ${tokenId}::uuid`;
  }

  /** Back: waits again after everyone waiting now. Out: leaves the queue until recalled. */
  async skip(tx: Tx, tenantId: string, tokenId: string, sessionId: string, to: 'back' | 'out'): Promise<void> {
    if (to === 'out') {
      await tx.$executeRaw`UPDATE token SET queue_state = 'SKIPPED', skipped_at = now() WHERE tenant_id = ${tenantId}::uuid AND id = ${tokenId}::uuid`;
      return;
    }
    await tx.$executeRaw`
      UPDATE token SET queue_state = 'WAITING', skipped_at = now(),
             queue_order = (SELECT COALESCE(max(COALESCE(queue_order, number)), 0) + 1 FROM token
                             WHERE tenant_id = ${tenantId}::uuid AND session_id = ${sessionId}::uuid AND status = 'ISSUED')
       WHERE tenant_id = ${tenantId}::uuid AND id = ${tokenId}::uuid`;
  }

  async insertWalkIn(tx: Tx, t: { tenantId: string; sessionId: string; number: number; name: string; issuedBy: string }) {
    const rows = await tx.$queryRaw<{ id: string; createdAt: Date }[]>`
      INSERT INTO token (id, tenant_id, session_id, number, patient_id, walk_in_name, issued_by)
      VALUES (${randomUUID()}::uuid, ${t.tenantId}::uuid, ${t.sessionId}::uuid, ${t.number}::int, NULL, ${t.name}, ${t.issuedBy}::uuid)
      RETURNING id, created_at AS "createdAt"`;
    return rows[0]!;
  }

  async attachPatient(tx: Tx, tenantId: string, tokenId: string, patientId: string): Promise<void> {
    await tx.$executeRaw`UPDATE token SET patient_id = ${patientId}::uuid WHERE tenant_id = ${tenantId}::uuid AND id = ${tokenId}::uuid`;
  }

  async patientExists(tx: Tx, tenantId: string, patientId: string): Promise<boolean> {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM patient WHERE tenant_id = ${tenantId}::uuid AND id = ${patientId}::uuid AND merged_into_id IS NULL`;
    return rows.length > 0;
  }
}
