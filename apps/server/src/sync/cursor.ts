import { comparePositions, isAfter, ORIGIN, parseBigint, type Position } from './position.js';

// Where a reader, or one desk's stream, stands in the log. Rows are delivered
// in (tx_id, seq) order below the oldest open transaction; a transaction that
// stays open too long is passed over (it would otherwise stall every desk) and
// remembered as pending, and its rows are delivered when it ends. So a place
// in the log is a position plus the open transactions passed below it.

/** What the log reader has fanned out: every row up to `cursor`, except rows of the `pending` transactions. */
export interface ReaderState {
  cursor: Position;
  pending: ReadonlySet<bigint>;
}

/** The most transactions a resume id may name as pending; the reader never passes over more than it may name. */
export const MAX_PENDING = 32;

/** A resume id as the desk sends it back: the seq of its position, and the pending transactions with the last seq seen of each. */
export interface ParsedCursor {
  seq: bigint;
  pending: Map<bigint, bigint>;
}

/**
 * Reads a resume id: `<seq>`, then `~<xid>` or `~<xid>.<seq>` per pending
 * transaction. Null when it is not one, or a number is beyond bigint range
 * (no log ever had such a row: the caller resets rather than refusing).
 */
export function parseCursor(text: string): ParsedCursor | null {
  const [head, ...rest] = text.split('~');
  const seq = parseBigint(head ?? '');
  if (seq === null || rest.length > MAX_PENDING) return null;
  const pending = new Map<bigint, bigint>();
  for (const part of rest) {
    const [xidText, seenText, extra] = part.split('.');
    const xid = parseBigint(xidText ?? '');
    const seen = seenText === undefined ? 0n : parseBigint(seenText);
    if (xid === null || seen === null || extra !== undefined || xid === 0n) return null;
    pending.set(xid, seen);
  }
  return { seq, pending };
}

/**
 * One stream's place: it has covered (delivered, or skipped as not its
 * desk's) every row up to `position`, except rows of the `pending`
 * transactions after the seq noted for each.
 */
export class StreamCursor {
  position: Position;
  /** Seq of the row at `position` (0 before the first): the resume id names it. */
  private positionSeq: bigint;
  readonly pending: Map<bigint, bigint>;

  constructor(position: Position, pending: ReadonlyMap<bigint, bigint> | ReadonlySet<bigint> = new Map()) {
    this.position = position;
    this.positionSeq = position.seq;
    this.pending = new Map();
    for (const entry of pending instanceof Map ? pending : new Map([...pending].map((x) => [x, 0n] as const))) {
      if (entry[0] < position.tx) this.pending.set(entry[0], entry[1]);
    }
  }

  static at(reader: ReaderState): StreamCursor {
    return new StreamCursor(reader.cursor, reader.pending);
  }

  /** Whether the row at `at` was already covered by this stream. */
  covers(at: Position): boolean {
    if (isAfter(at, this.position)) return false;
    const seen = this.pending.get(at.tx);
    return seen === undefined || at.seq <= seen;
  }

  /**
   * Takes in a row not yet covered, fanned out by a reader whose pending set
   * (after that batch) is `readerPending`: a row past the position moves it,
   * and the open transactions it passes become pending; a row of a pending
   * transaction is noted as seen.
   */
  advance(at: Position, readerPending: ReadonlySet<bigint>): void {
    if (!isAfter(at, this.position)) {
      const seen = this.pending.get(at.tx);
      if (seen !== undefined && at.seq > seen) this.pending.set(at.tx, at.seq);
      return;
    }
    this.passTo(at, readerPending);
  }

  /**
   * After a reader's batch (or a backlog read up to its state): moves up to
   * the reader's cursor, and forgets pending transactions the reader has
   * finished with (it delivers all rows of one in a single batch, and has
   * moved past them).
   */
  settle(reader: ReaderState): void {
    if (isAfter(reader.cursor, this.position)) this.passTo(reader.cursor, reader.pending);
    for (const xid of [...this.pending.keys()]) {
      if (xid < reader.cursor.tx && !reader.pending.has(xid)) this.pending.delete(xid);
    }
  }

  /** Whether the archive, which took every row up to `archived`, took a row this stream had not covered. */
  missesArchived(archived: Position): boolean {
    return archivedPast(archived, this.position, this.pending);
  }

  /** The resume id of this place. */
  token(): string {
    const parts = [this.positionSeq.toString()];
    for (const [xid, seen] of [...this.pending].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      parts.push(seen === 0n ? xid.toString() : `${xid}.${seen}`);
    }
    return parts.join('~');
  }

  /** The seq of the position, as the `live`/`reset` messages name it. */
  get seq(): string {
    return this.positionSeq.toString();
  }

  private passTo(at: Position, readerPending: ReadonlySet<bigint>): void {
    for (const xid of readerPending) {
      if (xid > this.position.tx && xid < at.tx && !this.pending.has(xid)) this.pending.set(xid, 0n);
    }
    this.position = at;
    this.positionSeq = at.seq;
  }
}

/**
 * Whether the archive, which took every row up to `archived` in delivery
 * order, took a row that a place had not covered: one past its position, or
 * one of a pending transaction past the seq seen of it.
 */
export function archivedPast(archived: Position, position: Position, pending: Iterable<readonly [bigint, bigint]>): boolean {
  if (isAfter(archived, position)) return true;
  for (const [tx, seen] of pending) if (isAfter(archived, { tx, seq: seen })) return true;
  return false;
}

export function sameState(a: ReaderState, b: ReaderState): boolean {
  return comparePositions(a.cursor, b.cursor) === 0 && a.pending.size === b.pending.size && [...a.pending].every((x) => b.pending.has(x));
}

export const START: ReaderState = { cursor: ORIGIN, pending: new Set() };
