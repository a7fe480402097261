import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrate.js';
import { createPrisma } from '../src/db/prisma.js';
import { seedDemo } from '../src/seed/demo.js';
import { freePort, loginAt, startServerProcess, type ServerProcess } from '@frontdesk/server/testing';
import { percentile, round } from './stats.js';
import { seedBenchClinic, startBookingLoad } from './booking.js';

// Time from a command's COMMIT returning to its event arriving at desks over
// real SSE, with several server processes on one database.

export interface PropagationOptions {
  /** A database to use; by default an embedded cluster in a temporary folder. */
  databaseUrl?: string;
  processes?: number;
  subscribers?: number;
  /** Committed transactions (one event each) per second. */
  ratePerSecond?: number;
  durationMs?: number;
  /** Events in the first part of the run are not measured. */
  warmupMs?: number;
  /** Transactions in flight at once, at most. */
  writers?: number;
  /** Bookings per second made through the servers' API meanwhile (another tenant), as load. */
  bookingLoadPerSecond?: number;
  /** Desk windows that share one sign-in (at most the server's streams per sign-in); 1: each signs in on its own. */
  windowsPerSignIn?: number;
}

export interface PropagationResult {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  subscribers: number;
  events: number;
  processes: number;
  ratePerSecond: number;
  /** Deliveries measured (events × subscribers whose scope includes them). */
  samples: number;
  /** Deliveries expected but not seen by the end (should be 0). */
  missing: number;
  /** The booking load that ran meanwhile: asked for, and made (booked over the seconds it ran). */
  bookingLoad: { perSecond: number; booked: number; failed: number; achievedPerSecond: number };
}


interface RawSubscriber {
  live: Promise<void>;
  close(): void;
}

/**
 * A desk's `changes` stream read straight off the SSE wire (the same request
 * tRPC's httpSubscriptionLink makes), so a hundred desks in one bench process
 * cost little CPU next to the servers being measured.
 */
export function subscribeRaw(baseUrl: string, token: string, onEvent: (seq: string, at: number) => void): RawSubscriber {
  const url = new URL(`${baseUrl}/trpc/changes`);
  url.searchParams.set('input', '{}');
  let markLive: () => void = () => undefined;
  const live = new Promise<void>((resolve) => {
    markLive = resolve;
  });
  // The token goes in the Authorization header: the server refuses it in the URL.
  const req = http.get(url, { headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` } }, (res) => {
    res.setEncoding('utf8');
    let buffer = '';
    res.on('data', (chunk: string) => {
      const at = performance.now();
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (block.startsWith('event:')) continue; // connected, ping, restore-id
        // SSE may split one message over several data lines; an empty one carries nothing to count.
        const data = block
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5))
          .join('\n');
        if (!data) continue;
        let message: { kind: string; event?: { seq: string } };
        try {
          message = JSON.parse(data) as typeof message;
        } catch {
          continue;
        }
        if (message.kind === 'event' && message.event) onEvent(message.event.seq, at);
        else if (message.kind === 'live') markLive();
      }
    });
  });
  req.on('error', () => undefined);
  return { live, close: () => req.destroy() };
}

export async function benchPropagation(options: PropagationOptions = {}): Promise<PropagationResult> {
  const processes = options.processes ?? 3;
  const subscriberCount = options.subscribers ?? 120;
  const rate = options.ratePerSecond ?? 20;
  const durationMs = options.durationMs ?? 10_000;
  const warmupMs = options.warmupMs ?? 1_000;

  const cleanup: (() => Promise<unknown>)[] = [];
  try {
    let databaseUrl = options.databaseUrl;
    if (!databaseUrl) {
      const dir = await mkdtemp(path.join(tmpdir(), 'frontdesk-bench-'));
      const cluster = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort(), database: 'frontdesk', persistent: false });
      cleanup.push(async () => {
        await cluster.stop();
        await rm(dir, { recursive: true, force: true });
      });
      databaseUrl = cluster.url();
    }
    await migrate(databaseUrl);
    const prisma = createPrisma({ url: databaseUrl, poolSize: 2 });
    cleanup.push(() => prisma.$disconnect());
    const clinic = await seedDemo(prisma, { emailDomain: `bench-${randomUUID().slice(0, 8)}.test`, tenantName: 'Bench clinic' });

    const servers: ServerProcess[] = await Promise.all(Array.from({ length: processes }, () => startServerProcess(databaseUrl)));
    cleanup.push(() => Promise.all(servers.map((s) => s.kill('SIGTERM'))));
    const urls = servers.map((s) => s.url);

    // A call-centre agent sees both branches; an east receptionist only east (and clinic-wide).
    const desks = [
      { email: clinic.staff.callCentre.email, east: true, west: true },
      { email: clinic.staff.receptionist.email, east: true, west: false },
    ];

    const commits = new Map<string, { at: number; branch: 'east' | 'west'; measured: boolean }>();
    const arrivals: { seq: string; at: number; sub: number }[] = [];
    const subs: { sub: RawSubscriber; east: boolean; west: boolean }[] = [];
    const perSignIn = options.windowsPerSignIn ?? 1;
    const tokens = new Map<string, string>();
    for (let i = 0; i < subscriberCount; i++) {
      const desk = desks[i % desks.length]!;
      // Each desk window signs in on its own, as real desks do (a sign-in may hold only a few streams), unless told to share.
      const key = `${i % (desks.length * processes)}:${Math.floor(i / (desks.length * processes * perSignIn))}`;
      const token = tokens.get(key) ?? (await loginAt(urls[i % processes]!, desk.email, clinic.password, `bench ${i}`));
      tokens.set(key, token);
      const sub = subscribeRaw(urls[i % processes]!, token, (seq, at) => arrivals.push({ seq, at, sub: i }));
      subs.push({ sub, east: desk.east, west: desk.west });
    }
    cleanup.push(async () => subs.forEach((s) => s.sub.close()));
    await Promise.all(subs.map((s) => s.sub.live));

    // Sustained booking load through the same server processes, in a clinic of its own.
    const loadRate = options.bookingLoadPerSecond ?? 20;
    const loadClinic = await seedBenchClinic(databaseUrl, { resources: 50, patients: 50 });
    const loadStarted = performance.now();
    const load = loadRate > 0 ? await startBookingLoad(urls, loadClinic, { perSecond: loadRate, dayOffset: 0 }) : null;
    cleanup.push(async () => load?.stop());

    const pool = new pg.Pool({ connectionString: databaseUrl, max: options.writers ?? 8 });
    cleanup.push(() => pool.end());
    const writeOne = async (branch: 'east' | 'west', measured: boolean) => {
      const client = await pool.connect();
      try {
        const branchId = clinic.branches[branch];
        await client.query('BEGIN');
        const { rows } = await client.query<{ seq: string }>(
          `INSERT INTO "event" (tenant_id, branch_id, type, payload, desk) VALUES ($1, $2, 'stock.changed', $3, 'bench') RETURNING seq::text AS seq`,
          [clinic.tenantId, branchId, JSON.stringify({ productId: randomUUID(), branchId, quantity: 1, delta: -1 })],
        );
        await client.query('COMMIT');
        commits.set(rows[0]!.seq, { at: performance.now(), branch, measured });
      } finally {
        client.release();
      }
    };

    // A steady rate: each write starts on its own schedule, not after the previous one.
    const started = performance.now();
    const inFlight: Promise<void>[] = [];
    for (let n = 0; ; n++) {
      const due = started + (n * 1000) / rate;
      if (due - started >= durationMs) break;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      inFlight.push(writeOne(n % 2 === 0 ? 'east' : 'west', due - started >= warmupMs));
    }
    await Promise.all(inFlight);
    const loadOutcome = (await load?.stop()) ?? { booked: 0, failed: 0 };
    const loadSeconds = (performance.now() - loadStarted) / 1000;

    const expected = [...commits.values()].reduce((sum, c) => sum + subs.filter((s) => s[c.branch]).length, 0);
    const deadline = performance.now() + 10_000;
    while (arrivals.length < expected && performance.now() < deadline) await sleep(20);

    const latencies: number[] = [];
    let measuredEvents = 0;
    for (const c of commits.values()) if (c.measured) measuredEvents++;
    for (const a of arrivals) {
      const c = commits.get(a.seq);
      // An arrival can be handled before its own COMMIT reply: that is ~0 ms.
      if (c?.measured) latencies.push(Math.max(0, a.at - c.at));
    }
    latencies.sort((a, b) => a - b);
    return {
      p50Ms: round(percentile(latencies, 50)),
      p99Ms: round(percentile(latencies, 99)),
      maxMs: round(latencies[latencies.length - 1] ?? Number.NaN),
      subscribers: subscriberCount,
      events: measuredEvents,
      processes,
      ratePerSecond: rate,
      samples: latencies.length,
      missing: Math.max(0, expected - arrivals.length),
      bookingLoad: { perSecond: loadRate, ...loadOutcome, achievedPerSecond: round(loadOutcome.booked / loadSeconds, 1) },
    };
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  benchPropagation()
    .then((result) => {
      console.log(JSON.stringify(result, null, 2));
      process.exit(0);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
