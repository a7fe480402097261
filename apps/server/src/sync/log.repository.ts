import type { AnyLogEvent } from '@frontdesk/shared';
import type { Db } from '../db/tx.js';
import { positionOf, type Position } from './position.js';

// The log's queries, written once as plain SQL so the log reader's dedicated
// pg.Client and the Prisma pool (for a subscriber's backlog) run the same text.
export type Query = <R>(sql: string, params: readonly unknown[]) => Promise<R[]>;

export function prismaQuery(db: Db): Query {
  return <R>(sql: string, params: readonly unknown[]) => db.$queryRawUnsafe<R[]>(sql, ...params);
}

/** An event of the log with its place in delivery order. */
export interface LogEntry {
  position: Position;
  patientId: string | null;
  event: AnyLogEvent;
}

interface EventRow {
  seq: string;
  tx_id: string;
  tenant_id: string;
  branch_id: string | null;
  type: string;
  aggregate_id: string | null;
  patient_id: string | null;
  payload: unknown;
  actor_id: string | null;
  desk: string;
  at: string;
}

const COLUMNS = `seq::text AS seq, tx_id::text AS tx_id, tenant_id::text AS tenant_id, branch_id::text AS branch_id,
  type, aggregate_id::text AS aggregate_id, patient_id::text AS patient_id, payload, actor_id::text AS actor_id, desk,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at`;

// Every ORDER BY names ev.tx_id / ev.seq: a bare name would sort by the text
// output columns of the same name, and '10' < '9'.

// Only rows of transactions below the snapshot's xmin: all of those have
// finished, so no row can later appear behind the returned ones.
const READ_FORWARD = `
WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS horizon)
SELECT h.horizon::text AS horizon,
  EXISTS (SELECT 1 FROM "event" WHERE tx_id >= h.horizon AND (tx_id, seq) > ($1::xid8, $2::bigint)) AS held_back,
  e.*
FROM h LEFT JOIN LATERAL (
  SELECT ${COLUMNS}, ev.tx_id AS tx_order, ev.seq AS seq_order FROM "event" ev
  WHERE (ev.tx_id, ev.seq) > ($1::xid8, $2::bigint) AND ev.tx_id < h.horizon
  ORDER BY ev.tx_id, ev.seq
  LIMIT $3
) e ON true
ORDER BY e.tx_order, e.seq_order`;

const HEAD = `
SELECT ev.seq::text AS seq, ev.tx_id::text AS tx_id FROM "event" ev
WHERE ev.tx_id < pg_snapshot_xmin(pg_current_snapshot())
ORDER BY ev.tx_id DESC, ev.seq DESC
LIMIT 1`;

const LOCATE = `
SELECT seq::text AS seq, tx_id::text AS tx_id FROM "event"
WHERE seq = $1::bigint AND tx_id < pg_snapshot_xmin(pg_current_snapshot())`;

const READ_SCOPED = `
SELECT ${COLUMNS} FROM "event" ev
WHERE (ev.tx_id, ev.seq) > ($1::xid8, $2::bigint) AND (ev.tx_id, ev.seq) <= ($3::xid8, $4::bigint)
  AND ev.tenant_id = $5::uuid
  AND (ev.branch_id IS NULL OR ev.branch_id::text = ANY(string_to_array($6::text, ',')))
ORDER BY ev.tx_id, ev.seq
LIMIT $7`;

function toEntry(row: EventRow): LogEntry {
  return {
    position: positionOf(row),
    patientId: row.patient_id,
    event: {
      seq: row.seq,
      type: row.type,
      tenantId: row.tenant_id,
      branchId: row.branch_id,
      aggregateId: row.aggregate_id,
      actorId: row.actor_id,
      desk: row.desk,
      at: row.at,
      payload: row.payload,
    } as AnyLogEvent,
  };
}

export interface ForwardRead {
  entries: LogEntry[];
  /** Rows after the cursor are visible but wait on an older, still open transaction. */
  heldBack: boolean;
}

export async function readForward(query: Query, after: Position, limit: number): Promise<ForwardRead> {
  const rows = await query<Partial<EventRow> & { horizon: string; held_back: boolean }>(READ_FORWARD, [
    after.tx.toString(),
    after.seq.toString(),
    limit,
  ]);
  const entries = rows.filter((r): r is EventRow & { horizon: string; held_back: boolean } => r.seq != null).map(toEntry);
  return { entries, heldBack: rows[0]?.held_back ?? false };
}

/** The last row every reader may deliver now, or null when there is none. */
export async function readHead(query: Query): Promise<Position | null> {
  const [row] = await query<{ seq: string; tx_id: string }>(HEAD, []);
  return row ? positionOf(row) : null;
}

/** Where a delivered seq sits in delivery order; null if it is unknown (trimmed) or not deliverable. */
export async function locateSeq(query: Query, seq: string): Promise<Position | null> {
  const [row] = await query<{ seq: string; tx_id: string }>(LOCATE, [seq]);
  return row ? positionOf(row) : null;
}

export interface Scope {
  tenantId: string;
  branchIds: readonly string[];
}

/** A subscriber's events in (after, upTo], in delivery order. */
export async function readScoped(query: Query, after: Position, upTo: Position, scope: Scope, limit: number): Promise<LogEntry[]> {
  const rows = await query<EventRow>(READ_SCOPED, [
    after.tx.toString(),
    after.seq.toString(),
    upTo.tx.toString(),
    upTo.seq.toString(),
    scope.tenantId,
    scope.branchIds.join(','),
    limit,
  ]);
  return rows.map(toEntry);
}
