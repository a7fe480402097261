import { randomUUID } from 'node:crypto';
import type { ChangeMessage } from '@frontdesk/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../auth/scope.js';
import { inTransaction } from '../db/tx.js';
import { createLogger } from '../logger.js';
import { seedDemo, type DemoClinic } from '../seed/demo.js';
import { anonymousCaller } from '../testing/callers.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { appendEvents } from './append.js';
import { changesForDesk } from './changes.router.js';
import { EVENTS_PER_MESSAGE, type ChangesLimits } from './changes.service.js';
import { LogReader } from './log-reader.js';
import { eventsOf, next, until, type Stream } from '../testing/event-log.js';

/** The seqs of the events a message carries. */
const seqsOf = (message: ChangeMessage) => eventsOf(message).map((e) => e.seq);

/** Messages until they carry `events` events and, if asked, a `live`. */
async function take(stream: Stream, events: number, live = false) {
  const out: { id: string; message: ChangeMessage }[] = [];
  while (out.flatMap((m) => eventsOf(m.message)).length < events || (live && !out.some((m) => m.message.kind === 'live'))) out.push(await next(stream));
  return out;
}

describe('the changes stream of one desk window', () => {
  let db: TestDatabase;
  let clinic: DemoClinic;
  let other: DemoClinic;
  let east: { token: string; actor: Actor };
  const streams: Stream[] = [];

  async function signIn(email: string, password: string) {
    const { token } = await anonymousCaller(db.deps).auth.login({ email, password, desk: 'desk' });
    const actor = await db.deps.auth.authenticate(token);
    return { token, actor: actor! };
  }

  function open(who: { token: string; actor: Actor }, lastEventId?: string, limits?: Partial<ChangesLimits>, deps = db.deps): Stream {
    const s = changesForDesk({ deps, actor: who.actor, token: who.token, lastEventId, limits });
    streams.push(s);
    return s;
  }

  async function write(c: DemoClinic, branch: 'east' | 'west' | null): Promise<void> {
    const branchId = branch ? c.branches[branch] : null;
    await inTransaction(db.deps.db, { tenantId: c.tenantId }, (tx) =>
      appendEvents(tx, { actorId: null, desk: 'test' }, [
        { type: 'stock.changed', tenantId: c.tenantId, branchId, aggregateId: null, payload: { productId: randomUUID(), branchId: branchId ?? c.branches.east, quantity: 3, delta: 1 } },
      ]),
    );
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    clinic = await seedDemo(db.owner, { emailDomain: 'changes-one.test' });
    other = await seedDemo(db.owner, { emailDomain: 'changes-two.test' });
    east = await signIn(clinic.staff.receptionist.email, clinic.password);
  });

  afterAll(async () => {
    await Promise.all(streams.map((s) => s.return?.()));
    await db.deps.logReader.stop();
    await db.drop();
  });

  it('resuming from the last id seen: the missed events, then live, then new ones; none twice', async () => {
    const first = open(east);
    expect((await next(first)).message.kind).toBe('live');
    // One at a time, so each event has a message (and an id) of its own.
    const seen: { id: string; message: ChangeMessage }[] = [];
    for (let i = 0; i < 3; i++) {
      await write(clinic, 'east');
      seen.push(...(await take(first, 1)));
    }
    expect(seen.map((m) => seqsOf(m.message).length)).toEqual([1, 1, 1]);
    await first.return?.();

    await write(clinic, 'east');
    await write(clinic, 'east');
    const resumed = open(east, seen[1]!.id);
    // The reader may not have read the two newest yet: they come from the backlog or just after `live`.
    const caughtUp = await take(resumed, 3, true);
    expect(caughtUp.filter((m) => m.message.kind === 'live')).toHaveLength(1);
    const events = caughtUp.flatMap((m) => seqsOf(m.message));
    expect(events).toHaveLength(3);
    expect(events[0]).toBe(seqsOf(seen[2]!.message)[0]);
    expect(new Set(events).size).toBe(3);
    await write(clinic, 'east');
    const live = await next(resumed);
    expect(live.message.kind).toBe('events');
    expect(BigInt(seqsOf(live.message)[0]!)).toBeGreaterThan(BigInt(events[2]!));
  });

  it('a catch-up of many events comes several to a message: each once, in order, across the catch-up → live boundary, with commits meanwhile', async () => {
    const desk = `batch ${randomUUID().slice(0, 8)}`;
    /** Rows of this test that the east receptionist may see, as the log delivers them. */
    const ours = async () =>
      (
        await db.sql.query<{ seq: string }>(
          `SELECT ev.seq::text AS seq FROM "event" ev WHERE ev.desk = $1 AND (ev.branch_id IS NULL OR ev.branch_id = $2) ORDER BY ev.tx_id, ev.seq`,
          [desk, clinic.branches.east],
        )
      ).rows.map((r) => r.seq);
    // n rows in one transaction: east, west (not hers) and clinic-wide in turn.
    const writeMany = (n: number, from = 0) =>
      db.sql.query(
        `INSERT INTO "event" (tenant_id, branch_id, type, payload, desk)
         SELECT $1, (ARRAY[$2, $3, NULL]::uuid[])[(g + $6) % 3 + 1], 'stock.changed', jsonb_build_object('productId', gen_random_uuid(), 'branchId', $2::uuid, 'quantity', g, 'delta', 1), $4
           FROM generate_series(1, $5::int) g`,
        [clinic.tenantId, clinic.branches.east, clinic.branches.west, desk, n, from],
      );

    const first = open(east);
    const start = await next(first);
    expect(start.message.kind).toBe('live');
    await first.return?.();
    await writeMany(600);
    await writeMany(300);

    // The desk comes back while other desks go on committing, one row at a time.
    const resumed = open(east, start.id);
    const meanwhile = Promise.all(Array.from({ length: 21 }, (_, i) => writeMany(1, i)));
    const got: { id: string; message: ChangeMessage }[] = [];
    while (!got.some((m) => m.message.kind === 'live')) got.push(await next(resumed));
    await meanwhile;
    const expected = await ours();
    expect(expected).toHaveLength(400 + 200 + 14);
    const seqs = () => got.flatMap((m) => eventsOf(m.message)).filter((e) => e.desk === desk).map((e) => e.seq);
    while (seqs().length < expected.length) got.push(await next(resumed));

    expect(seqs()).toEqual(expected);
    expect(got.filter((m) => m.message.kind === 'live')).toHaveLength(1);
    const sizes = got.map((m) => eventsOf(m.message).length);
    // The backlog of 600 came in a few messages, none over the bound.
    expect(Math.max(...sizes)).toBe(EVENTS_PER_MESSAGE);
    expect(sizes.filter((n) => n > 1).length).toBeGreaterThan(1);
    await resumed.return?.();

    // Resuming from the id of a message in the middle: exactly the events after it.
    const middle = got.findIndex((m) => eventsOf(m.message).length > 1);
    const after = got.slice(middle + 1).flatMap((m) => eventsOf(m.message)).filter((e) => e.desk === desk).map((e) => e.seq);
    const again = open(east, got[middle]!.id);
    const rest: { id: string; message: ChangeMessage }[] = [];
    while (!rest.some((m) => m.message.kind === 'live')) rest.push(await next(again));
    expect(rest.flatMap((m) => eventsOf(m.message)).filter((e) => e.desk === desk).map((e) => e.seq)).toEqual(after);
  });

  it("an east receptionist sees east and clinic-wide events, never west's or another clinic's", async () => {
    const s = open(east);
    await next(s);
    await write(clinic, 'west');
    await write(other, 'east');
    await write(other, null);
    await write(clinic, null);
    await write(clinic, 'east');
    const got = await take(s, 2);
    const events = got.flatMap((m) => eventsOf(m.message));
    expect(events.map((e) => e?.branchId)).toEqual([null, clinic.branches.east]);
    expect(events.every((e) => e?.tenantId === clinic.tenantId)).toBe(true);
  });

  it('an unknown position, or too long a backlog, tells the desk to reload', async () => {
    const unknown = open(east, '9999999999');
    const reset = await next(unknown);
    expect(reset.message).toMatchObject({ kind: 'reset' });
    // Its id resumes from the head (and names any transaction held open elsewhere that the reader passed over).
    expect(reset.id.split('~')[0]).toBe((reset.message as { headSeq: string }).headSeq);

    const behind = open(east, '0', { backlogLimit: 2 });
    expect((await next(behind)).message).toMatchObject({ kind: 'reset', reason: 'Too many changes to catch up on.' });
    await write(clinic, 'east');
    expect((await next(behind)).message.kind).toBe('events');
  });

  it("resuming from a `live` id that names another clinic's row carries on, without a reset", async () => {
    await write(other, 'east');
    const { rows } = await db.sql.query<{ seq: string }>('SELECT max(seq)::text AS seq FROM "event" WHERE tenant_id = $1', [other.tenantId]);
    const theirs = rows[0]!.seq;
    await until(() => db.deps.logReader.state.cursor.seq >= BigInt(theirs), 'the reader to pass their row');
    const first = open(east);
    const live = await next(first);
    expect(live.message).toMatchObject({ kind: 'live', headSeq: theirs });
    await first.return?.();

    const resumed = open(east, live.id);
    expect((await next(resumed)).message).toMatchObject({ kind: 'live', headSeq: theirs });
    await write(clinic, 'east');
    expect((await next(resumed)).message.kind).toBe('events');
  });

  it('signing out (here or everywhere) ends the open stream before any later event goes out', async () => {
    for (const signOut of [(who: { actor: Actor }) => db.deps.auth.logout(who.actor), (who: { actor: Actor }) => db.deps.auth.logoutEverywhere(who.actor)]) {
      // Another account: signing out everywhere would end the other tests' sessions.
      const who = await signIn(clinic.staff.receptionistWest.email, clinic.password);
      // The periodic session check is far off: only the log can end it in time.
      const s = open(who, undefined, { sessionCheckMs: 60_000 });
      await next(s);
      await signOut(who);
      await write(clinic, 'west');
      // The previous round's write may still reach this new stream (it opened before the reader fanned that out);
      // nothing written after the sign-out may.
      const seen: bigint[] = [];
      const ended = await (async () => {
        for (;;) {
          const { message } = await next(s);
          seen.push(...seqsOf(message).map(BigInt));
        }
      })().catch((e: unknown) => e);
      expect(ended).toMatchObject({ code: 'UNAUTHORIZED' });
      const { rows } = await db.sql.query<{ seq: string }>(`SELECT max(seq)::text AS seq FROM event WHERE type = 'staff.signed_out'`);
      expect(seen.filter((seq) => seq > BigInt(rows[0]!.seq))).toEqual([]);
    }
  });

  it('a revoked session ends the stream with UNAUTHORIZED', async () => {
    const who = await signIn(clinic.staff.receptionist.email, clinic.password);
    const s = open(who, undefined, { sessionCheckMs: 100 });
    await next(s);
    await db.deps.auth.logout(who.actor);
    await expect(next(s)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('stopping the server process ends the stream with a retryable error', async () => {
    const reader = new LogReader({ databaseUrl: db.url, logger: createLogger('silent') });
    const s = open(east, undefined, undefined, { ...db.deps, logReader: reader });
    await next(s);
    const ended = expect(next(s)).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    await reader.stop();
    await ended;
  });
});
