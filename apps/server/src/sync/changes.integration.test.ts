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
import type { ChangesLimits } from './changes.service.js';
import { LogReader } from './log-reader.js';
import { next, until, type Stream } from '../testing/event-log.js';

/** The seq of an event message, null for the others. */
const seqOf = (message: ChangeMessage) => (message.kind === 'event' ? message.event.seq : null);

async function take(stream: Stream, count: number) {
  const out: { id: string; message: ChangeMessage }[] = [];
  for (let i = 0; i < count; i++) out.push(await next(stream));
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
    await write(clinic, 'east');
    await write(clinic, 'east');
    await write(clinic, 'east');
    const seen = await take(first, 3);
    await first.return?.();

    await write(clinic, 'east');
    await write(clinic, 'east');
    const resumed = open(east, seen[1]!.id);
    // The reader may not have read the two newest yet: they come from the backlog or just after `live`.
    const caughtUp = await take(resumed, 4);
    expect(caughtUp.filter((m) => m.message.kind === 'live')).toHaveLength(1);
    const events = caughtUp.map((m) => seqOf(m.message)).filter((seq) => seq !== null);
    expect(events).toHaveLength(3);
    expect(events[0]).toBe(seqOf(seen[2]!.message));
    expect(new Set(events).size).toBe(3);
    await write(clinic, 'east');
    const live = await next(resumed);
    expect(live.message.kind).toBe('event');
    expect(BigInt(seqOf(live.message)!)).toBeGreaterThan(BigInt(events[2]!));
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
    const events = got.map((m) => (m.message.kind === 'event' ? m.message.event : null));
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
    expect((await next(behind)).message.kind).toBe('event');
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
    expect((await next(resumed)).message.kind).toBe('event');
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
          if (message.kind === 'event') seen.push(BigInt(message.event.seq));
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
