import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { LogReader } from './log-reader.js';
import { insertRaw, record, until } from '../testing/event-log.js';

/** The reader this design replaces: remembers only the highest seq it saw. */
function naiveReader(sql: pg.Pool) {
  let last = 0n;
  const seen: string[] = [];
  return {
    seen,
    async poll() {
      const { rows } = await sql.query<{ seq: string }>('SELECT seq::text AS seq FROM "event" WHERE seq > $1 ORDER BY seq', [last.toString()]);
      for (const r of rows) {
        seen.push(r.seq);
        last = BigInt(r.seq);
      }
    },
  };
}

describe('a transaction that commits after a later one', () => {
  let db: TestDatabase;
  let reader: LogReader;
  const clients: pg.Client[] = [];
  const tenantId = randomUUID();

  async function client(): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    clients.push(c);
    return c;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    reader = new LogReader({ databaseUrl: db.url, logger: createLogger('silent') });
    await reader.start();
  });

  afterAll(async () => {
    await reader.stop();
    await Promise.all(clients.map((c) => c.end()));
    await db.drop();
  });

  it('is delivered once, before the later one, which waits for it; a seq-only reader skips it', async () => {
    const seen = await record(reader);
    const naive = naiveReader(db.sql);
    await naive.poll();

    const a = await client();
    const b = await client();
    await a.query('BEGIN');
    const seqA = await insertRaw(a, { tenantId, marker: 'A' });
    await b.query('BEGIN');
    const seqB = await insertRaw(b, { tenantId, marker: 'B' });
    await b.query('COMMIT');
    expect(BigInt(seqA)).toBeLessThan(BigInt(seqB));

    // B is committed and visible, but A (older, still open) could still add
    // rows before it in delivery order, so the reader holds B back.
    await naive.poll();
    expect(naive.seen).toEqual([seqB]);
    await sleep(400);
    expect(seen.seqs()).toEqual([]);

    await a.query('COMMIT');
    await until(() => seen.entries.length >= 2, 'both events');
    await sleep(300);
    expect(seen.seqs()).toEqual([seqA, seqB]);

    // The naive reader's cursor is already past A: it never sees it.
    await naive.poll();
    expect(naive.seen).toEqual([seqB]);
    seen.unsubscribe();
  });

  it('releases held-back rows when the older transaction ends without writing events (no NOTIFY)', async () => {
    const seen = await record(reader);
    const holder = await client();
    const writer = await client();
    await holder.query('BEGIN');
    await holder.query('SELECT pg_current_xact_id()'); // takes a transaction id, writes nothing
    const seq = await insertRaw(writer, { tenantId, marker: 'C' });
    await sleep(300);
    expect(seen.seqs()).toEqual([]);
    await holder.query('ROLLBACK');
    await until(() => seen.entries.length === 1, 'the held-back event');
    expect(seen.seqs()).toEqual([seq]);
    seen.unsubscribe();
  });

  it('many writers committing in random order: every event exactly once, in (tx_id, seq) order', async () => {
    const seen = await record(reader);
    const writers = await Promise.all(Array.from({ length: 8 }, () => client()));
    const written: string[] = [];
    for (let round = 0; round < 5; round++) {
      for (const w of writers) await w.query('BEGIN');
      for (const w of writers) for (let i = 0; i < 3; i++) written.push(await insertRaw(w, { tenantId }));
      const order = [...writers].sort(() => Math.random() - 0.5);
      await Promise.all(order.map(async (w, i) => {
        await sleep(i * 3);
        await w.query('COMMIT');
      }));
    }
    await until(() => seen.entries.length >= written.length, 'every event');
    await sleep(200);
    expect([...seen.seqs()].sort()).toEqual([...written].sort());
    expect(new Set(seen.seqs()).size).toBe(written.length);
    const { rows } = await db.sql.query<{ seq: string }>(
      'SELECT seq::text AS seq FROM "event" WHERE seq = ANY($1::bigint[]) ORDER BY tx_id, seq',
      [written],
    );
    expect(seen.seqs()).toEqual(rows.map((r) => r.seq));
    seen.unsubscribe();
  });

  it('orders by number, not text, across a digit boundary, when reading in small batches', async () => {
    const small = new LogReader({ databaseUrl: db.url, logger: createLogger('silent'), batchSize: 5 });
    await small.start();
    try {
      const seen = await record(small);
      const c = await client();
      const { rows } = await c.query<{ max: string }>('SELECT coalesce(max(seq), 0)::text AS max FROM "event"');
      const boundary = 10n ** BigInt(String(BigInt(rows[0]!.max) + 5n).length);
      await c.query(`SELECT setval('event_seq_seq', $1)`, [(boundary - 4n).toString()]);
      await c.query('BEGIN');
      const written: string[] = [];
      for (let i = 0; i < 12; i++) written.push(await insertRaw(c, { tenantId }));
      await c.query('COMMIT');
      expect(written[0]!.length).toBeLessThan(written[11]!.length);
      await until(() => seen.entries.length >= 12, 'the batch');
      await sleep(100);
      expect(seen.seqs()).toEqual(written);
    } finally {
      await small.stop();
    }
  });
});
