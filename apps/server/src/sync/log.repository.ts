import type { AnyLogEvent } from '@frontdesk/shared';
import { inTransaction, type Db } from '../db/tx.js';
import type { ReaderState } from './cursor.js';
import { positionOf, type Position } from './position.js';

// Every read of the event log, as plain SQL in the few functions below, so the
// log reader's dedicated pg.Client and the Prisma pool (for a subscriber's
// backlog) run the same text:
// - readForward / readTransactions / readHead / locateSeq: the log reader's own
//   connection, as the log-reader role (every tenant's rows; locateSeq gives
//   a subscriber a position only);
// - readScoped: one subscriber's backlog, in its tenant's transaction;
// - archiveEvents: the retention job's move of the oldest rows to the archive.
export type Query = <R>(sql: string, params: readonly unknown[]) => Promise<R[]>;

/** Runs the log's queries for one subscriber, in a transaction of its tenant (row-level security shows nothing otherwise). */
export function prismaQuery(db: Db, tenantId: string): Query {
  return <R>(sql: string, params: readonly unknown[]) => inTransaction(db, { tenantId }, (tx) => tx.$queryRawUnsafe<R[]>(sql, ...params));
}

/** An event of the log with its place in delivery order. */
export interface LogEntry {
  position: Position;
  patientId: string | null;
  event: AnyLogEvent;
  /** About the bytes its JSON takes on the wire (its payload's text and the envelope): what bounds a message of several. */
  size: number;
}

/** The envelope of an event on the wire besides its payload (ids, type, desk, time), about. */
const ENVELOPE_BYTES = 320;

interface EventRow {
  seq: string;
  tx_id: string;
  tenant_id: string;
  branch_id: string | null;
  type: string;
  aggregate_id: string | null;
  patient_id: string | null;
  /** The payload's JSON text (read as text: its length is the event's size, and parsing it costs what the driver's jsonb parse would). */
  payload: string;
  actor_id: string | null;
  desk: string;
  at: string;
}

const COLUMNS = `ev.seq::text AS seq, ev.tx_id::text AS tx_id, ev.tenant_id::text AS tenant_id, ev.branch_id::text AS branch_id,
  ev.type, ev.aggregate_id::text AS aggregate_id, ev.patient_id::text AS patient_id, ev.payload::text AS payload, ev.actor_id::text AS actor_id, ev.desk,
  to_char(ev.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at`;

// The archive horizon (every row up to it has left the log; retention.ts),
// read in the same statement, so the same snapshot, as the rows beside it.
const ARCHIVED = `(SELECT tx_id::text FROM event_archive_horizon) AS archived_tx, (SELECT seq::text FROM event_archive_horizon) AS archived_seq`;

// Lists travel as comma-separated text: one parameter type for both clients.
const xids = (n: number) => `string_to_array($${n}::text, ',')::xid8[]`;

// Every ORDER BY names ev.tx_id / ev.seq (or numeric copies): a bare name
// would sort by the text output columns of the same name, and '10' < '9'.

// Rows after the cursor, of transactions below the horizon: the oldest
// transaction still open, not counting those the reader chose to pass over
// ($4: open too long, or passed already). Every other open transaction is at
// or above the horizon, so no row can later appear behind the returned ones,
// except rows of the passed-over transactions, which the reader remembers.
// One statement, one snapshot: the open transactions and the rows agree.
const READ_FORWARD = `
WITH s AS MATERIALIZED (SELECT pg_current_snapshot() AS snap),
running AS MATERIALIZED (SELECT x FROM s, pg_snapshot_xip(s.snap) AS x),
h AS (
  SELECT coalesce((SELECT min(x) FROM running WHERE NOT x = ANY(${xids(4)})), (SELECT pg_snapshot_xmax(snap) FROM s)) AS horizon
)
SELECT h.horizon::text AS horizon,
  (SELECT coalesce(string_agg(x::text, ','), '') FROM running) AS running,
  EXISTS (SELECT 1 FROM "event" WHERE tx_id >= h.horizon AND (tx_id, seq) > ($1::xid8, $2::bigint)) AS held_back,
  ${ARCHIVED}, e.*
FROM h LEFT JOIN LATERAL (
  SELECT ${COLUMNS}, ev.tx_id AS tx_order, ev.seq AS seq_order FROM "event" ev
  WHERE (ev.tx_id, ev.seq) > ($1::xid8, $2::bigint) AND ev.tx_id < h.horizon
  ORDER BY ev.tx_id, ev.seq
  LIMIT $3
) e ON true
ORDER BY e.tx_order, e.seq_order`;

// All rows of transactions that have ended (committed ones show their rows).
const READ_TRANSACTIONS = `
SELECT ${COLUMNS} FROM "event" ev
WHERE ev.tx_id = ANY(${xids(1)})
ORDER BY ev.tx_id, ev.seq`;

const HEAD = `
SELECT ev.seq::text AS seq, ev.tx_id::text AS tx_id FROM "event" ev
WHERE ev.tx_id < pg_snapshot_xmin(pg_current_snapshot())
ORDER BY ev.tx_id DESC, ev.seq DESC
LIMIT 1`;

// A committed row, and the transactions still open below it (no reader can
// have delivered their rows yet, so a resume treats them as pending).
const LOCATE = `
SELECT ev.seq::text AS seq, ev.tx_id::text AS tx_id,
  (SELECT coalesce(string_agg(x::text, ','), '') FROM pg_snapshot_xip(pg_current_snapshot()) AS x WHERE x < ev.tx_id) AS open_below
FROM "event" ev
WHERE ev.seq = $1::bigint`;

// A subscriber's rows that the reader has fanned out (up to its cursor, not of
// its pending transactions) and the subscriber has not covered (after its
// position, or of its own pending transactions after the seq it saw of each).
const SCOPE = `ev.tenant_id = $5::uuid AND ($6::boolean OR ev.branch_id IS NULL OR ev.branch_id::text = ANY(string_to_array($7::text, ',')))
  AND (ev.tx_id, ev.seq) <= ($3::xid8, $4::bigint) AND NOT ev.tx_id = ANY(${xids(8)})`;
const READ_SCOPED = `
SELECT ${ARCHIVED}, r.seq, r.tx_id, r.tenant_id, r.branch_id, r.type, r.aggregate_id, r.patient_id, r.payload, r.actor_id, r.desk, r.at
FROM (VALUES (1)) AS one(x) LEFT JOIN LATERAL (
  SELECT * FROM (
    SELECT ${COLUMNS}, ev.tx_id AS tx_order, ev.seq AS seq_order FROM "event" ev
    WHERE (ev.tx_id, ev.seq) > ($1::xid8, $2::bigint) AND ${SCOPE}
    UNION ALL
    SELECT ${COLUMNS}, ev.tx_id AS tx_order, ev.seq AS seq_order
    FROM unnest(${xids(9)}, string_to_array($10::text, ',')::bigint[]) AS p(x, seen)
    JOIN "event" ev ON ev.tx_id = p.x AND ev.seq > p.seen
    WHERE ${SCOPE}
  ) u
  ORDER BY u.tx_order, u.seq_order
  LIMIT $11
) r ON true
ORDER BY r.tx_order, r.seq_order`;

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
      payload: JSON.parse(row.payload) as unknown,
    } as AnyLogEvent,
    size: row.payload.length + ENVELOPE_BYTES,
  };
}

interface ArchivedColumns {
  archived_tx: string | null;
  archived_seq: string | null;
}

function archivedOf(row: ArchivedColumns | undefined): Position | null {
  return row?.archived_tx != null && row.archived_seq != null ? positionOf({ tx_id: row.archived_tx, seq: row.archived_seq }) : null;
}

/** Rows of a read that also carries the horizon: every row, or one of nulls when nothing matched. */
function entriesOf(rows: readonly Partial<EventRow>[]): LogEntry[] {
  return rows.filter((r): r is EventRow => r.seq != null).map(toEntry);
}

const list = (values: Iterable<bigint>) => [...values].join(',');
const parseList = (text: string) => (text ? text.split(',').map((x) => BigInt(x)) : []);

export interface ForwardRead {
  entries: LogEntry[];
  /** Transactions running at the read (every database's). */
  running: bigint[];
  /** Rows after the cursor are visible but wait on an older, still open transaction. */
  heldBack: boolean;
  /** Every row up to this has been archived; null when none has. */
  archived: Position | null;
}

/** Rows after `after` that no open transaction can precede any more, except the `passOver` ones. */
export async function readForward(query: Query, after: Position, passOver: Iterable<bigint>, limit: number): Promise<ForwardRead> {
  const rows = await query<Partial<EventRow> & ArchivedColumns & { running: string; held_back: boolean }>(READ_FORWARD, [
    after.tx.toString(),
    after.seq.toString(),
    limit,
    list(passOver),
  ]);
  return { entries: entriesOf(rows), running: parseList(rows[0]?.running ?? ''), heldBack: rows[0]?.held_back ?? false, archived: archivedOf(rows[0]) };
}

/** Every row of the given transactions, which have ended. */
export async function readTransactions(query: Query, txIds: readonly bigint[]): Promise<LogEntry[]> {
  if (txIds.length === 0) return [];
  return (await query<EventRow>(READ_TRANSACTIONS, [list(txIds)])).map(toEntry);
}

/** The last row every reader may deliver now, or null when there is none. */
export async function readHead(query: Query): Promise<Position | null> {
  const [row] = await query<{ seq: string; tx_id: string }>(HEAD, []);
  return row ? positionOf(row) : null;
}

export interface Located {
  position: Position;
  /** Transactions still open below it. */
  openBelow: bigint[];
}

/** Where a delivered seq sits in delivery order; null if no committed row has it (trimmed, or another database's). */
export async function locateSeq(query: Query, seq: bigint): Promise<Located | null> {
  const [row] = await query<{ seq: string; tx_id: string; open_below: string }>(LOCATE, [seq.toString()]);
  return row ? { position: positionOf(row), openBelow: parseList(row.open_below) } : null;
}

export interface Scope {
  tenantId: string;
  /** Null: every branch of the tenant (a tenant-wide role). */
  branchIds: readonly string[] | null;
}

export interface Covered {
  position: Position;
  pending: ReadonlyMap<bigint, bigint>;
}

export interface ScopedRead {
  entries: LogEntry[];
  /** The archive horizon as of the same read: rows up to it that `from` did not cover are missing from `entries`. */
  archived: Position | null;
}

/** A subscriber's events that `upTo` (a reader's state) covers and `from` does not, in delivery order. */
export async function readScoped(query: Query, from: Covered, upTo: ReaderState, scope: Scope, limit: number): Promise<ScopedRead> {
  const rows = await query<Partial<EventRow> & ArchivedColumns>(READ_SCOPED, [
    from.position.tx.toString(),
    from.position.seq.toString(),
    upTo.cursor.tx.toString(),
    upTo.cursor.seq.toString(),
    scope.tenantId,
    scope.branchIds === null,
    (scope.branchIds ?? []).join(','),
    list(upTo.pending),
    list(from.pending.keys()),
    list(from.pending.values()),
    limit,
  ]);
  return { entries: entriesOf(rows), archived: archivedOf(rows[0]) };
}

/**
 * Moves up to `limit` of the oldest rows (in delivery order, every tenant's)
 * created before `before` to the archive, through the one system function
 * that may; returns how many moved (0 too while another process moves).
 */
export async function archiveEvents(db: Db, before: Date, limit: number): Promise<number> {
  const [row] = await db.$queryRaw<{ moved: number }[]>`SELECT frontdesk_archive_events(${before}::timestamptz, ${limit}::int) AS moved`;
  return row?.moved ?? 0;
}
