import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeMessage } from '@frontdesk/shared';
import { createServer, type RunningServer } from '../app.js';
import { seedDemo, type DemoClinic } from '../seed/demo.js';
import { anonymousCaller } from '../testing/callers.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { dechunk, parseSse } from '../testing/raw-http.js';
import { changesStats, DEFAULT_LIMITS, streamChanges } from './changes.service.js';
import { until } from '../testing/event-log.js';

// A desk whose connection stops reading (a frozen window, a stalled network)
// while the clinic keeps working: the server must not hold ever more for it.

describe('a desk that never reads its stream', () => {
  let db: TestDatabase;
  let clinic: DemoClinic;
  let running: RunningServer;
  const serverSockets: net.Socket[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    clinic = await seedDemo(db.owner, { emailDomain: 'slow.test' });
    running = await createServer({ deps: db.deps }).start(0);
    running.server.on('connection', (s: net.Socket) => serverSockets.push(s));
  });

  afterAll(async () => {
    await running?.stop();
    await db?.deps.logReader.stop();
    await db?.drop();
  });

  it('costs the server a bounded buffer: past it the stream stops buffering, ends as retryable, and the desk resumes with no gap', async () => {
    const { token } = await anonymousCaller(db.deps).auth.login({ email: clinic.staff.receptionist.email, password: clinic.password, desk: 'frozen desk' });
    const port = Number(new URL(running.url).port);
    const client = net.connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
    client.on('data', (d: Buffer) => received.push(d));
    client.write(
      `GET /trpc/changes?input=${encodeURIComponent('{}')} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nAuthorization: Bearer ${token}\r\n\r\n`,
    );
    await until(() => Buffer.concat(received).toString().includes('"kind":"live"'), 'the stream to start');
    // From here on the desk reads nothing: the kernel's buffers fill, then Node's, then the server's.
    client.pause();
    const reader = db.deps.logReader;
    expect(reader.subscriberCount).toBe(1);

    // A busy clinic: 5,000 events of about 4 kB for her branch, far more than any socket buffer holds.
    const total = 5000;
    for (let i = 0; i < total; i += 1000) {
      await db.sql.query(
        `INSERT INTO "event" (tenant_id, branch_id, type, payload, desk)
         SELECT $1::uuid, $2::uuid, 'stock.changed', jsonb_build_object('productId', gen_random_uuid(), 'branchId', $2::text, 'quantity', n, 'delta', 1, 'filler', repeat('x', 4000)), 'busy desk'
         FROM generate_series(1, 1000) AS n`,
        [clinic.tenantId, clinic.branches.east],
      );
    }
    const { rows } = await db.sql.query<{ seq: string }>(`SELECT ev.seq::text AS seq FROM "event" ev WHERE ev.desk = 'busy desk' ORDER BY ev.tx_id, ev.seq`);
    expect(rows).toHaveLength(total);
    await until(() => reader.state.cursor.seq >= BigInt(rows[rows.length - 1]!.seq), 'the reader to fan everything out');

    // Past the limit the stream let go of the reader and holds nothing more for her.
    await until(() => reader.subscriberCount === 0, 'the stream to stop buffering');
    const stats = changesStats();
    expect(stats.bufferedEvents).toBe(0);
    // What Node holds for the socket stays near one write (the stream waits for 'drain'): no pile of events.
    const stream = serverSockets.find((s) => !s.destroyed && s.writableLength > 0);
    const heldByNode = stream?.writableLength ?? 0;
    expect(heldByNode).toBeLessThan(256 * 1024);
    console.log(
      `slow client: ${total} events of ~4 kB produced; buffer limit ${DEFAULT_LIMITS.bufferLimit} events; ` +
        `after overflow: subscribers ${reader.subscriberCount}, events held ${stats.bufferedEvents}, bytes queued in Node for the socket ${heldByNode}`,
    );

    // The desk wakes up: it gets what was already on its way, then a retryable end (not a crash, not a sign-out).
    client.resume();
    // The response ends (its last chunk) while the connection stays open for the next request.
    await until(() => Buffer.concat(received).subarray(-5).toString() === '0\r\n\r\n', 'the stream to end', 30_000);
    const raw = Buffer.concat(received);
    const events = parseSse(dechunk(raw.subarray(raw.indexOf('\r\n\r\n') + 4)).toString('utf8'));
    const failure = events.find((e) => e.event === 'serialized-error');
    expect(JSON.parse(failure!.data)).toMatchObject({ data: { code: 'SERVICE_UNAVAILABLE', httpStatus: 503 } });
    const delivered = events.filter((e) => e.id && !e.event).map((e) => ({ id: e.id!, message: JSON.parse(e.data) as ChangeMessage }));
    const got = delivered.flatMap((d) => (d.message.kind === 'events' ? d.message.events.map((e) => e.seq) : []));
    expect(got.length).toBeLessThan(total);
    console.log(`slow client: it had ${got.length} events on their way when the stream let go; the other ${total - got.length} came from the log on resume`);

    // It resumes from the last id it saw: the rest, once each, in order.
    const actor = (await db.deps.auth.authenticate(token))!;
    const controller = new AbortController();
    const resumed = streamChanges({ deps: db.deps, actor, token, lastEventId: delivered[delivered.length - 1]!.id, signal: controller.signal });
    for await (const [, message] of resumed) {
      if (message.kind === 'live') break;
      expect(message.kind).toBe('events');
      if (message.kind === 'events') got.push(...message.events.map((e) => e.seq));
    }
    controller.abort();
    const written = new Set(rows.map((r) => r.seq));
    const ours = got.filter((seq) => written.has(seq));
    expect(ours).toEqual(rows.map((r) => r.seq));
    client.destroy();
  });
});
