// A place in the log's delivery order. Rows are delivered by (tx_id, seq), not
// by seq alone: seqs are drawn when a transaction inserts, but become visible
// when it commits, so a lower seq can appear after a higher one. Transaction
// ids below the snapshot horizon (xmin) belong to finished transactions only,
// so nothing can ever appear behind a (tx_id, seq) cursor kept under it; a
// cursor that moved past a transaction still open remembers it (cursor.ts).
export interface Position {
  tx: bigint;
  seq: bigint;
}

/** Before every row of the log. */
export const ORIGIN: Position = { tx: 0n, seq: 0n };

/** The largest seq (and transaction id part) Postgres's bigint can hold. */
export const MAX_BIGINT = 2n ** 63n - 1n;

export function comparePositions(a: Position, b: Position): number {
  if (a.tx !== b.tx) return a.tx < b.tx ? -1 : 1;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return 0;
}

export function isAfter(a: Position, b: Position): boolean {
  return comparePositions(a, b) > 0;
}

export function maxPosition(a: Position, b: Position): Position {
  return isAfter(a, b) ? a : b;
}

export function positionOf(row: { tx_id: string; seq: string }): Position {
  return { tx: BigInt(row.tx_id), seq: BigInt(row.seq) };
}

/** A non-negative integer written in decimal digits that fits a Postgres bigint, or null. */
export function parseBigint(text: string): bigint | null {
  if (!/^\d{1,20}$/.test(text)) return null;
  const value = BigInt(text);
  return value <= MAX_BIGINT ? value : null;
}
