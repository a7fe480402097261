import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../auth/scope.js';
import type { Deps } from '../deps.js';
import { createLogger } from '../logger.js';
import { seedDemo, type DemoClinic } from '../seed/demo.js';
import { anonymousCaller } from '../testing/callers.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { streamChanges } from './changes.service.js';
import { LogReader } from './log-reader.js';
import { loginAt, ServerRotation, startServerProcess, subscribeRemote, type RemoteSubscriber, type ServerProcess } from '../testing/remote.js';
import { insertRaw, markersOf, until } from '../testing/event-log.js';

// The log is delivered below the oldest open transaction, so no late commit
// is skipped. One transaction left open (a report, a psql session, a client
// cut off mid-transaction; in any database of the cluster) used to stall the
// live feed of every desk for as long as it stayed open. Now the reader
// passes over a transaction open longer than a bound, and delivers its rows,
// if it wrote any, when it ends: once, to every desk, with no gap.


describe('a transaction held open elsewhere', () => {
  let db: TestDatabase;
  let clinic: DemoClinic;
  const clients: pg.Client[] = [];

  async function connect(url = db.url): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    clients.push(c);
    return c;
  }

  /** A transaction that took an id and then just sits there (it writes nothing, so it never notifies). */
  async function holdOpen(url = db.url): Promise<pg.Client> {
    const c = await connect(url);
    await c.query('BEGIN');
    await c.query('SELECT pg_current_xact_id()');
    return c;
  }

  async function stillOpen(c: pg.Client): Promise<boolean> {
    const { rows } = await c.query<{ x: string | null }>('SELECT pg_current_xact_id_if_assigned()::text AS x');
    return rows[0]?.x != null;
  }

  /** Commits one event for the clinic's east branch; resolves with its marker. */
  async function write(): Promise<string> {
    const marker = randomUUID();
    await insertRaw(db.sql, { tenantId: clinic.tenantId, branchId: clinic.branches.east, marker });
    return marker;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    clinic = await seedDemo(db.owner, { emailDomain: 'long-tx.test' });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await db?.deps.logReader.stop();
    await db?.drop();
  });

  describe('through real server processes and SSE', () => {
    let servers: ServerProcess[] = [];
    let alive: string[] = [];
    const subs: RemoteSubscriber[] = [];

    beforeAll(async () => {
      servers = await Promise.all([0, 1].map(() => startServerProcess(db.url)));
      alive = servers.map((s) => s.url);
    }, 180_000);

    afterAll(async () => {
      for (const s of subs) s.close();
      await Promise.all(servers.map((s) => s.kill('SIGTERM')));
    });

    async function desk(): Promise<RemoteSubscriber> {
      const token = await loginAt(alive[0]!, clinic.staff.receptionist.email, clinic.password);
      const sub = subscribeRemote({ rotation: new ServerRotation(() => alive), token });
      subs.push(sub);
      await sub.live;
      return sub;
    }

    /** Commits an event and measures how long it takes to reach the desk. */
    async function delay(sub: RemoteSubscriber): Promise<number> {
      const started = performance.now();
      const marker = await write();
      await until(() => sub.messages.some((m) => markersOf(m).includes(marker)), 'the event to reach the desk', 20_000);
      return performance.now() - started;
    }

    it('one that wrote nothing, in this database or another, does not stall the feed while it stays open', async () => {
      const sub = await desk();
      const figures: Record<string, number> = { 'nothing open': await delay(sub) };
      for (const [where, url] of [
        ['this database', db.url],
        ['another database of the cluster', Object.assign(new URL(db.url), { pathname: '/postgres' }).toString()],
      ] as const) {
        const holder = await holdOpen(url);
        figures[`${where}, just opened`] = await delay(sub);
        figures[`${where}, open for a while`] = await delay(sub);
        expect(await stillOpen(holder)).toBe(true);
        await holder.query('ROLLBACK');
      }
      figures['nothing open, after'] = await delay(sub);
      console.log('feed delay (ms) with a transaction held open:', JSON.stringify(Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, Math.round(v)]))));
      expect(sub.errors).toEqual([]);
    }, 120_000);

    it('one that wrote an event and commits late: its event still arrives, once, to a desk that moved to another server in between', async () => {
      const sub = await desk();
      const late = await holdOpen();
      const lateMarker = randomUUID();
      await insertRaw(late, { tenantId: clinic.tenantId, branchId: clinic.branches.east, marker: lateMarker });
      const before = [await write(), await write()];
      await until(() => before.every((m) => sub.messages.some((x) => markersOf(x).includes(m))), 'the later events, past the open one', 20_000);

      // The desk's server dies; it resumes on the other one from the id it holds (which names the open transaction).
      alive = [servers[1]!.url];
      await servers[0]!.kill('SIGKILL');
      const between = await write();
      await until(() => sub.messages.some((x) => markersOf(x).includes(between)), 'the desk to resume on the other server', 30_000);
      await late.query('COMMIT');
      const after = await write();
      await until(() => sub.messages.some((x) => markersOf(x).includes(after)), 'the event after the late commit', 20_000);
      await sleep(300); // room for a duplicate to show up

      const got = sub.messages.flatMap(markersOf);
      expect(got).toEqual([...before, between, lateMarker, after]);
      expect(new Set(sub.seqs).size).toBe(sub.seqs.length);
      expect(sub.errors).toEqual([]);
    }, 120_000);
  });

  describe('resuming around it, stream by stream', () => {
    let deps: Deps;
    let reader: LogReader;
    let actor: Actor;
    let token: string;
    const stop = new AbortController();

    beforeAll(async () => {
      reader = new LogReader({ databaseUrl: db.deps.urls.sync, logger: createLogger('silent'), passOverAfterMs: 300 });
      deps = { ...db.deps, logReader: reader };
      ({ token } = await anonymousCaller(db.deps).auth.login({ email: clinic.staff.receptionist.email, password: clinic.password, desk: 'resume desk' }));
      actor = (await db.deps.auth.authenticate(token))!;
    });

    afterAll(async () => {
      stop.abort();
      await reader.stop();
    });

    interface Desk {
      /** Markers of the events received, in order. */
      markers: string[];
      /** The id of the last message received: what the desk resumes from. */
      lastId: string | null;
      live: Promise<void>;
    }

    function open(lastEventId?: string): Desk {
      const d: Desk = { markers: [], lastId: null, live: Promise.resolve() };
      const s = streamChanges({ deps, actor, token, lastEventId, signal: stop.signal });
      d.live = (async () => {
        for (;;) {
          const { value, done } = await s.next();
          if (done) return;
          d.lastId = value[0];
          if (value[1].kind === 'live') break;
          d.markers.push(...markersOf(value[1]));
        }
        void (async () => {
          for await (const [id, message] of s) {
            d.lastId = id;
            d.markers.push(...markersOf(message));
          }
        })().catch(() => undefined);
      })();
      return d;
    }

    const has = (d: Desk, ...ms: string[]) => ms.every((m) => d.markers.includes(m));

    it('whether the desk comes back before or after it commits, with a full id or only the last seq it applied: every event once', async () => {
      const staying = open();
      await staying.live;
      const late = await connect();
      await late.query('BEGIN');
      const lateMarker = randomUUID();
      await insertRaw(late, { tenantId: clinic.tenantId, branchId: clinic.branches.east, marker: lateMarker });
      const lateTx = (await late.query<{ tx: string }>('SELECT pg_current_xact_id()::text AS tx')).rows[0]!.tx;
      const b1 = await write();
      await until(() => has(staying, b1), 'b1 past the open transaction');
      const afterB1 = staying.lastId!;
      // The id names the transaction it passed over while still open.
      expect(afterB1).toContain(`~${lateTx}`);
      const b2 = await write();
      await until(() => has(staying, b2), 'b2');
      const afterB2 = staying.lastId!;
      const { rows: b2Row } = await db.sql.query<{ seq: string }>(`SELECT seq::text AS seq FROM "event" WHERE payload->>'marker' = $1`, [b2]);

      // Back before the late commit: from the full id after b1, after b2, and from b2's bare seq (a desk restarted from what it saved).
      const fromB1 = open(afterB1);
      const fromB2 = open(afterB2);
      const fromSeq = open(b2Row[0]!.seq);
      await Promise.all([fromB1.live, fromB2.live, fromSeq.live]);
      expect(fromB1.markers).toEqual([b2]);
      expect(fromB2.markers).toEqual([]);
      expect(fromSeq.markers).toEqual([]);

      await late.query('COMMIT');
      const b3 = await write();
      const everyone = [staying, fromB1, fromB2, fromSeq];
      await until(() => everyone.every((d) => has(d, lateMarker, b3)), 'the late event and b3 everywhere');

      // Back after the late commit, from an id taken before it.
      const afterwards = open(afterB2);
      await afterwards.live;
      await until(() => has(afterwards, lateMarker), 'the late event from the backlog');
      const b4 = await write();
      await until(() => [...everyone, afterwards].every((d) => has(d, b4)), 'b4 everywhere');
      await sleep(300);

      expect(staying.markers).toEqual([b1, b2, lateMarker, b3, b4]);
      expect(fromB1.markers).toEqual([b2, lateMarker, b3, b4]);
      expect(fromB2.markers).toEqual([lateMarker, b3, b4]);
      expect(fromSeq.markers).toEqual([lateMarker, b3, b4]);
      expect(afterwards.markers).toEqual([lateMarker, b3, b4]);
      // Once the late transaction is delivered, ids no longer name it.
      expect(staying.lastId).not.toContain(`~${lateTx}`);
    });

    it('a transaction open less than the bound still holds later rows back (in-flight commands are not passed over)', async () => {
      const desk = open();
      await desk.live;
      const holder = await holdOpen();
      const b = await write();
      await sleep(100);
      expect(desk.markers).not.toContain(b);
      await holder.query('ROLLBACK');
      await until(() => has(desk, b), 'b once the holder ended');
    });
  });
});
