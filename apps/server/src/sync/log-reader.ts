// Over 300 lines on purpose: one reader whose connection, read loop and fan-out share one state.
import pg from 'pg';
import { noteCommitted, type CommitWaker } from '../db/commit-wake.js';
import type { Logger } from '../logger.js';
import { eventDeliveryLag } from '../observability/metrics.js';
import { archivedPast, MAX_PENDING, type ReaderState } from './cursor.js';
import { locateSeq, readForward, readHead, readTransactions, type LogEntry, type Located, type Query } from './log.repository.js';
import { maxPosition, ORIGIN, type Position } from './position.js';

export const EVENTS_CHANNEL = 'frontdesk_events';

export interface LogSubscriber {
  /**
   * Called synchronously, in delivery order, with rows the reader's state at
   * subscribe did not cover; `state` is the reader's after this batch.
   */
  onEntries(entries: readonly LogEntry[], state: ReaderState): void;
  /** The reader stopped; the subscriber should end its stream. */
  onClose(reason: Error): void;
}

export interface LogSubscription {
  /** Everything this covers was fanned out before this subscription existed. */
  state: ReaderState;
  unsubscribe(): void;
}

export interface LogReaderOptions {
  databaseUrl: string;
  logger: Logger;
  /** Rows per read. */
  batchSize?: number;
  /** Safety-net poll, in case a notification was lost. */
  pollMs?: number;
  /** Re-poll delays while rows wait on an older open transaction (which may commit without notifying). */
  heldBackMinMs?: number;
  heldBackMaxMs?: number;
  /**
   * A transaction open longer than this no longer holds back the rows of
   * later ones: the reader passes over it and delivers its rows when it ends.
   */
  passOverAfterMs?: number;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Least time between two NOTIFYs this process sends after its own commits (they coalesce). */
  notifyEveryMs?: number;
  /** Makes the LISTEN connection; tests use it to control reconnection. */
  createClient?: (databaseUrl: string) => pg.Client;
}

export class ReaderStoppedError extends Error {
  constructor() {
    super('The server is shutting down.');
    this.name = 'ReaderStoppedError';
  }
}

/** Rows this reader had not fanned out were archived (it fell behind by more than the retention age): its streams end, and each desk resumes from its own id. */
export class ArchivedPastReaderError extends Error {
  constructor() {
    super('The event log was archived past this server\'s reader.');
    this.name = 'ArchivedPastReaderError';
  }
}

/**
 * One per server process: a dedicated LISTEN connection wakes it, it reads the
 * log forward from its cursor (rows of finished transactions only) and fans
 * the rows out in memory to the process's subscriptions. A transaction open
 * longer than `passOverAfterMs` (in any database of the cluster) is passed
 * over and kept pending; its rows, if any, go out in one batch when it ends.
 */
export class LogReader implements CommitWaker {
  private readonly opts: Required<Omit<LogReaderOptions, 'createClient'>> & Pick<LogReaderOptions, 'createClient'>;
  private client: pg.Client | null = null;
  /** Null until the first connection took the head. Replaced, never mutated: subscribers keep the one they got. */
  private current: ReaderState | null = null;
  /** When each running transaction was first seen running, to tell a long one. */
  private readonly firstSeen = new Map<bigint, number>();
  private readonly subscribers = new Set<LogSubscriber>();
  private stopped = false;
  private readWanted = false;
  private draining = false;
  private inflight: Promise<void> = Promise.resolve();
  private ready: Promise<void> | null = null;
  private markReady: (() => void) | null = null;
  private heldBackDelay: number;
  private heldBackTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private reconnectDelay: number;
  private notifyTimer: NodeJS.Timeout | null = null;
  private notifyWanted = false;
  private notifying = false;
  /** The statements on the reader's one connection, one at a time (pg would queue them, but concurrent calls are deprecated). */
  private statements: Promise<unknown> = Promise.resolve();

  constructor(options: LogReaderOptions) {
    this.opts = {
      batchSize: 1000,
      pollMs: 1000,
      heldBackMinMs: 5,
      heldBackMaxMs: 200,
      passOverAfterMs: 1000,
      reconnectMinMs: 100,
      reconnectMaxMs: 5000,
      notifyEveryMs: 2,
      ...options,
    };
    this.heldBackDelay = this.opts.heldBackMinMs;
    this.reconnectDelay = this.opts.reconnectMinMs;
  }

  /** Connects, LISTENs and takes the current head as its cursor. Idempotent. */
  start(): Promise<void> {
    if (this.stopped) return Promise.reject(new ReaderStoppedError());
    if (!this.ready) {
      this.ready = new Promise<void>((resolve) => {
        this.markReady = resolve;
      });
      this.pollTimer = setInterval(() => this.wake(), this.opts.pollMs);
      this.pollTimer.unref();
      this.connect().catch((err: unknown) => {
        this.opts.logger.warn({ err }, 'event log listener could not connect; retrying');
        this.scheduleReconnect();
      });
    }
    return this.ready;
  }

  /** Ends every subscription (so clients reconnect elsewhere) and closes the connection. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const timer of [this.pollTimer, this.heldBackTimer, this.reconnectTimer, this.notifyTimer]) if (timer) clearTimeout(timer);
    this.closeAll(new ReaderStoppedError());
    this.markReady?.();
    await this.inflight;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  get isConnected(): boolean {
    return this.client !== null;
  }

  /** What has been fanned out so far. */
  get state(): ReaderState {
    return this.current ?? { cursor: ORIGIN, pending: new Set() };
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Registers a subscriber; rows after the returned position reach it. Starts the reader if needed. */
  async subscribe(subscriber: LogSubscriber): Promise<LogSubscription> {
    await this.start();
    if (this.stopped) throw new ReaderStoppedError();
    // Synchronous with the position read: a batch is fanned out in the same tick it moves the cursor.
    this.subscribers.add(subscriber);
    return {
      state: this.state,
      unsubscribe: () => {
        this.subscribers.delete(subscriber);
      },
    };
  }

  /**
   * Where a seq sits in delivery order, through this reader's connection: a
   * desk's resume id may name any tenant's row (the head it was told), and
   * only the log reader's role reads every tenant's rows. Gives positions only.
   */
  async locate(seq: bigint): Promise<Located | null> {
    await this.start();
    const client = this.client;
    if (this.stopped || !client) throw new ReaderStoppedError();
    return locateSeq(async (sql, params) => (await this.query(client, sql, params)).rows, seq);
  }

  get canWake(): boolean {
    return !this.stopped && this.client !== null;
  }

  /**
   * A transaction of this process that wrote events has committed (db/tx.ts):
   * this reader reads at once, and the other processes' readers are woken by
   * one NOTIFY for all the commits of the next few milliseconds, sent after
   * them, so committers never queue on the NOTIFY lock. A wake-up lost to a
   * broken connection is made up by the poll and the reconnect's catch-up.
   */
  committed(): void {
    this.wake();
    this.notifyWanted = true;
    if (!this.notifyTimer && !this.notifying) this.notifyTimer = setTimeout(() => void this.notifyOthers(), this.opts.notifyEveryMs);
  }

  private async notifyOthers(): Promise<void> {
    this.notifyTimer = null;
    const client = this.client;
    if (!client || this.stopped) return;
    this.notifyWanted = false;
    this.notifying = true;
    try {
      await this.query(client, `SELECT pg_notify('${EVENTS_CHANNEL}', '')`);
    } catch (err) {
      if (!this.stopped) this.opts.logger.warn({ err }, 'could not wake the other event log readers; they poll');
    } finally {
      this.notifying = false;
      if (this.notifyWanted && !this.stopped) this.notifyTimer = setTimeout(() => void this.notifyOthers(), this.opts.notifyEveryMs);
    }
  }

  private query(client: pg.Client, sql: string, params: readonly unknown[] = []): Promise<pg.QueryResult> {
    const run = this.statements.then(() => client.query(sql, [...params]));
    this.statements = run.catch(() => undefined);
    return run;
  }

  /** Asks for a read; calls while a read runs coalesce into one more read. */
  wake(): void {
    if (this.stopped || !this.client || this.current === null) return;
    this.readWanted = true;
    if (this.draining) return;
    this.draining = true;
    this.inflight = this.drain();
  }

  private async drain(): Promise<void> {
    try {
      while (this.readWanted && !this.stopped) {
        this.readWanted = false;
        const client = this.client;
        if (!client) return;
        await this.readAll(client);
      }
    } catch (err) {
      // A broken connection also emits error/end, which reconnects and reads again.
      if (!this.stopped) this.opts.logger.warn({ err }, 'event log read failed');
    } finally {
      this.draining = false;
    }
  }

  private async readAll(client: pg.Client): Promise<void> {
    const query: Query = async <R>(sql: string, params: readonly unknown[]) => (await this.query(client, sql, params)).rows as R[];
    for (;;) {
      const prior = this.state;
      const { entries, running, heldBack, archived } = await readForward(query, prior.cursor, this.passOver(prior), this.opts.batchSize);
      if (this.stopped || client !== this.client) return;
      const before = archived && archivedPast(archived, prior.cursor, [...prior.pending].map((x) => [x, 0n] as const)) ? this.skipArchived(prior, archived) : prior;
      this.noteRunning(running);
      const open = new Set(running);
      // A passed-over transaction that ended: all its rows, in one batch.
      const ended = [...before.pending].filter((x) => !open.has(x));
      const late = await readTransactions(query, ended);
      if (this.stopped || client !== this.client) return;
      const last = entries[entries.length - 1];
      const cursor = last?.position ?? before.cursor;
      const pending = new Set([...before.pending].filter((x) => open.has(x)));
      for (const x of running) if (x > before.cursor.tx && x < cursor.tx) pending.add(x);
      if (last || ended.length > 0) {
        const state: ReaderState = { cursor, pending };
        this.current = state;
        const batch = late.length > 0 ? [...late, ...entries] : entries;
        if (batch.length > 0) {
          noteCommitted(batch.map((e) => e.event));
          this.fanOut(batch, state);
        }
      }
      if (entries.length === this.opts.batchSize) continue;
      this.scheduleHeldBack(heldBack);
      return;
    }
  }

  /** Ends every subscription (they cannot go on without a gap) and moves past the archive; returns the new state. */
  private skipArchived(prior: ReaderState, archived: Position): ReaderState {
    this.opts.logger.warn({ cursor: prior.cursor.seq.toString(), archived: archived.seq.toString() }, 'event log archived past the reader; ending its streams');
    this.closeAll(new ArchivedPastReaderError());
    const state: ReaderState = { cursor: maxPosition(prior.cursor, archived), pending: new Set([...prior.pending].filter((x) => x > archived.tx)) };
    this.current = state;
    return state;
  }

  private closeAll(reason: Error): void {
    const subscribers = [...this.subscribers];
    this.subscribers.clear();
    for (const s of subscribers) s.onClose(reason);
  }

  private fanOut(batch: readonly LogEntry[], state: ReaderState): void {
    if (this.subscribers.size > 0) observeDeliveryLag(batch);
    for (const s of this.subscribers) {
      try {
        s.onEntries(batch, state);
      } catch (err) {
        this.opts.logger.error({ err }, 'event subscriber failed');
      }
    }
  }

  /** Transactions the next read may pass over: those passed already, and those running too long (as many as a resume id may name). */
  private passOver(state: ReaderState): bigint[] {
    const cutoff = Date.now() - this.opts.passOverAfterMs;
    const long = [...this.firstSeen].filter(([x, at]) => at <= cutoff && !state.pending.has(x)).map(([x]) => x);
    long.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return [...state.pending, ...long.slice(0, Math.max(0, MAX_PENDING - state.pending.size))];
  }

  private noteRunning(running: readonly bigint[]): void {
    const now = Date.now();
    const open = new Set(running);
    for (const x of this.firstSeen.keys()) if (!open.has(x)) this.firstSeen.delete(x);
    for (const x of running) if (!this.firstSeen.has(x)) this.firstSeen.set(x, now);
  }

  // A writer that holds rows back may commit without notifying (it need not
  // have written events), so poll again soon, backing off while it stays open.
  private scheduleHeldBack(heldBack: boolean): void {
    if (!heldBack) {
      this.heldBackDelay = this.opts.heldBackMinMs;
      return;
    }
    if (this.heldBackTimer) return;
    const delay = this.heldBackDelay;
    this.heldBackDelay = Math.min(this.opts.heldBackMaxMs, this.heldBackDelay * 2);
    this.heldBackTimer = setTimeout(() => {
      this.heldBackTimer = null;
      this.wake();
    }, delay);
  }

  private async connect(): Promise<void> {
    const client = this.opts.createClient?.(this.opts.databaseUrl) ?? new pg.Client({ connectionString: this.opts.databaseUrl, keepAlive: true });
    const lost = (err?: Error) => {
      if (this.client !== client) return;
      this.client = null;
      client.removeAllListeners('notification');
      void client.end().catch(() => undefined);
      if (this.stopped) return;
      this.opts.logger.warn({ err }, 'event log listener lost its connection; reconnecting');
      this.scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    try {
      await client.connect();
      await this.query(client, `LISTEN ${EVENTS_CHANNEL}`);
      // Listening before taking the head, so no commit falls between the two.
      if (this.current === null) {
        const head = await readHead(async (sql, params) => (await this.query(client, sql, params)).rows);
        this.current = { cursor: head ?? ORIGIN, pending: new Set() };
      }
    } catch (err) {
      client.removeAllListeners('error');
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    // Its own wake-ups for other processes come back to it: this process read already.
    client.on('notification', (message) => {
      if (message.processId !== (client as pg.Client & { processID?: number }).processID) this.wake();
    });
    this.client = client;
    this.reconnectDelay = this.opts.reconnectMinMs;
    this.markReady?.();
    // Catch up on whatever committed while no connection was listening.
    this.wake();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    const delay = this.reconnectDelay * (0.5 + Math.random() / 2);
    this.reconnectDelay = Math.min(this.opts.reconnectMaxMs, this.reconnectDelay * 2);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect().catch((err: unknown) => {
        if (this.stopped) return;
        this.opts.logger.warn({ err }, 'event log listener could not reconnect');
        this.scheduleReconnect();
      });
    }, delay);
    this.reconnectTimer.unref();
  }
}

/** From each event's transaction (its created_at) to now, as it is handed to this process's desk streams. */
function observeDeliveryLag(batch: readonly LogEntry[]): void {
  const now = Date.now();
  for (const entry of batch) eventDeliveryLag.observe(Math.max(0, now - Date.parse(entry.event.at)) / 1000);
}
