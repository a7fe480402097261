import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

// Every Prometheus series the server exposes at /metrics, in one registry per
// process (the unit Prometheus scrapes). Code that counts imports the metric
// it needs; what is read at scrape time (pools, streams, readiness) is
// handed in by the code that owns it. Labels hold codes and names, never ids.

export const registry = new Registry();

// Node's standard series (process_resident_memory_bytes, nodejs_eventloop_lag_seconds, …) keep their
// well-known names, so stock Node.js dashboards read them as they are.
collectDefaultMetrics({ register: registry });

const registers = [registry];

function counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
  return new Counter({ name, help, labelNames, registers });
}

function histogram<L extends string>(name: string, help: string, buckets: number[], labelNames: readonly L[] = []): Histogram<L> {
  return new Histogram({ name, help, buckets, labelNames, registers });
}

/** Seconds buckets for work a desk waits on: a few milliseconds to ten seconds. */
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const procedureDuration = histogram('frontdesk_procedure_duration_seconds', 'Time to answer a procedure call (a subscription: to open it), by procedure and outcome (OK or the domain code).', REQUEST_BUCKETS, ['procedure', 'outcome']);

export const bookingCommands = counter('frontdesk_booking_commands_total', 'Booking commands answered, by command and outcome (OK or the domain code, e.g. SLOT_TAKEN).', ['command', 'outcome']);

export const bookingConflicts = counter('frontdesk_booking_conflicts_total', 'Placements that met a taken slot, by command and stage: check (the availability check) or constraint (the exclusion constraint, after the check passed).', ['command', 'stage']);

export const txRetries = counter('frontdesk_tx_retries_total', 'Transactions run again, by reason (deadlock, serialization, connection) and SQLSTATE (none for a lost connection).', ['reason', 'sqlstate']);

export const advisoryLockWait = histogram('frontdesk_advisory_lock_wait_seconds', 'Time a booking transaction waited for its slot locks (advisory locks on its resources and patient).', [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]);

export const holdExpiries = counter('frontdesk_hold_expiries_total', 'Holds that ran out and were expired, by who found them: the sweeper, or a placement they stood in the way of.', ['by']);

export const eventDeliveryLag = histogram('frontdesk_event_delivery_lag_seconds', "Time from an event's transaction (its created_at) to this process handing it to its open desk streams.", [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]);

export const eventStreamLag = histogram('frontdesk_event_stream_lag_seconds', "Time from a live event's transaction (its created_at) to its message going out on one desk's stream, once per desk that sees it.", [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]);

/** A pg Pool as the gauges read it. */
export interface ObservedPool {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
  readonly ended: boolean;
  readonly options: { max?: number | undefined };
}

const pools = new Map<ObservedPool, string>();

/** Reports a connection pool's use under `name` until the pool ends. */
export function observePool(name: string, pool: ObservedPool): void {
  pools.set(pool, name);
}

/** A gauge read at scrape time. */
function sampled(name: string, help: string, read: () => number | Promise<number>): void {
  new Gauge({
    name,
    help,
    async collect() {
      this.set(await read());
    },
    registers,
  });
}

/** Summed by pool name (a test process may run several servers); ended pools leave. */
function poolGauge(name: string, help: string, read: (pool: ObservedPool) => number): void {
  new Gauge({
    name,
    help,
    labelNames: ['pool'] as const,
    collect() {
      this.reset();
      for (const [pool, label] of pools) {
        if (pool.ended) pools.delete(pool);
        else this.inc({ pool: label }, read(pool));
      }
    },
    registers,
  });
}

poolGauge('frontdesk_db_pool_in_use', 'Connections handed out by the pool and not yet returned.', (p) => p.totalCount - p.idleCount);
poolGauge('frontdesk_db_pool_open', 'Connections open in the pool, in use or idle.', (p) => p.totalCount);
poolGauge('frontdesk_db_pool_waiting', 'Requests waiting for a connection from the pool.', (p) => p.waitingCount);
poolGauge('frontdesk_db_pool_max', 'Most connections the pool may open.', (p) => p.options.max ?? 10);

let streams: () => { streams: number; bufferedEvents: number } = () => ({ streams: 0, bufferedEvents: 0 });

/** Where the stream gauges read from: the process's live `changes` streams. */
export function observeStreams(read: typeof streams): void {
  streams = read;
}

sampled('frontdesk_sse_streams', 'Live change streams (one per desk window) open on this process.', () => streams().streams);
sampled('frontdesk_sse_buffered_events', 'Events waiting for desks that read slower than changes arrive.', () => streams().bufferedEvents);

let readiness: () => Promise<boolean> = async () => false;

/** What the readiness gauge asks at each scrape (the same checks as /readyz). */
export function observeReadiness(check: typeof readiness): void {
  readiness = check;
}

sampled(
  'frontdesk_ready',
  '1 while this process would answer /readyz with 200 (database reachable, migrations current, log reader listening, not shutting down).',
  async () => ((await readiness()) ? 1 : 0),
);
