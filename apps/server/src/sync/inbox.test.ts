import { describe, expect, it } from 'vitest';
import type { AnyLogEvent } from '@frontdesk/shared';
import { Inbox } from './changes.service.js';
import type { ReaderState } from './cursor.js';
import type { LogEntry } from './log.repository.js';

// One stream's inbox in a process that serves several clinics: another
// clinic's commits move the reader's state but must not wake this stream.

const OURS = '00000000-0000-4000-8000-000000000001';
const THEIRS = '00000000-0000-4000-8000-000000000002';

const entry = (tenantId: string, seq: number): LogEntry => ({
  position: { tx: BigInt(seq), seq: BigInt(seq) },
  patientId: null,
  size: 400,
  event: { tenantId, seq: String(seq) } as unknown as AnyLogEvent,
});
const state = (seq: number): ReaderState => ({ cursor: { tx: BigInt(seq), seq: BigInt(seq) }, pending: new Set() });

/** Whether `wait` returned before its timeout. */
async function woken(inbox: Inbox, during: () => void): Promise<boolean> {
  const started = performance.now();
  const waiting = inbox.wait(200, undefined);
  during();
  await waiting;
  return performance.now() - started < 150;
}

describe("a stream's inbox", () => {
  it("is not woken by another clinic's rows, and keeps only the reader's newest state for them", async () => {
    const inbox = new Inbox(100, OURS);
    expect(await woken(inbox, () => [1, 2, 3].forEach((n) => inbox.push([entry(THEIRS, n)], state(n))))).toBe(false);
    expect(inbox.size).toBe(0);

    expect(await woken(inbox, () => inbox.push([entry(THEIRS, 4), entry(OURS, 5)], state(5)))).toBe(true);
    // The state the stream settles to before its own row, then its own row: nothing of theirs.
    const first = inbox.shift()!;
    expect(first.entries).toEqual([]);
    expect(first.state.cursor.seq).toBe(3n);
    const second = inbox.shift()!;
    expect(second.entries.map((e) => e.event.seq)).toEqual(['5']);
    expect(second.state.cursor.seq).toBe(5n);
    expect(inbox.shift()).toBeUndefined();
  });

  it('is woken when it overflows, and holds nothing after', async () => {
    const inbox = new Inbox(2, OURS);
    expect(await woken(inbox, () => inbox.push([1, 2, 3].map((n) => entry(OURS, n)), state(3)))).toBe(true);
    expect(inbox.overflowed).toBe(true);
    expect(inbox.size).toBe(0);
    expect(inbox.shift()).toBeUndefined();
  });
});
