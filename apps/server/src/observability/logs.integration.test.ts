import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type RunningServer } from '../app.js';
import { createLogger } from '../logger.js';
import { demoDatabase } from '../testing/file-database.js';
import { dataOf, gpBooking, leaked, secretsOf, trpcCall, WATCHED_PATIENT } from '../testing/observed.js';

// Everything the server writes while desks sign in, find a patient, create
// one and book them, read back from the logger's own output.

const written: string[] = [];
const output = new Writable({
  write(chunk: Buffer, _encoding, done) {
    written.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  },
});

interface RequestLine {
  msg: string;
  requestId: string;
  traceId?: string;
  method: string;
  path: string;
  procedure?: string;
  outcome?: string;
  status: number;
  durationMs: number;
}

let running: RunningServer;
let token = '';

const call = (path: string, input: unknown, options: { query?: boolean; requestId?: string } = {}) => trpcCall(running.url, path, input, { ...options, token });

const requestLines = (): RequestLine[] => written.map((l) => JSON.parse(l) as RequestLine).filter((l) => l.msg === 'request');

const setup = demoDatabase({ emailDomain: 'logs.test' });
beforeAll(async () => {
  const deps = { ...setup.db.deps, logger: createLogger('trace', output) };
  running = await createServer({ deps }).start(0);
});

afterAll(() => running?.stop());

describe('request logs', () => {
  it("one line per request with its id, procedure, outcome and duration; the patient's name and phone and the token never appear", async () => {
    token = (await dataOf<{ token: string }>(await call('auth.login', { email: setup.demo.staff.receptionist.email, password: setup.demo.password, desk: 'front desk' }))).token;
    const patient = await dataOf<{ id: string }>(await call('patients.create', { name: WATCHED_PATIENT.name, phone: WATCHED_PATIENT.phone }));
    expect((await call('patients.search', { query: WATCHED_PATIENT.phone }, { query: true })).status).toBe(200);
    expect((await call('patients.search', { query: 'Quixote' }, { query: true })).status).toBe(200);
    const booked = await call('booking.book', { ...gpBooking(setup.demo, '10:00', patient.id), note: `call ${WATCHED_PATIENT.phone}` }, { requestId: 'desk-7.request-0001' });
    expect(booked.status).toBe(200);
    expect(booked.headers.get('x-request-id')).toBe('desk-7.request-0001');
    const taken = await call('booking.book', gpBooking(setup.demo, '10:00', patient.id));
    expect(taken.status).toBe(409);
    const assigned = taken.headers.get('x-request-id');
    expect(assigned).toMatch(/^[0-9a-f-]{36}$/);
    // A client id that is not a plain token is replaced, not logged.
    const odd = await call('patients.search', { query: 'Q' }, { query: true, requestId: WATCHED_PATIENT.name });
    expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    const lines = requestLines();
    expect(lines.map((l) => `${l.procedure} ${l.outcome} ${l.status}`)).toEqual([
      'auth.login OK 200',
      'patients.create OK 200',
      'patients.search OK 200',
      'patients.search OK 200',
      'booking.book OK 200',
      'booking.book SLOT_TAKEN 409',
      'patients.search BAD_INPUT 400',
    ]);
    for (const line of lines) {
      expect(line.requestId).toBeTruthy();
      expect(line.durationMs).toBeGreaterThanOrEqual(0);
      expect(line.path).toBe(`/trpc/${line.procedure}`);
    }
    expect(lines[4]!.requestId).toBe('desk-7.request-0001');
    expect(lines[5]!.requestId).toBe(assigned);

    expect(leaked(written.join('\n'), secretsOf(token))).toEqual([]);
  });

  it('a batch of calls is one line naming each procedure and outcome', async () => {
    written.length = 0;
    const input = encodeURIComponent(JSON.stringify({ 0: { query: 'Qu' }, 1: { query: 'x' } }));
    const response = await fetch(`${running.url}/trpc/patients.search,patients.search?batch=1&input=${input}`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(207);
    const [line] = requestLines();
    expect(line).toMatchObject({ procedure: 'patients.search,patients.search', outcome: 'OK,BAD_INPUT', status: 207 });
  });

  it('health checks and scrapes are logged at debug level only', async () => {
    written.length = 0;
    await fetch(`${running.url}/healthz`);
    const [line] = written.map((l) => JSON.parse(l) as RequestLine & { level: number });
    expect(line).toMatchObject({ msg: 'request', path: '/healthz', status: 200, level: 20 });
  });
});
