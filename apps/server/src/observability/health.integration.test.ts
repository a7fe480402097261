import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type RunningServer } from '../app.js';
import { createPrisma } from '../db/prisma.js';
import { until } from '../testing/event-log.js';
import { demoDatabase } from '../testing/file-database.js';
import { drCarterLock, gpBooking, signedIn, untilLockWaiters } from '../testing/observed.js';
import { Readiness, type ReadinessState } from './readiness.js';

// /healthz, /readyz and a graceful stop, on a real server and database.

let token: string;
let running: RunningServer;

const setup = demoDatabase({ emailDomain: 'health.test' });
beforeAll(async () => {
  ({ token } = await signedIn(setup.db.deps, setup.demo));
  running = await createServer({ deps: setup.db.deps, onStop: () => setup.db.deps.logReader.stop() }).start(0);
});

afterAll(() => running?.stop());

async function readyz(): Promise<{ status: number; body: ReadinessState }> {
  const response = await fetch(`${running.url}/readyz`);
  return { status: response.status, body: (await response.json()) as ReadinessState };
}

describe('health', () => {
  it('/healthz answers while the process runs; /readyz waits for the log reader, then checks the database and migrations', async () => {
    const health = await fetch(`${running.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });

    expect(await readyz()).toMatchObject({ status: 503, body: { ready: false, reason: 'the event log reader is not listening' } });
    await setup.db.deps.logReader.start();
    expect(await readyz()).toEqual({ status: 200, body: { ready: true, checks: { database: 'ok', migrations: 'ok', logReader: 'ok', shutdown: 'ok' } } });
  });

  it('a migration this code has but the database lacks makes the process unready, and says which', async () => {
    const { rows } = await setup.db.sql.query<{ id: string; migration_name: string }>('SELECT id, migration_name FROM "_prisma_migrations" ORDER BY migration_name DESC LIMIT 1');
    const latest = rows[0]!;
    await setup.db.sql.query('UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE id = $1', [latest.id]);
    try {
      expect(await readyz()).toMatchObject({ status: 503, body: { ready: false, reason: `migrations not applied: ${latest.migration_name}` } });
    } finally {
      await setup.db.sql.query('UPDATE "_prisma_migrations" SET rolled_back_at = NULL WHERE id = $1', [latest.id]);
    }
    expect((await readyz()).status).toBe(200);
  });

  it('a database that cannot be reached makes it unready within the bound', async () => {
    const unreachable = createPrisma({ url: 'postgresql://nobody:nothing@127.0.0.1:9/none', poolSize: 1, limits: { connectMs: 500 } });
    try {
      const started = Date.now();
      const state = await new Readiness({ db: unreachable, logReader: { isConnected: true }, timeoutMs: 1_000 }).check();
      expect(state).toMatchObject({ ready: false, reason: 'the database is unreachable', checks: { migrations: 'unknown' } });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await unreachable.$disconnect();
    }
  });

  it('stopping: unready first, then no new connections, open streams end as retryable, a request in flight finishes', async () => {
    const auth = { authorization: `Bearer ${token}` };
    // A desk's live stream, read as raw SSE.
    const stream = await fetch(`${running.url}/trpc/changes?input=${encodeURIComponent('{}')}`, { headers: auth });
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    let sse = '';
    const streamEnded = (async () => {
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) sse += chunk.value;
    })();
    await until(() => sse.includes('"kind":"live"'), 'the stream to go live');

    // A booking in flight: it waits on its slot's lock, which the test holds.
    const booking = gpBooking(setup.demo, '10:00', setup.demo.patients[0]!);
    const key = drCarterLock(setup.demo, booking);
    const holder = await setup.db.sql.connect();
    await holder.query('SELECT pg_advisory_lock($1::bigint)', [key]);
    const inFlight = fetch(`${running.url}/trpc/booking.book`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(booking) });
    await untilLockWaiters(setup.db.sql, 1);

    const stopped = running.stop({ delayMs: 600, drainMs: 20_000 });
    expect(await readyz()).toMatchObject({ status: 503, body: { ready: false, reason: 'shutting down' } });
    await streamEnded;
    expect(sse).toContain('event: serialized-error');
    expect(sse).toContain('SERVICE_UNAVAILABLE');
    await expect(fetch(`${running.url}/healthz`)).rejects.toThrow();

    await holder.query('SELECT pg_advisory_unlock($1::bigint)', [key]);
    holder.release();
    const answered = await inFlight;
    expect(answered.status).toBe(200);
    expect(answered.headers.get('connection')).toBe('close');
    await stopped;
  });
});
