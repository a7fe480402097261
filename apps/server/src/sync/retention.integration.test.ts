import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeMessage } from '@frontdesk/shared';
import type { Actor } from '../auth/scope.js';
import { createLogger } from '../logger.js';
import { seedDemo, type DemoClinic } from '../seed/demo.js';
import { anonymousCaller, callerFor } from '../testing/callers.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { race } from '../testing/race.js';
import { streamChanges } from './changes.service.js';
import { archiveEvents } from './log.repository.js';
import { ArchivedPastReaderError, LogReader } from './log-reader.js';
import { archiveBefore, startEventRetention } from './retention.js';
import { eventsOf, insertRaw, markersOf, next, record, until, type Stream } from '../testing/event-log.js';

// Events older than the retention age move to event_archive. A desk that
// resumes from a place the archive took is told to reload; one after it goes
// on with no gap; a reader that fell behind the archive ends its streams.

describe('event-log retention', () => {
  let db: TestDatabase;
  let clinic: DemoClinic;
  let desk: { token: string; actor: Actor };
  const streams: Stream[] = [];

  function open(lastEventId?: string): Stream {
    const s = streamChanges({ deps: db.deps, actor: desk.actor, token: desk.token, lastEventId });
    streams.push(s);
    return s;
  }

  async function write(marker = randomUUID()): Promise<{ marker: string; seq: string }> {
    return { marker, seq: await insertRaw(db.sql, { tenantId: clinic.tenantId, branchId: clinic.branches.east, marker }) };
  }

  /** The next message on the stream with an event of one of these markers, or no events (another test's may be in between). */
  async function nextOf(stream: Stream, markers: readonly string[]): Promise<{ id: string; message: ChangeMessage }> {
    for (;;) {
      const got = await next(stream);
      if (got.message.kind !== 'events' || markersOf(got.message).some((m) => markers.includes(m))) return got;
    }
  }

  /** Archives everything created before `before` until the row `seq` has moved (a transaction open elsewhere in the cluster may hold it back a while). */
  async function archiveThrough(before: Date, seq: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      await archiveBefore(db.deps.db, before, 50);
      const { rows } = await db.sql.query('SELECT 1 FROM event_archive WHERE seq = $1', [seq]);
      if (rows.length > 0) return;
      if (Date.now() > deadline) throw new Error(`event ${seq} was not archived`);
      await sleep(50);
    }
  }

  /** A moment between two writes: every row written before it is older, every row after newer. */
  async function cutoff(): Promise<Date> {
    await sleep(20);
    const at = new Date();
    await sleep(20);
    return at;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    clinic = await seedDemo(db.owner, { emailDomain: 'retention.test' });
    const { token } = await anonymousCaller(db.deps).auth.login({ email: clinic.staff.receptionist.email, password: clinic.password, desk: 'desk' });
    desk = { token, actor: (await db.deps.auth.authenticate(token))! };
  });

  afterAll(async () => {
    await Promise.all(streams.map((s) => s.return?.()));
    await db.deps.logReader.stop();
    await db.drop();
  });

  it('a desk whose last seen event was archived resumes with reset; one after the archived range resumes with no gap', async () => {
    const live = open();
    expect((await next(live)).message.kind).toBe('live');
    // One at a time, so each has a message (and an id) of its own.
    const e1 = await write();
    const seen1 = await nextOf(live, [e1.marker]);
    const e2 = await write();
    const seen2 = await nextOf(live, [e2.marker]);
    const before = await cutoff();
    const e3 = await write();
    const seen3 = await nextOf(live, [e3.marker]);
    await live.return?.();

    await archiveThrough(before, e2.seq);
    const { rows: left } = await db.sql.query<{ seq: string }>('SELECT seq::text AS seq FROM "event" WHERE seq = ANY($1::bigint[])', [[e1.seq, e2.seq, e3.seq]]);
    expect(left.map((r) => r.seq)).toEqual([e3.seq]);

    for (const gone of [seen1, seen2]) {
      const resumed = open(gone.id);
      expect((await next(resumed)).message).toMatchObject({ kind: 'reset', reason: 'Your last position is no longer in the log.' });
    }

    const [e4, e5] = [await write(), await write()];
    const resumed = open(seen3.id);
    const got: ChangeMessage[] = [];
    while (got.flatMap(eventsOf).length < 2) got.push((await nextOf(resumed, [e4.marker, e5.marker])).message);
    expect(got.some((m) => m.kind === 'reset')).toBe(false);
    expect(got.flatMap(markersOf)).toEqual([e4.marker, e5.marker]);
  });

  it('a resume id naming a pending transaction whose rows were archived gets reset', async () => {
    const live = open();
    await next(live);
    const early = await write();
    const before = await cutoff();
    const later = await write();
    const seenLater = await nextOf(live, [later.marker]);
    await live.return?.();
    await archiveThrough(before, early.seq);
    const { rows } = await db.sql.query<{ tx: string }>('SELECT tx_id::text AS tx FROM event_archive WHERE seq = $1', [early.seq]);
    // As if the desk had passed over the early transaction while it was open, and never saw its row.
    const resumed = open(`${seenLater.id.split('~')[0]}~${rows[0]!.tx}`);
    expect((await next(resumed)).message).toMatchObject({ kind: 'reset' });
  });

  it("the audit views still show an appointment's and a patient's archived events", async () => {
    const patientId = clinic.patients[0]!;
    const caller = await callerFor(db.deps, clinic.staff.receptionist.email, clinic.password, 'Front desk 1');
    const booked = await caller.booking.book({ branchId: clinic.branches.east, serviceId: clinic.services.gp, startsAt: '2030-01-16T10:00:00-05:00', patientId });
    const before = await cutoff();
    await caller.booking.cancel({ appointmentId: booked.id, version: booked.version, reason: 'patient called' });
    const { rows } = await db.sql.query<{ seq: string }>(`SELECT seq::text AS seq FROM "event" WHERE aggregate_id = $1 AND type = 'appointment.booked'`, [booked.id]);
    await archiveThrough(before, rows[0]!.seq);

    const trail = await caller.admin.audit.appointment({ appointmentId: booked.id });
    expect(trail.map((e) => [e.type, e.desk])).toEqual([
      ['appointment.booked', 'Front desk 1'],
      ['appointment.cancelled', 'Front desk 1'],
    ]);
    const patient = await caller.admin.audit.patient({ patientId });
    expect(patient.map((e) => e.seq)).toEqual(expect.arrayContaining(trail.map((e) => e.seq)));
    expect(patient.map((e) => Number(e.seq))).toEqual([...patient.map((e) => Number(e.seq))].sort((a, b) => a - b));
  });

  it('several processes archiving while desks write: every event in exactly one table, the archive a prefix of the log up to its horizon', async () => {
    const tenantId = randomUUID();
    const written: string[] = [];
    let writing = true;
    const writers = Promise.all(
      [0, 1, 2].map(async () => {
        for (let i = 0; i < 40; i++) written.push(await insertRaw(db.sql, { tenantId }));
      }),
    ).finally(() => (writing = false));
    const far = new Date(Date.now() + 60 * 60 * 1000);
    const results = await race(4, async () => {
      let moved = 0;
      while (writing) moved += await archiveEvents(db.deps.db, far, 7);
      return moved;
    });
    await writers;
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    const { rows } = await db.sql.query<{ live: number; archived: number; both: number; misplaced: number }>(
      `SELECT (SELECT count(*)::int FROM "event" WHERE seq = ANY($1::bigint[])) AS live,
              (SELECT count(*)::int FROM event_archive WHERE seq = ANY($1::bigint[])) AS archived,
              (SELECT count(*)::int FROM "event" e JOIN event_archive a USING (seq)) AS both,
              (SELECT count(*)::int FROM event_archive_horizon h
                 WHERE EXISTS (SELECT 1 FROM "event" e WHERE (e.tx_id, e.seq) <= (h.tx_id, h.seq))
                    OR EXISTS (SELECT 1 FROM event_archive a WHERE (a.tx_id, a.seq) > (h.tx_id, h.seq))) AS misplaced`,
      [written],
    );
    expect(rows[0]).toMatchObject({ both: 0, misplaced: 0 });
    expect(rows[0]!.live + rows[0]!.archived).toBe(120);
    expect(rows[0]!.archived).toBeGreaterThan(0);
  });

  it('a reader that fell behind the archive ends its streams as retryable and goes on past it', async () => {
    let mayConnect = true;
    let client: pg.Client | null = null;
    const reader = new LogReader({
      databaseUrl: db.url,
      logger: createLogger('silent'),
      reconnectMinMs: 50,
      reconnectMaxMs: 200,
      createClient: (url) => {
        if (!mayConnect) throw new Error('not yet');
        client = new pg.Client({ connectionString: url });
        return client;
      },
    });
    try {
      await reader.start();
      const closed: Error[] = [];
      const before = await reader.subscribe({ onEntries: () => undefined, onClose: (reason) => closed.push(reason) });
      // The reader loses its connection and stays away while rows it never read are archived.
      mayConnect = false;
      await (client as pg.Client | null)?.end();
      await until(() => !reader.isConnected, 'the reader to lose its connection');
      const missed = await write();
      await archiveThrough(new Date(Date.now() + 60_000), missed.seq);
      mayConnect = true;
      await until(() => closed.length > 0, 'the reader to end its streams');
      expect(closed[0]).toBeInstanceOf(ArchivedPastReaderError);
      expect(reader.state.cursor.seq).toBeGreaterThanOrEqual(BigInt(missed.seq));
      before.unsubscribe();

      const after = await record(reader);
      const next = await write();
      await until(() => after.seqs().includes(next.seq), 'a new event to reach a new subscriber');
      expect(after.seqs()).not.toContain(missed.seq);
    } finally {
      await reader.stop();
    }
  });

  it('the job archives only events older than the retention age', async () => {
    const fresh = await createTestDatabase();
    try {
      const tenantId = randomUUID();
      const insert = (daysAgo: number) =>
        fresh.sql.query<{ seq: string }>(
          `INSERT INTO "event" (tenant_id, type, payload, created_at) VALUES ($1, 'stock.changed', '{}', now() - make_interval(days => $2)) RETURNING seq::text AS seq`,
          [tenantId, daysAgo],
        );
      for (const days of [30, 20, 10, 1]) await insert(days);
      const job = startEventRetention(fresh.deps.db, createLogger('silent'), { days: 7, firstAfterMs: 0, everyMs: 50 });
      try {
        const count = async (table: string) => (await fresh.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
        const deadline = Date.now() + 30_000;
        while ((await count('event_archive')) < 3 && Date.now() < deadline) await sleep(50);
        expect(await count('event_archive')).toBe(3);
        expect(await count('"event"')).toBe(1);
      } finally {
        await job.stop();
      }
    } finally {
      await fresh.drop();
    }
  });
});
