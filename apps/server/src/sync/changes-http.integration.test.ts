import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type RunningServer } from '../app.js';
import { seedDemo, type DemoClinic } from '../seed/demo.js';
import { anonymousCaller } from '../testing/callers.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { insertRaw, until } from '../testing/event-log.js';
import { parseSse, rawGet, RawStream, type SseEvent } from '../testing/raw-http.js';
import { changesStats } from './changes.service.js';

// The live feed is written by changes.http.ts, not tRPC's handler, but a desk
// must not be able to tell: the same protocol, events, ids, ends and refusals.
// Every case is asked of both: `&via=trpc` is an option the fast path does not
// know, so that request goes to tRPC's own handler (which ignores the option).

const target = (input: unknown, viaTrpc = false) => `/trpc/changes?input=${encodeURIComponent(JSON.stringify(input))}${viaTrpc ? '&via=trpc' : ''}`;
const bearer = (token: string) => `Authorization: Bearer ${token}`;
const kinds = (events: SseEvent[]) => events.map((e) => e.event ?? (JSON.parse(e.data) as { kind: string }).kind);

describe('the live feed as written to the socket', () => {
  let db: TestDatabase;
  let clinic: DemoClinic;
  let running: RunningServer;
  let port: number;
  const open: RawStream[] = [];

  const signIn = async (desk: string) => {
    const { token } = await anonymousCaller(db.deps).auth.login({ email: clinic.staff.receptionist.email, password: clinic.password, desk });
    return token;
  };
  const both = (token: string, input: unknown = {}, headers: string[] = []) => {
    const pair = [new RawStream(port, target(input), [bearer(token), ...headers]), new RawStream(port, target(input, true), [bearer(token), ...headers])] as const;
    open.push(...pair);
    return pair;
  };
  const untilBoth = (pair: readonly RawStream[], check: (s: RawStream) => boolean, what: string) => until(() => pair.every(check), what);
  /** Until this process's log reader has fanned out `seq` (by default, everything committed so far): two streams opened after it start from the same place. */
  const readerPassed = async (seq?: string) => {
    const target = BigInt(seq ?? (await db.sql.query<{ seq: string }>('SELECT coalesce(max(seq), 0)::text AS seq FROM "event"')).rows[0]!.seq);
    await until(() => db.deps.logReader.state.cursor.seq >= target, `the reader to pass ${target}`);
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    clinic = await seedDemo(db.owner, { emailDomain: 'sse.test' });
    running = await createServer({ deps: db.deps }).start(0);
    port = Number(new URL(running.url).port);
  });

  afterAll(async () => {
    for (const s of open) s.close();
    await running?.stop();
    await db?.deps.logReader.stop();
    await db?.drop();
  });

  it('sends what tRPC sends: connected, live, then events, with the same ids and data', async () => {
    const token = await signIn('two windows');
    await readerPassed();
    const [fast, trpc] = both(token);
    await untilBoth([fast, trpc], (s) => kinds(s.events()).includes('live'), 'both streams to go live');
    const seq = await insertRaw(db.sql, { tenantId: clinic.tenantId, branchId: clinic.branches.east, marker: 'one' });
    await untilBoth([fast, trpc], (s) => s.response().body.includes(`"seq":"${seq}"`), 'the event on both');

    for (const s of [fast, trpc]) {
      const { status, headers } = s.response();
      expect(status).toBe(200);
      expect(headers['content-type']).toBe('text/event-stream');
      expect(headers['cache-control']).toBe('no-cache, no-transform');
    }
    expect(kinds(fast.events())).toEqual(['connected', 'live', 'events']);
    expect(fast.events()).toEqual(trpc.events());
    expect(JSON.parse(fast.events()[0]!.data)).toEqual({ reconnectAfterInactivityMs: 25_000 });
    // The proof it was not tRPC's writer: tRPC ends each event with one blank line more.
    expect(fast.response().body).not.toContain('\n\n\n');
    expect(trpc.response().body).toContain('\n\n\n');
  });

  it('resumes from Last-Event-ID as tRPC does: the backlog after it, then live', async () => {
    const token = await signIn('resuming');
    const [first] = both(token);
    await until(() => kinds(first.events()).includes('live'), 'the first stream to go live');
    const resumeFrom = first.events().find((e) => kinds([e])[0] === 'live')!.id!;
    first.close();
    const seqs: string[] = [];
    for (const marker of ['a', 'b', 'c']) seqs.push(await insertRaw(db.sql, { tenantId: clinic.tenantId, branchId: clinic.branches.east, marker }));
    // Both open once the reader has passed them all, so both split backlog and live the same way.
    await readerPassed(seqs.at(-1)!);

    const [fast, trpc] = both(token, {}, [`Last-Event-ID: ${resumeFrom}`]);
    await untilBoth([fast, trpc], (s) => kinds(s.events()).includes('live'), 'both to catch up');
    expect(fast.events()).toEqual(trpc.events());
    const delivered = fast.events().flatMap((e) => (e.event ? [] : ((JSON.parse(e.data) as { events?: { seq: string }[] }).events ?? [])).map((x) => x.seq));
    expect(delivered).toEqual(seqs);
  });

  it('refuses as tRPC refuses: signed out, bad input, a branch not theirs', async () => {
    const token = await signIn('refused');
    const cases: [string, string[]][] = [
      [target({}), []],
      [target({ lastEventId: 'not an id' }), [bearer(token)]],
      [target({ branchIds: ['not-a-uuid'] }), [bearer(token)]],
      [target({ branchIds: [clinic.branches.west] }), [bearer(token)]],
      [`${target({})}&connectionParams=${encodeURIComponent(JSON.stringify({ token }))}`, []],
    ];
    for (const [path, headers] of cases) {
      const ends = /event: (serialized-error|return)[^]*?\n\n/;
      const [fast, trpc] = await Promise.all([rawGet(port, path, headers, ends), rawGet(port, `${path}&via=trpc`, headers, ends)]);
      expect(fast.status, path).toBe(trpc.status);
      const error = (r: typeof fast) => parseSse(r.body).find((e) => e.event === 'serialized-error');
      expect(error(fast), path).toBeDefined();
      expect(error(fast), path).toEqual(error(trpc));
    }
    // The branch refusal is the stream's own, in the formatter's shape.
    const west = await rawGet(port, target({ branchIds: [clinic.branches.west] }), [bearer(token)], /serialized-error[^]*?\n\n/);
    expect(JSON.parse(parseSse(west.body).find((e) => e.event === 'serialized-error')!.data)).toMatchObject({ data: { code: 'FORBIDDEN', domain: { code: 'FORBIDDEN' } } });
  });

  it('ends both alike when the session is signed out meanwhile', async () => {
    const token = await signIn('signing out');
    const [fast, trpc] = both(token);
    await untilBoth([fast, trpc], (s) => kinds(s.events()).includes('live'), 'both streams to go live');
    // Her own sign-out, made with her token: the stream sees the session end in the log.
    const actor = (await db.deps.auth.authenticate(token))!;
    await db.deps.auth.logout(actor);
    await untilBoth([fast, trpc], (s) => s.ended, 'both streams to end');
    const last = (s: RawStream) => s.events().at(-1)!;
    expect(last(fast).event).toBe('serialized-error');
    expect(last(fast)).toEqual(last(trpc));
    expect(JSON.parse(last(fast).data)).toMatchObject({ data: { code: 'UNAUTHORIZED', httpStatus: 401 } });
  });

  it('gives the place back when a desk leaves, and holds at most six per sign-in', async () => {
    const token = await signIn('many windows');
    const streamsBefore = changesStats().streams;
    const windows = Array.from({ length: 6 }, () => new RawStream(port, target({}), [bearer(token)]));
    open.push(...windows);
    await until(() => windows.every((w) => kinds(w.events()).includes('live')), 'six windows live');
    const seventh = await rawGet(port, target({}), [bearer(token)], /serialized-error[^]*?\n\n/);
    expect(JSON.parse(parseSse(seventh.body).find((e) => e.event === 'serialized-error')!.data)).toMatchObject({ data: { domain: { code: 'TOO_MANY_ATTEMPTS' } } });

    windows[0]!.close();
    await until(() => changesStats().streams === streamsBefore + 5, 'the closed window to let go');
    const again = new RawStream(port, target({}), [bearer(token)]);
    open.push(again);
    await until(() => kinds(again.events()).includes('live'), 'a new window to take the place');
    for (const w of [...windows, again]) w.close();
    await until(() => changesStats().streams === streamsBefore, 'every window to let go');
  });

  it('pings a quiet stream so the desk knows it is still connected', async () => {
    const token = await signIn('quiet');
    const quiet = new RawStream(port, target({}), [bearer(token)]);
    open.push(quiet);
    await until(() => quiet.events().some((e) => e.event === 'ping'), 'a ping', 20_000);
    expect(quiet.ended).toBe(false);
    expect(quiet.events().find((e) => e.event === 'ping')).toEqual({ event: 'ping', data: '' });
    quiet.close();
  }, 30_000);
});
