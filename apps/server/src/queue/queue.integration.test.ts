import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type RunningServer } from '../app.js';
import { seedDemo, type DemoClinic } from '../seed/demo.js';
import { callerFor, type Caller } from '../testing/callers.js';
import { failure, failureCode } from '../testing/errors.js';
import { databaseForFile } from '../testing/file-database.js';
import { codeOf, race } from '../testing/race.js';

const setup = databaseForFile(
  async (db) => ({
    demo: await seedDemo(db.owner, { emailDomain: 'queue.test', patients: 40 }),
    other: await seedDemo(db.owner, { tenantName: 'Other clinic', emailDomain: 'queue-other.test', patients: 2 }),
  }),
  { poolSize: 30 },
);

let demo: DemoClinic;
let reception: Caller;
let reception2: Caller;
let west: Caller;
let callCentre: Caller;
let manager: Caller;
let admin: Caller;
let otherAdmin: Caller;
let server: RunningServer;
let patientCursor = 0;

const sql = async <T = Record<string, unknown>>(text: string, params: unknown[] = []) => (await setup.db.sql.query(text, params)).rows as T[];

/** A running session of today at the east branch, with `count` patients holding tokens 1..count. */
async function sessionWith(count: number, branch: 'east' | 'west' = 'east'): Promise<{ id: string; tokens: string[] }> {
  const [row] = await sql<{ id: string }>(
    `INSERT INTO capacity_session (tenant_id, branch_id, name, starts_at, ends_at, capacity)
     VALUES ($1, $2, 'Walk-in ' || substr(md5(random()::text), 1, 6), now() - interval '1 hour', now() + interval '2 hours', 50) RETURNING id`,
    [demo.tenantId, demo.branches[branch]],
  );
  const desk = branch === 'east' ? reception : west;
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) tokens.push((await desk.booking.issueToken({ sessionId: row!.id, patientId: demo.patients[patientCursor++]! })).token.id);
  return { id: row!.id, tokens };
}

const tokenRows = (sessionId: string) =>
  sql<{ number: number; queue_state: string; counter: string | null; call_count: number; served: boolean; called_by: string | null }>(
    `SELECT number, queue_state::text, counter, call_count, served_at IS NOT NULL AS served, called_by FROM token WHERE session_id = $1 ORDER BY number`,
    [sessionId],
  );
const eventsOf = (sessionId: string, type: string) =>
  sql<{ payload: { token: { number: number; counter: string | null }; recall?: boolean; to?: string } }>(`SELECT payload FROM event WHERE aggregate_id = $1 AND type = $2 ORDER BY seq`, [sessionId, type]);

beforeAll(async () => {
  demo = setup.demo;
  const deps = setup.db.deps;
  reception = await callerFor(deps, demo.staff.receptionist.email, demo.password, 'front desk 1');
  reception2 = await callerFor(deps, demo.staff.receptionist.email, demo.password, 'front desk 2');
  west = await callerFor(deps, demo.staff.receptionistWest.email, demo.password, 'west desk');
  callCentre = await callerFor(deps, demo.staff.callCentre.email, demo.password, 'headset');
  manager = await callerFor(deps, demo.staff.manager.email, demo.password, 'office');
  admin = await callerFor(deps, demo.staff.admin.email, demo.password, 'admin office');
  otherAdmin = await callerFor(deps, setup.other.staff.admin.email, setup.other.password, 'elsewhere');
  server = await createServer({ deps }).start(0);
});
afterAll(() => server?.stop());

describe('call next', () => {
  it('calls the lowest waiting number to the counter; the counter calling again has served the one before', async () => {
    const s = await sessionWith(3);
    const first = await reception.queue.callNext({ sessionId: s.id, counter: 'Counter 1' });
    expect(first.called?.number).toBe(1);
    expect(first.queue.nowServing.map((t) => [t.number, t.counter])).toEqual([[1, 'Counter 1']]);
    expect(first.queue.waiting.map((t) => t.number)).toEqual([2, 3]);
    const second = await reception.queue.callNext({ sessionId: s.id, counter: 'Counter 1' });
    expect(second.called?.number).toBe(2);
    const rows = await tokenRows(s.id);
    expect(rows.map((r) => [r.number, r.queue_state, r.counter])).toEqual([
      [1, 'SERVED', 'Counter 1'],
      [2, 'CALLED', 'Counter 1'],
      [3, 'WAITING', null],
    ]);
    expect(rows[1]!.called_by).toBe(demo.staff.receptionist.id);
    expect((await sql<{ now_serving: number }>('SELECT now_serving FROM capacity_session WHERE id = $1', [s.id]))[0]!.now_serving).toBe(2);
    expect((await eventsOf(s.id, 'token.called')).map((e) => e.payload.token.number)).toEqual([1, 2]);
    expect((await eventsOf(s.id, 'token.served')).map((e) => e.payload.token.number)).toEqual([1]);
  });

  it('per counter: two counters serve the same session at once, each with its own now serving', async () => {
    const s = await sessionWith(3);
    await reception.queue.callNext({ sessionId: s.id, counter: 'Counter 1' });
    const r = await reception2.queue.callNext({ sessionId: s.id, counter: 'Dr Carter' });
    expect(r.queue.nowServing.map((t) => [t.number, t.counter])).toEqual([
      [2, 'Dr Carter'],
      [1, 'Counter 1'],
    ]);
  });

  it('nobody waiting: nothing is called, and nothing written', async () => {
    const s = await sessionWith(0);
    const r = await reception.queue.callNext({ sessionId: s.id, counter: 'Counter 1' });
    expect(r.called).toBeNull();
    expect(await eventsOf(s.id, 'token.called')).toEqual([]);
  });

  it('eight desks calling at the same moment with six waiting: six different tokens, each called once, two desks told nobody waits', async () => {
    const s = await sessionWith(6);
    const results = await race(8, (i) => (i % 2 ? reception : reception2).queue.callNext({ sessionId: s.id, counter: `Counter ${i + 1}` }));
    expect(results.map(codeOf)).toEqual(Array(8).fill('OK'));
    const called = results.map((r) => (r.status === 'fulfilled' ? (r.value.called?.number ?? null) : 'failed'));
    expect(called.filter((n) => n === null)).toHaveLength(2);
    expect(new Set(called.filter((n) => n !== null)).size).toBe(6);
    // The database, not the answers: every token called exactly once, each to a different counter.
    const rows = await tokenRows(s.id);
    expect(rows.every((r) => r.queue_state === 'CALLED' && r.call_count === 1)).toBe(true);
    expect(new Set(rows.map((r) => r.counter)).size).toBe(6);
    expect(await eventsOf(s.id, 'token.called')).toHaveLength(6);
  });

  it('a counter with no name is refused in plain words and changes nothing', async () => {
    const s = await sessionWith(1);
    const error = await failure(reception.queue.callNext({ sessionId: s.id, counter: '  ' }));
    expect(failureCode(error)).toBe('BAD_REQUEST');
    expect(String((error as Error).message)).toContain('Say which counter');
    expect((await tokenRows(s.id))[0]!.queue_state).toBe('WAITING');
  });
});

describe('recall, skip and served', () => {
  it('recall calls the same token again; a waiting token cannot be recalled', async () => {
    const s = await sessionWith(2);
    const { called } = await reception.queue.callNext({ sessionId: s.id, counter: 'Counter 3' });
    const again = await reception.queue.recall({ tokenId: called!.id });
    expect([again.token.number, again.token.callCount, again.token.counter]).toEqual([1, 2, 'Counter 3']);
    expect((await eventsOf(s.id, 'token.called')).map((e) => e.payload.recall)).toEqual([false, true]);
    const refused = await failure(reception.queue.recall({ tokenId: s.tokens[1]! }));
    expect(failureCode(refused)).toBe('INVALID_STATE');
    expect((await tokenRows(s.id))[1]!.call_count).toBe(0);
  });

  it('skip to the back: called after everyone waiting now; skip out: never called next, until recalled', async () => {
    const s = await sessionWith(4);
    const one = (await reception.queue.callNext({ sessionId: s.id, counter: 'C' })).called!;
    const back = await reception.queue.skip({ tokenId: one.id, to: 'back' });
    expect(back.queue.waiting.map((t) => t.number)).toEqual([2, 3, 4, 1]);
    const out = await reception.queue.skip({ tokenId: s.tokens[1]!, to: 'out' });
    expect(out.queue.skipped.map((t) => t.number)).toEqual([2]);
    const order: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await reception.queue.callNext({ sessionId: s.id, counter: 'C' });
      if (r.called) order.push(r.called.number);
    }
    expect(order).toEqual([3, 4, 1]);
    // Skipped out before any call: recalling it names the counter.
    expect(failureCode(await failure(reception.queue.recall({ tokenId: s.tokens[1]! })))).toBe('BAD_INPUT');
    const recalled = await reception.queue.recall({ tokenId: s.tokens[1]!, counter: 'C' });
    expect([recalled.token.number, recalled.token.state, recalled.token.counter]).toEqual([2, 'CALLED', 'C']);
    expect((await eventsOf(s.id, 'token.skipped')).map((e) => e.payload.to)).toEqual(['back', 'out']);
  });

  it('served: once; a waiting token cannot be marked served', async () => {
    const s = await sessionWith(2);
    const { called } = await reception.queue.callNext({ sessionId: s.id, counter: 'C' });
    const served = await reception.queue.markServed({ tokenId: called!.id });
    expect(served.token.state).toBe('SERVED');
    expect(served.queue.served).toBe(1);
    expect(failureCode(await failure(reception.queue.markServed({ tokenId: called!.id })))).toBe('INVALID_STATE');
    expect(failureCode(await failure(reception.queue.markServed({ tokenId: s.tokens[1]! })))).toBe('INVALID_STATE');
    expect((await tokenRows(s.id)).map((r) => [r.queue_state, r.served])).toEqual([
      ['SERVED', true],
      ['WAITING', false],
    ]);
  });
});

describe('who may', () => {
  it('the call centre reads the queue but does not call; another branch and another clinic are NOT_FOUND', async () => {
    const s = await sessionWith(1);
    expect((await callCentre.queue.session({ sessionId: s.id })).waiting).toHaveLength(1);
    expect(failureCode(await failure(callCentre.queue.callNext({ sessionId: s.id, counter: 'C' })))).toBe('FORBIDDEN');
    expect(failureCode(await failure(west.queue.callNext({ sessionId: s.id, counter: 'C' })))).toBe('NOT_FOUND');
    expect(failureCode(await failure(west.queue.skip({ tokenId: s.tokens[0]!, to: 'out' })))).toBe('NOT_FOUND');
    expect(failureCode(await failure(otherAdmin.queue.callNext({ sessionId: s.id, counter: 'C' })))).toBe('NOT_FOUND');
    expect(failureCode(await failure(otherAdmin.queue.markServed({ tokenId: s.tokens[0]! })))).toBe('NOT_FOUND');
    expect(failureCode(await failure(otherAdmin.queue.session({ sessionId: s.id })))).toBe('NOT_FOUND');
    expect((await tokenRows(s.id))[0]!.queue_state).toBe('WAITING');
  });
});

describe('a walk-in by name, completed later', () => {
  it('takes the next number with a name only; a patient record is attached afterwards, once', async () => {
    const s = await sessionWith(1);
    const walkIn = await reception.queue.walkIn({ sessionId: s.id, name: 'Mr Lee (no record yet)' });
    expect([walkIn.token.number, walkIn.token.patientId, walkIn.token.walkInName]).toEqual([2, null, 'Mr Lee (no record yet)']);
    expect(walkIn.queue.waiting.map((t) => [t.number, t.name, t.walkIn])).toEqual([
      [1, expect.any(String), false],
      [2, 'Mr Lee (no record yet)', true],
    ]);
    const patientId = demo.patients[patientCursor++]!;
    const attached = await reception.queue.attachPatient({ tokenId: walkIn.token.id, patientId });
    expect([attached.token.patientId, attached.token.walkIn]).toEqual([patientId, false]);
    const [row] = await sql<{ patient_id: string; walk_in_name: string }>('SELECT patient_id, walk_in_name FROM token WHERE id = $1', [walkIn.token.id]);
    expect(row).toEqual({ patient_id: patientId, walk_in_name: 'Mr Lee (no record yet)' });
    expect(failureCode(await failure(reception.queue.attachPatient({ tokenId: walkIn.token.id, patientId: demo.patients[patientCursor]! })))).toBe('INVALID_STATE');
    expect((await sql('SELECT 1 FROM event WHERE type = $1 AND patient_id = $2', ['token.patient_attached', patientId])).length).toBe(1);
  });

  it('a patient who already holds a token in the session is refused, the walk-in stays as it was', async () => {
    const s = await sessionWith(1);
    const [holder] = await sql<{ patient_id: string }>('SELECT patient_id FROM token WHERE id = $1', [s.tokens[0]]);
    const walkIn = await reception.queue.walkIn({ sessionId: s.id, name: 'Ana' });
    const error = await failure(reception.queue.attachPatient({ tokenId: walkIn.token.id, patientId: holder!.patient_id }));
    expect(failureCode(error)).toBe('INVALID_STATE');
    expect((await sql('SELECT patient_id FROM token WHERE id = $1', [walkIn.token.id]))[0]).toEqual({ patient_id: null });
    expect(failureCode(await failure(reception.queue.walkIn({ sessionId: s.id, name: ' ' })))).toBe('BAD_REQUEST');
    expect(failureCode(await failure(otherAdmin.queue.walkIn({ sessionId: s.id, name: 'X' })))).toBe('NOT_FOUND');
  });
});

describe('the waiting-room display', () => {
  const get = (path: string) => fetch(`${server.url}${path}`);

  it("a manager's link shows its own branch's now serving and next numbers, without names, needing no sign-in", async () => {
    const east = await sessionWith(4);
    const westSession = await sessionWith(2, 'west');
    await west.queue.callNext({ sessionId: westSession.id, counter: 'West counter' });
    await reception.queue.callNext({ sessionId: east.id, counter: 'Counter 1' });
    const { path, link } = await manager.queue.createDisplay({ branchId: demo.branches.east, name: 'Waiting room TV' });
    expect(path).toMatch(/^\/display\/[A-Za-z0-9_-]{43}$/);
    // Only a hash of the secret is stored.
    const [stored] = await sql<{ secret_hash: string }>('SELECT secret_hash FROM display_link WHERE id = $1', [link.id]);
    expect(stored!.secret_hash).not.toContain(path.slice('/display/'.length));

    const page = await get(path);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('Midtown (New York)');
    const state = (await (await get(`${path}/state`)).json()) as { branchName: string; sessions: { id: string; nowServing: { number: number; counter: string; firstName: string | null }[]; next: { number: number; firstName: string | null }[] }[] };
    expect(state.sessions.map((s) => s.id)).not.toContain(westSession.id);
    const mine = state.sessions.find((s) => s.id === east.id)!;
    expect(mine.nowServing).toEqual([{ number: 1, counter: 'Counter 1', firstName: null }]);
    expect(mine.next).toEqual([2, 3, 4].map((number) => ({ number, firstName: null })));
    expect(JSON.stringify(state)).not.toMatch(/West counter|patientId|"name":"[A-Z][a-z]+ [A-Z]/);
  });

  it('first names only when the clinic turns them on (the admin), and the first name alone', async () => {
    const s = await sessionWith(2);
    await reception.queue.callNext({ sessionId: s.id, counter: 'Counter 9' });
    const { path } = await manager.queue.createDisplay({ branchId: demo.branches.east, name: 'Hall' });
    expect(failureCode(await failure(manager.queue.setDisplayFirstNames({ on: true })))).toBe('FORBIDDEN');
    await admin.queue.setDisplayFirstNames({ on: true });
    try {
      const [first] = await sql<{ name: string }>('SELECT p.name FROM token t JOIN patient p ON p.id = t.patient_id WHERE t.id = $1', [s.tokens[0]]);
      const state = (await (await get(`${path}/state`)).json()) as { sessions: { id: string; nowServing: { firstName: string | null }[] }[] };
      const shown = state.sessions.find((x) => x.id === s.id)!.nowServing[0]!.firstName;
      expect(shown).toBe(first!.name.split(' ')[0]);
      expect(first!.name).toContain(' ');
    } finally {
      await admin.queue.setDisplayFirstNames({ on: false });
    }
  });

  it('a revoked link, an unknown one and a malformed one are refused alike; a receptionist makes no links; another branch is NOT_FOUND', async () => {
    const { path, link } = await manager.queue.createDisplay({ branchId: demo.branches.east, name: 'Old TV' });
    expect((await get(`${path}/state`)).status).toBe(200);
    await manager.queue.revokeDisplay({ linkId: link.id });
    expect((await get(`${path}/state`)).status).toBe(404);
    expect((await get(path)).status).toBe(404);
    expect((await get(`/display/${'A'.repeat(43)}/state`)).status).toBe(404);
    expect((await get('/display/../trpc/state')).status).toBe(404);
    expect((await manager.queue.displays({ branchId: demo.branches.east })).links.map((l) => l.id)).not.toContain(link.id);
    expect(failureCode(await failure(reception.queue.createDisplay({ branchId: demo.branches.east, name: 'TV' })))).toBe('FORBIDDEN');
    expect(failureCode(await failure(manager.queue.createDisplay({ branchId: demo.branches.west, name: 'TV' })))).toBe('NOT_FOUND');
    expect(failureCode(await failure(otherAdmin.queue.revokeDisplay({ linkId: (await manager.queue.createDisplay({ branchId: demo.branches.east, name: 'TV 2' })).link.id })))).toBe('NOT_FOUND');
  });
});
