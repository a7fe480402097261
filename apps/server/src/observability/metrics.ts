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

/** Seconds buckets for work a desk waits on: a few milliseconds to ten seconds. */
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const procedureDuration = new Histogram({
  name: 'frontdesk_procedure_duration_seconds',
  help: 'Time the server took to answer a procedure call (a subscription: to open it), by procedure and outcome (OK or the domain code).',
  labelNames: ['procedure', 'outcome'] as const,
  buckets: REQUEST_BUCKETS,
  registers,
});

export const bookingCommands = new Counter({
  name: 'frontdesk_booking_commands_total',
  help: 'Booking commands answered, by command and outcome (OK or the domain code, e.g. SLOT_TAKEN).',
  labelNames: ['command', 'outcome'] as const,
  registers,
});

export const bookingConflicts = new Counter({
  name: 'frontdesk_booking_conflicts_total',
  help: 'Placements (hold, book, move, confirm) that met a taken slot, by command and stage: check (the availability check said no) or constraint (the exclusion constraint said no after the check said yes).',
  labelNames: ['command', 'stage'] as const,
  registers,
});

export const txRetries = new Counter({
  name: 'frontdesk_tx_retries_total',
  help: 'Transactions run again, by reason (deadlock, serialization, connection) and SQLSTATE (none for a lost connection).',
  labelNames: ['reason', 'sqlstate'] as const,
  registers,
});

export const advisoryLockWait = new Histogram({
  name: 'frontdesk_advisory_lock_wait_seconds',
  help: 'Time a booking transaction waited for its slot locks (advisory locks on its resources and patient).',
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers,
});

export const holdExpiries = new Counter({
  name: 'frontdesk_hold_expiries_total',
  help: 'Holds that ran out and were expired, by who found them: the sweeper, or a placement they stood in the way of.',
  labelNames: ['by'] as const,
  registers,
});

export const eventDeliveryLag = new Histogram({
  name: 'frontdesk_event_delivery_lag_seconds',
  help: "Time from an event's transaction (its created_at) to this process handing it to its open desk streams.",
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers,
});

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

/** Sums by pool name (a test process may run several servers); ended pools leave. */
function poolGauge(help: string, read: (pool: ObservedPool) => number, name: string) {
  return new Gauge({
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

poolGauge('Connections handed out by the pool and not yet returned.', (p) => p.totalCount - p.idleCount, 'frontdesk_db_pool_in_use');
poolGauge('Connections open in the pool, in use or idle.', (p) => p.totalCount, 'frontdesk_db_pool_open');
poolGauge('Requests waiting for a connection from the pool.', (p) => p.waitingCount, 'frontdesk_db_pool_waiting');
poolGauge('Most connections the pool may open.', (p) => p.options.max ?? 10, 'frontdesk_db_pool_max');

let streams: () => { streams: number; bufferedEvents: number } = () => ({ streams: 0, bufferedEvents: 0 });

/** Where the stream gauges read from: the process's live `changes` streams. */
export function observeStreams(read: typeof streams): void {
  streams = read;
}

new Gauge({
  name: 'frontdesk_sse_streams',
  help: 'Live change streams (one per desk window) open on this process.',
  collect() {
    this.set(streams().streams);
  },
  registers,
});

new Gauge({
  name: 'frontdesk_sse_buffered_events',
  help: 'Events waiting for desks that read slower than changes arrive.',
  collect() {
    this.set(streams().bufferedEvents);
  },
  registers,
});

let readiness: () => Promise<boolean> = async () => false;

/** What the readiness gauge asks at each scrape (the same checks as /readyz). */
export function observeReadiness(check: typeof readiness): void {
  readiness = check;
}

new Gauge({
  name: 'frontdesk_ready',
  help: '1 while this process would answer /readyz with 200 (database reachable, migrations current, log reader listening, not shutting down).',
  async collect() {
    this.set((await readiness()) ? 1 : 0);
  },
  registers,
});
