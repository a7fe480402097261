import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type RunningServer } from '../app.js';
import { inTransaction } from '../db/tx.js';
import { clientFor, ServerRotation, subscribeRemote } from '../testing/remote.js';
import { until } from '../testing/event-log.js';
import { demoDatabase } from '../testing/file-database.js';
import { drCarterLock, gpBooking, metricValue, signedIn, untilLockWaiters } from '../testing/observed.js';

// Bookings, conflicts and a deadlock made for real, then /metrics scraped over HTTP.

let token: string;
let running: RunningServer;

const setup = demoDatabase({ emailDomain: 'metrics.test' }, { poolSize: 12 });
beforeAll(async () => {
  ({ token } = await signedIn(setup.db.deps, setup.demo));
  running = await createServer({ deps: setup.db.deps, onStop: () => setup.db.deps.logReader.stop() }).start(0);
  await setup.db.deps.logReader.start();
});

afterAll(() => running?.stop());

async function scrape(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/metrics`, { headers });
}

/** Two desks that both pass the availability check, then queue on the slot's lock: the constraint decides between them. */
async function raceAtTheConstraint(desk: ReturnType<typeof clientFor>): Promise<PromiseSettledResult<unknown>[]> {
  const [first, second] = [gpBooking(setup.demo, '11:00', setup.demo.patients[2]!), gpBooking(setup.demo, '11:00', setup.demo.patients[3]!)];
  const key = drCarterLock(setup.demo, first);
  const holder = await setup.db.sql.connect();
  try {
    await holder.query('SELECT pg_advisory_lock($1::bigint)', [key]);
    const settled = Promise.allSettled([desk.booking.book.mutate(first), desk.booking.book.mutate(second)]);
    await untilLockWaiters(setup.db.sql, 2);
    await holder.query('SELECT pg_advisory_unlock($1::bigint)', [key]);
    return await settled;
  } finally {
    holder.release();
  }
}

/** Two transactions taking two locks in opposite orders: Postgres aborts one (40P01), which runs again. */
async function deadlock(): Promise<void> {
  let held = 0;
  let bothHoldTheirFirst!: () => void;
  const barrier = new Promise<void>((resolve) => (bothHoldTheirFirst = resolve));
  const run = (first: number, second: number) => {
    let tries = 0;
    return inTransaction(setup.db.deps.db, { tenantId: null }, async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${first}::bigint)`;
      if (tries++ === 0) {
        if (++held === 2) bothHoldTheirFirst();
        await barrier;
      }
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${second}::bigint)`;
    });
  };
  await Promise.all([run(901, 902), run(902, 901)]);
}

describe('/metrics', () => {
  it('counts bookings by outcome, conflicts by stage, retries by SQLSTATE, lock waits, delivery lag, streams and the pool', async () => {
    const desk = clientFor(() => running.url, token);
    const stream = subscribeRemote({ rotation: new ServerRotation(() => [running.url]), token });
    await stream.live;
    await desk.booking.book.mutate(gpBooking(setup.demo, '09:00', setup.demo.patients[0]!));
    await expect(desk.booking.book.mutate(gpBooking(setup.demo, '09:00', setup.demo.patients[1]!))).rejects.toThrow();
    const raced = await raceAtTheConstraint(desk);
    expect(raced.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    await deadlock();
    await until(() => stream.seqs.length >= 2, 'both bookings on the stream');

    const response = await scrape(running.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    const value = (name: string, labels: Record<string, string> = {}) => metricValue(text, name, labels);

    expect(value('frontdesk_booking_commands_total', { command: 'book', outcome: 'OK' })).toBe(2);
    expect(value('frontdesk_booking_commands_total', { command: 'book', outcome: 'SLOT_TAKEN' })).toBe(2);
    // The second booking of a time this process saw booked is refused before any transaction (the recently-taken index).
    expect(value('frontdesk_booking_conflicts_total', { command: 'book', stage: 'recent' })).toBe(1);
    expect(value('frontdesk_booking_conflicts_total', { command: 'book', stage: 'constraint' })).toBe(1);
    expect(value('frontdesk_tx_retries_total', { reason: 'deadlock', sqlstate: '40P01' })).toBe(1);
    // Every placement that reached a transaction took its slot locks (the early refusal took none); the two racing ones waited as long as the test held the lock.
    expect(value('frontdesk_advisory_lock_wait_seconds_count')).toBeGreaterThanOrEqual(3);
    expect(value('frontdesk_advisory_lock_wait_seconds_bucket', { le: '0.001' })).toBeLessThan(value('frontdesk_advisory_lock_wait_seconds_count')!);
    expect(value('frontdesk_procedure_duration_seconds_count', { procedure: 'booking.book', outcome: 'OK' })).toBe(2);
    expect(value('frontdesk_procedure_duration_seconds_count', { procedure: 'booking.book', outcome: 'SLOT_TAKEN' })).toBe(2);
    expect(value('frontdesk_procedure_duration_seconds_count', { procedure: 'changes', outcome: 'OK' })).toBe(1);
    expect(value('frontdesk_event_delivery_lag_seconds_count')).toBeGreaterThanOrEqual(2);
    expect(value('frontdesk_sse_streams')).toBe(1);
    expect(value('frontdesk_db_pool_max', { pool: 'app' })).toBe(12);
    expect(value('frontdesk_db_pool_open', { pool: 'app' })).toBeGreaterThan(0);
    expect(value('frontdesk_db_pool_waiting', { pool: 'app' })).toBe(0);
    expect(value('frontdesk_ready')).toBe(1);
    expect(value('process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(value('nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(text).toContain('# TYPE frontdesk_hold_expiries_total counter');
    stream.close();
  });

  it('an expired hold is counted by who expired it', async () => {
    const desk = clientFor(() => running.url, token);
    const held = await desk.booking.hold.mutate({ ...gpBooking(setup.demo, '14:00', setup.demo.patients[4]!), holdMinutes: 5 });
    await setup.db.sql.query(`UPDATE appointment SET hold_expires_at = now() - interval '1 minute' WHERE id = $1`, [held.id]);
    expect(await setup.db.deps.holdExpiry.expireDue()).toBe(1);
    const text = await (await scrape(running.url)).text();
    expect(metricValue(text, 'frontdesk_hold_expiries_total', { by: 'sweeper' })).toBe(1);
  });

  it('answers only this machine, or the bearer of the metrics token: anything else gets 403', async () => {
    expect((await scrape(running.url)).status).toBe(200);
    // A proxy on this machine makes every client look local; it says so, and is refused.
    const proxied = await scrape(running.url, { 'x-forwarded-for': '203.0.113.7' });
    expect(proxied.status).toBe(403);
    expect(((await proxied.json()) as { error: { data: { domain: { code: string } } } }).error.data.domain.code).toBe('FORBIDDEN');

    const metricsToken = 'a-long-metrics-token-for-prometheus';
    const guarded = await createServer({ deps: setup.db.deps, metricsToken }).start(0, '0.0.0.0');
    try {
      const url = guarded.url.replace('0.0.0.0', '127.0.0.1');
      expect((await scrape(url)).status).toBe(403);
      expect((await scrape(url, { authorization: 'Bearer not-the-token-at-all' })).status).toBe(403);
      expect((await scrape(url, { authorization: `Bearer ${metricsToken}` })).status).toBe(200);
      // From another machine's point of view (this host's own non-loopback address), without the token.
      const external = Object.values(os.networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal);
      if (external) {
        const open = await createServer({ deps: setup.db.deps }).start(0, '0.0.0.0');
        try {
          expect((await scrape(open.url.replace('0.0.0.0', external.address))).status).toBe(403);
          expect((await scrape(open.url.replace('0.0.0.0', '127.0.0.1'))).status).toBe(200);
        } finally {
          await open.stop();
        }
      }
    } finally {
      await guarded.stop();
    }
  });
});
