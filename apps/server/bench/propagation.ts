import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import http from 'node:http';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrate.js';
import { createPrisma } from '../src/db/prisma.js';
import { seedDemo } from '../src/seed/demo.js';
import { freePort, loginAt, startServerProcess, type ServerProcess } from '@frontdesk/server/testing';
import { percentile, round } from './stats.js';
import { cpuMs, groupCpuMs, postgresCpuMs, profilingEnv } from './cpu.js';
import { seedBenchClinic, startBookingLoad } from './booking.js';
import type { DesksCommand, DesksReport } from './propagation-desks.js';

// Time from a command's COMMIT returning to its event arriving at desks over
// real SSE, with several server processes on one database. BENCH_CPU_PROF=<dir>
// writes each server's CPU profile there.

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
  /** Processes the desks are spread over (propagation-desks.ts); 0: all in this process, as before. */
  deskProcesses?: number;
}

/** A latency histogram of the servers' /metrics, summed over the processes, for what the run added. */
export interface ServerSide {
  /** Observations (events × desks for the stream lag; events × processes for the reader's). */
  count: number;
  /** Share within 50 ms. */
  within50Ms: number;
  /** The bucket bounds p50 and p99 fall in (ms; Infinity past the last). */
  p50AtMostMs: number;
  p99AtMostMs: number;
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
  /** Processes the desks ran in (0: the bench's own), and streams that ended before the run did. */
  deskProcesses: number;
  endedStreams: number;
  /** Why they ended, with how many each. */
  endedReasons: Record<string, number>;
  /**
   * The same deliveries as the servers saw them (every event of the run, warm-up too): from the
   * event's transaction to the reader handing it to the process's streams, and to its message
   * going out on each desk's stream. The gap between these and p99Ms is the network and the desks.
   */
  server: { readerHandOff: ServerSide; streamSend: ServerSide };
  /** CPU each part used while the events were written, in cores (CPU seconds a second), and the machine's cores: above them, everything queues. */
  cpuCores: { servers: number; desks: number; postgres: number; bench: number; machine: number };
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
export function subscribeRaw(baseUrl: string, token: string, onEvent: (seq: string, at: number) => void, onEnd: (reason: string) => void = () => undefined): RawSubscriber {
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
    let reason = `HTTP ${res.statusCode ?? '?'}, ended`;
    res.on('end', () => onEnd(reason));
    res.on('data', (chunk: string) => {
      // The wall clock, to the sub-millisecond: desks in other processes stamp arrivals on the same scale as commits.
      const at = performance.timeOrigin + performance.now();
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        // The error a stream ends with names why (a retryable end, a refusal).
        if (block.startsWith('event: serialized-error')) reason = (block.match(/"message":"([^"]*)"/)?.[1] ?? block).slice(0, 120);
        if (block.startsWith('event:')) {
          if (!block.startsWith('event: ping') && !block.startsWith('event: connected')) reason = block.slice(0, 160);
          continue; // connected, ping, restore-id
        }
        // SSE may split one message over several data lines; an empty one carries nothing to count.
        const data = block
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5))
          .join('\n');
        if (!data) continue;
        let message: { kind: string; events?: { seq: string }[] };
        try {
          message = JSON.parse(data) as typeof message;
        } catch {
          continue;
        }
        if (message.kind === 'events') for (const event of message.events ?? []) onEvent(event.seq, at);
        else if (message.kind === 'live') markLive();
      }
    });
  });
  let closed = false;
  req.on('error', (error) => !closed && onEnd(`connection: ${error.message}`));
  return {
    live,
    close: () => {
      closed = true;
      req.destroy();
    },
  };
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

    const servers: ServerProcess[] = await Promise.all(Array.from({ length: processes }, () => startServerProcess(databaseUrl, profilingEnv())));
    cleanup.push(() => Promise.all(servers.map((s) => s.kill('SIGTERM'))));
    const urls = servers.map((s) => s.url);

    // A call-centre agent sees both branches; an east receptionist only east (and clinic-wide).
    const desks = [
      { email: clinic.staff.callCentre.email, east: true, west: true },
      { email: clinic.staff.receptionist.email, east: true, west: false },
    ];

    const commits = new Map<string, { at: number; branch: 'east' | 'west'; measured: boolean }>();
    const arrivals: { seq: string; at: number; sub: number }[] = [];
    const subs: { east: boolean; west: boolean }[] = [];
    const opened: { index: number; url: string; token: string }[] = [];
    const perSignIn = options.windowsPerSignIn ?? 1;
    const tokens = new Map<string, string>();
    for (let i = 0; i < subscriberCount; i++) {
      const desk = desks[i % desks.length]!;
      // Each desk window signs in on its own, as real desks do (a sign-in may hold only a few streams), unless told to share.
      const key = `${i % (desks.length * processes)}:${Math.floor(i / (desks.length * processes * perSignIn))}`;
      const token = tokens.get(key) ?? (await loginAt(urls[i % processes]!, desk.email, clinic.password, `bench ${i}`));
      tokens.set(key, token);
      opened.push({ index: i, url: urls[i % processes]!, token });
      subs.push({ east: desk.east, west: desk.west });
    }
    const desksIn = await openDesks(opened, options.deskProcesses ?? 4, arrivals);
    cleanup.push(() => desksIn.close());
    const before = await Promise.all(urls.map(scrapeLag));

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
        commits.set(rows[0]!.seq, { at: performance.timeOrigin + performance.now(), branch, measured });
      } finally {
        client.release();
      }
    };

    // What each part asked of the machine while the events were written (servers, desks, Postgres, this process).
    const dataDir = await pool.query<{ dir: string }>(`SELECT current_setting('data_directory') AS dir`).then((r) => r.rows[0]?.dir ?? null, () => null);
    const cpuNow = () => ({
      servers: servers.reduce((sum, s) => sum + groupCpuMs(s.child.pid!), 0),
      desks: desksIn.pids().reduce((sum, pid) => sum + cpuMs((p) => p === pid), 0),
      postgres: dataDir ? postgresCpuMs(dataDir) : Number.NaN,
      bench: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
    });
    const cpuBefore = cpuNow();
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
    const cpuAfter = cpuNow();
    const wallMs = performance.now() - started;
    const cores = (k: keyof typeof cpuBefore) => round((cpuAfter[k] - cpuBefore[k]) / wallMs, 2);
    const cpuCores = { servers: cores('servers'), desks: cores('desks'), postgres: cores('postgres'), bench: cores('bench'), machine: os.cpus().length };
    const loadOutcome = (await load?.stop()) ?? { booked: 0, failed: 0 };
    const loadSeconds = (performance.now() - loadStarted) / 1000;

    const expected = [...commits.values()].reduce((sum, c) => sum + subs.filter((s) => s[c.branch]).length, 0);
    const deadline = performance.now() + 10_000;
    while (desksIn.received() < expected && performance.now() < deadline) await sleep(20);
    const after = await Promise.all(urls.map(scrapeLag));
    const endedReasons = await desksIn.collect();
    const endedStreams = Object.values(endedReasons).reduce((a, b) => a + b, 0);

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
      deskProcesses: options.deskProcesses ?? 4,
      endedStreams,
      endedReasons,
      server: { readerHandOff: lagSummary(before, after, 'frontdesk_event_delivery_lag_seconds'), streamSend: lagSummary(before, after, 'frontdesk_event_stream_lag_seconds') },
      bookingLoad: { perSecond: loadRate, ...loadOutcome, achievedPerSecond: round(loadOutcome.booked / loadSeconds, 1) },
      cpuCores,
    };
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  }
}

interface OpenDesks {
  /** Arrivals so far (all processes). */
  received(): number;
  /** Puts every arrival into the array given to openDesks; resolves with why streams ended early (how many each). */
  collect(): Promise<Record<string, number>>;
  /** The desks' own processes (none when they run in the bench's). */
  pids(): number[];
  close(): Promise<void>;
}

/** The desks' streams, in `count` processes of their own (0: in this one); resolves once every one is live. */
async function openDesks(desks: { index: number; url: string; token: string }[], count: number, arrivals: { seq: string; at: number; sub: number }[]): Promise<OpenDesks> {
  if (count === 0) {
    const ended: Record<string, number> = {};
    const subs = desks.map((d) => subscribeRaw(d.url, d.token, (seq, at) => arrivals.push({ seq, at, sub: d.index }), (why) => (ended[why] = (ended[why] ?? 0) + 1)));
    await Promise.all(subs.map((s) => s.live));
    return { received: () => arrivals.length, collect: async () => ended, pids: () => [], close: async () => subs.forEach((s) => s.close()) };
  }
  const script = fileURLToPath(new URL('./propagation-desks.ts', import.meta.url));
  const children: { child: ChildProcess; received: number }[] = [];
  for (let n = 0; n < count; n++) {
    // The same loader as this process (tsx), so the child runs the TypeScript as it is.
    const child = fork(script, [], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push({ child, received: 0 });
  }
  const onceFrom = <T extends DesksReport['type']>(child: ChildProcess, type: T) =>
    new Promise<Extract<DesksReport, { type: T }>>((resolve, reject) => {
      const listen = (report: DesksReport) => {
        if (report.type !== type) return;
        child.off('message', listen);
        resolve(report as Extract<DesksReport, { type: T }>);
      };
      child.on('message', listen);
      child.once('exit', (code) => reject(new Error(`a desks process exited (${code})`)));
    });
  for (const c of children) c.child.on('message', (report: DesksReport) => report.type === 'count' && (c.received = report.received));
  const live = children.map((c) => onceFrom(c.child, 'live'));
  children.forEach((c, n) => c.child.send({ type: 'open', desks: desks.filter((_, i) => i % count === n) } satisfies DesksCommand));
  await Promise.all(live);
  return {
    received: () => children.reduce((sum, c) => sum + c.received, 0),
    pids: () => children.map((c) => c.child.pid!).filter((pid) => pid !== undefined),
    collect: async () => {
      const ended: Record<string, number> = {};
      for (const c of children) {
        const report = onceFrom(c.child, 'arrivals');
        c.child.send({ type: 'report' } satisfies DesksCommand);
        const got = await report;
        for (const [seq, at, sub] of got.arrivals) arrivals.push({ seq, at, sub });
        for (const [why, n] of Object.entries(got.ended)) ended[why] = (ended[why] ?? 0) + n;
      }
      return ended;
    },
    close: async () => {
      for (const c of children) if (c.child.connected) c.child.send({ type: 'close' } satisfies DesksCommand);
      await Promise.all(children.map((c) => (c.child.exitCode === null ? new Promise((resolve) => c.child.once('exit', resolve)) : null)));
    },
  };
}

type Buckets = Map<string, number>;

/** The cumulative buckets of the live feed's two lag histograms on one server (loopback may read /metrics). */
async function scrapeLag(url: string): Promise<Buckets> {
  const text = await fetch(`${url}/metrics`).then((r) => r.text(), () => '');
  const buckets: Buckets = new Map();
  for (const line of text.split('\n')) {
    const match = line.match(/^(frontdesk_event_(?:delivery|stream)_lag_seconds)_bucket\{le="([^"]+)"\} (\d+)/);
    if (match) buckets.set(`${match[1]} ${match[2]}`, Number(match[3]));
  }
  return buckets;
}

function lagSummary(before: Buckets[], after: Buckets[], name: string): ServerSide {
  const bounds = [...new Set(after.flatMap((b) => [...b.keys()]).filter((k) => k.startsWith(`${name} `)).map((k) => k.slice(name.length + 1)))];
  const cumulative = bounds
    .map((le) => ({ le: le === '+Inf' ? Infinity : Number(le) * 1000, n: after.reduce((sum, b, i) => sum + (b.get(`${name} ${le}`) ?? 0) - (before[i]?.get(`${name} ${le}`) ?? 0), 0) }))
    .sort((a, b) => a.le - b.le);
  const count = cumulative[cumulative.length - 1]?.n ?? 0;
  const at = (q: number) => cumulative.find((b) => b.n >= q * count)?.le ?? Infinity;
  return { count, within50Ms: count ? round((cumulative.find((b) => b.le === 50)?.n ?? 0) / count, 3) : 0, p50AtMostMs: at(0.5), p99AtMostMs: at(0.99) };
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
