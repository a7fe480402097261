import type { DisplayLinkView } from '@frontdesk/shared';
import type { Db, Tx } from '../db/tx.js';

// Waiting-room display links and what their page reads. The lookup by secret
// runs before any tenant is known, through frontdesk_display_lookup alone.

interface LinkRow {
  id: string;
  branchId: string;
  name: string;
  createdAt: Date;
  revokedAt: Date | null;
}

const toView = (r: LinkRow): DisplayLinkView => ({ ...r, createdAt: r.createdAt.toISOString(), revokedAt: r.revokedAt?.toISOString() ?? null });

export interface DisplayTokenRow {
  sessionId: string;
  sessionName: string;
  number: number;
  state: 'CALLED' | 'WAITING';
  counter: string | null;
  name: string | null;
}

export class DisplayRepository {
  async lookup(db: Db, secretHash: string): Promise<{ tenantId: string; branchId: string } | null> {
    const rows = await db.$queryRaw<{ tenant_id: string; branch_id: string }[]>`SELECT tenant_id, branch_id FROM frontdesk_display_lookup(${secretHash})`;
    return rows[0] ? { tenantId: rows[0].tenant_id, branchId: rows[0].branch_id } : null;
  }

  async create(tx: Tx, l: { tenantId: string; branchId: string; name: string; secretHash: string; createdBy: string }): Promise<DisplayLinkView> {
    const rows = await tx.$queryRaw<LinkRow[]>`
      INSERT INTO display_link (tenant_id, branch_id, name, secret_hash, created_by)
      VALUES (${l.tenantId}::uuid, ${l.branchId}::uuid, ${l.name}, ${l.secretHash}, ${l.createdBy}::uuid)
      RETURNING id, branch_id AS "branchId", name, created_at AS "createdAt", revoked_at AS "revokedAt"`;
    return toView(rows[0]!);
  }

  async link(tx: Tx, tenantId: string, linkId: string): Promise<DisplayLinkView | null> {
    const rows = await tx.$queryRaw<LinkRow[]>`
      SELECT id, branch_id AS "branchId", name, created_at AS "createdAt", revoked_at AS "revokedAt"
        FROM display_link WHERE tenant_id = ${tenantId}::uuid AND id = ${linkId}::uuid`;
    return rows[0] ? toView(rows[0]) : null;
  }

  async revoke(tx: Tx, tenantId: string, linkId: string): Promise<void> {
    await tx.$executeRaw`UPDATE display_link SET revoked_at = now() WHERE tenant_id = ${tenantId}::uuid AND id = ${linkId}::uuid AND revoked_at IS NULL`;
  }

  async links(tx: Tx, tenantId: string, branchId: string): Promise<DisplayLinkView[]> {
    const rows = await tx.$queryRaw<LinkRow[]>`
      SELECT id, branch_id AS "branchId", name, created_at AS "createdAt", revoked_at AS "revokedAt"
        FROM display_link WHERE tenant_id = ${tenantId}::uuid AND branch_id = ${branchId}::uuid AND revoked_at IS NULL
       ORDER BY created_at`;
    return rows.map(toView);
  }

  async setFirstNames(tx: Tx, tenantId: string, on: boolean): Promise<void> {
    await tx.$executeRaw`UPDATE tenant SET display_first_names = ${on} WHERE id = ${tenantId}::uuid`;
  }

  async settings(tx: Tx, tenantId: string, branchId: string): Promise<{ branchName: string; firstNames: boolean } | null> {
    const rows = await tx.$queryRaw<{ branchName: string; firstNames: boolean }[]>`
      SELECT b.name AS "branchName", t.display_first_names AS "firstNames"
        FROM branch b JOIN tenant t ON t.id = b.tenant_id WHERE b.tenant_id = ${tenantId}::uuid AND b.id = ${branchId}::uuid`;
    return rows[0] ?? null;
  }

  /**
   * The branch's sessions of its local today that have begun taking tokens:
   * tokens being served and the next few waiting. Names only when asked for.
   */
  async board(tx: Tx, tenantId: string, branchId: string, now: Date, withNames: boolean, nextCount: number): Promise<DisplayTokenRow[]> {
    return tx.$queryRaw<DisplayTokenRow[]>`
      WITH today AS (
        SELECT s.id, s.name, s.starts_at FROM capacity_session s JOIN branch b ON b.tenant_id = s.tenant_id AND b.id = s.branch_id
         WHERE s.tenant_id = ${tenantId}::uuid AND s.branch_id = ${branchId}::uuid AND s.issued > 0
           AND (s.starts_at AT TIME ZONE b.time_zone)::date = (${now}::timestamptz AT TIME ZONE b.time_zone)::date
      ), ranked AS (
        SELECT t.session_id, t.number, t.queue_state, t.counter, t.called_at, t.patient_id, t.walk_in_name,
               row_number() OVER (PARTITION BY t.session_id, t.queue_state ORDER BY COALESCE(t.queue_order, t.number), t.number) AS place
          FROM token t JOIN today ON today.id = t.session_id
         WHERE t.tenant_id = ${tenantId}::uuid AND t.status = 'ISSUED' AND t.queue_state IN ('CALLED', 'WAITING')
      )
      SELECT r.session_id AS "sessionId", today.name AS "sessionName", r.number, r.queue_state::text AS state, r.counter,
             CASE WHEN ${withNames} THEN split_part(btrim(COALESCE(p.name, r.walk_in_name, '')), ' ', 1) END AS name
        FROM ranked r JOIN today ON today.id = r.session_id
        LEFT JOIN patient p ON p.tenant_id = ${tenantId}::uuid AND p.id = r.patient_id
       WHERE r.queue_state = 'CALLED' OR r.place <= ${nextCount}
       ORDER BY today.starts_at, today.id, r.queue_state, r.called_at DESC NULLS LAST, r.place`;
  }
}
