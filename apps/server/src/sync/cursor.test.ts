import { describe, expect, it } from 'vitest';
import { MAX_PENDING, parseCursor, StreamCursor, type ReaderState } from './cursor.js';
import type { Position } from './position.js';

const at = (tx: number, seq: number): Position => ({ tx: BigInt(tx), seq: BigInt(seq) });
const reader = (cursor: Position, pending: number[] = []): ReaderState => ({ cursor, pending: new Set(pending.map(BigInt)) });

describe('a resume id', () => {
  it('is a seq, then the transactions still open below it with the last seq seen of each', () => {
    expect(parseCursor('42')).toEqual({ seq: 42n, pending: new Map() });
    expect(parseCursor('42~7~9.40')).toEqual({ seq: 42n, pending: new Map([[7n, 0n], [9n, 40n]]) });
  });

  it('beyond bigint range, malformed, or naming too many transactions, is not one (the desk gets a reset)', () => {
    expect(parseCursor('9223372036854775807')?.seq).toBe(2n ** 63n - 1n);
    for (const bad of ['9223372036854775808', '9999999999999999999', '99999999999999999999', '', 'x', '1~', '1~x', '1~2.3.4', '1~0', '-1', '1.5']) {
      expect(parseCursor(bad), bad).toBeNull();
    }
    const many = ['1', ...Array.from({ length: MAX_PENDING + 1 }, (_, i) => String(i + 1))].join('~');
    expect(parseCursor(many)).toBeNull();
  });
});

describe('a stream cursor', () => {
  it('passing an open transaction keeps it pending until the reader delivers its rows, then forgets it', () => {
    const c = new StreamCursor(at(3, 1));
    // The reader passed transaction 5 (open too long) to deliver a row of 7.
    expect(c.covers(at(7, 10))).toBe(false);
    c.advance(at(7, 10), new Set([5n]));
    c.settle(reader(at(7, 10), [5]));
    expect(c.token()).toBe('10~5');
    expect(c.covers(at(5, 8))).toBe(false);
    expect(c.covers(at(4, 2))).toBe(true);

    // 5 commits late: its rows come in one batch, and the reader no longer holds it pending.
    c.advance(at(5, 8), new Set());
    expect(c.token()).toBe('10~5.8');
    expect(c.covers(at(5, 8))).toBe(true);
    expect(c.covers(at(5, 9))).toBe(false);
    c.advance(at(5, 9), new Set());
    c.settle(reader(at(7, 10)));
    expect(c.token()).toBe('10');
    expect(c.covers(at(5, 11))).toBe(true);
  });

  it('an open transaction it did not pass itself (below its own position) is never added', () => {
    const c = new StreamCursor(at(9, 30));
    c.settle(reader(at(9, 30), [5]));
    expect(c.token()).toBe('30');
    c.advance(at(12, 31), new Set([5n, 10n]));
    expect(c.token()).toBe('31~10');
  });

  it('ahead of a reader: keeps what it knows is pending until that reader has moved past it', () => {
    const c = new StreamCursor(at(9, 30), new Map([[6n, 0n]]));
    c.settle(reader(at(4, 3)));
    expect(c.token()).toBe('30~6');
    // The reader reaches 6, finished: its rows arrive as ordinary rows, below the stream's position.
    expect(c.covers(at(6, 12))).toBe(false);
    c.advance(at(6, 12), new Set());
    c.settle(reader(at(6, 12)));
    expect(c.token()).toBe('30~6.12');
    c.settle(reader(at(8, 20)));
    expect(c.token()).toBe('30');
  });

  it('its id round-trips', () => {
    const c = new StreamCursor(at(20, 50), new Map([[11n, 0n], [13n, 44n]]));
    const parsed = parseCursor(c.token())!;
    const again = new StreamCursor(at(20, 50), parsed.pending);
    for (const p of [at(11, 1), at(13, 44), at(13, 45), at(12, 1), at(20, 50), at(20, 51)]) expect(again.covers(p)).toBe(c.covers(p));
  });
});

describe('a place and the archive', () => {
  it('misses archived rows when the archive reaches past its position, or past what it saw of a pending transaction', () => {
    const c = new StreamCursor(at(10, 50), new Map([[7n, 40n]]));
    // The archive took every row up to (7, 40): the rows of 7 it had not seen come after 40.
    expect(c.missesArchived(at(7, 40))).toBe(false);
    expect(c.missesArchived(at(6, 99))).toBe(false);
    expect(c.missesArchived(at(7, 41))).toBe(true);
    expect(c.missesArchived(at(8, 1))).toBe(true);
    expect(c.missesArchived(at(10, 51))).toBe(true);
    expect(new StreamCursor(at(10, 50)).missesArchived(at(10, 50))).toBe(false);
    // From the start of the log, any archive is a gap.
    expect(new StreamCursor(at(0, 0)).missesArchived(at(1, 1))).toBe(true);
  });
});
