import pg from 'pg';
import type { Logger } from '../logger.js';
import { readForward, readHead, type LogEntry, type Query } from './log.repository.js';
import { ORIGIN, type Position } from './position.js';

export const EVENTS_CHANNEL = 'frontdesk_events';

export interface LogSubscriber {
  /** Called synchronously, in delivery order, with rows after the position given at subscribe. */
  onEntries(entries: readonly LogEntry[]): void;
  /** The reader stopped; the subscriber should end its stream. */
  onClose(reason: Error): void;
}

export interface LogSubscription {
  /** Everything up to here was fanned out before this subscription existed. */
  position: Position;
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
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Makes the LISTEN connection; tests use it to control reconnection. */
  createClient?: (databaseUrl: string) => pg.Client;
}

export class ReaderStoppedError extends Error {
  constructor() {
    super('The server is shutting down.');
    this.name = 'ReaderStoppedError';
  }
}

/**
 * One per server process: a dedicated LISTEN connection wakes it, it reads the
 * log forward from its cursor (rows of finished transactions only) and fans
 * the rows out in memory to the process's subscriptions.
 */
export class LogReader {
  private readonly opts: Required<Omit<LogReaderOptions, 'createClient'>> & Pick<LogReaderOptions, 'createClient'>;
  private client: pg.Client | null = null;
  private cursor: Position | null = null;
  private readonly subscribers = new Set<LogSubscriber>();
  private stopped = false;
  private pending = false;
  private draining = false;
  private inflight: Promise<void> = Promise.resolve();
  private ready: Promise<void> | null = null;
  private markReady: (() => void) | null = null;
  private heldBackDelay: number;
  private heldBackTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private reconnectDelay: number;

  constructor(options: LogReaderOptions) {
    this.opts = {
      batchSize: 1000,
      pollMs: 1000,
      heldBackMinMs: 5,
      heldBackMaxMs: 200,
      reconnectMinMs: 100,
      reconnectMaxMs: 5000,
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
    for (const timer of [this.pollTimer, this.heldBackTimer, this.reconnectTimer]) if (timer) clearTimeout(timer);
    const reason = new ReaderStoppedError();
    for (const s of [...this.subscribers]) s.onClose(reason);
    this.subscribers.clear();
    this.markReady?.();
    await this.inflight;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  get isConnected(): boolean {
    return this.client !== null;
  }

  /** The last row fanned out (ORIGIN before any). */
  get position(): Position {
    return this.cursor ?? ORIGIN;
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
      position: this.position,
      unsubscribe: () => {
        this.subscribers.delete(subscriber);
      },
    };
  }

  /** Asks for a read; calls while a read runs coalesce into one more read. */
  wake(): void {
    if (this.stopped || !this.client || this.cursor === null) return;
    this.pending = true;
    if (this.draining) return;
    this.draining = true;
    this.inflight = this.drain();
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending && !this.stopped) {
        this.pending = false;
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
    const query: Query = async <R>(sql: string, params: readonly unknown[]) => (await client.query(sql, [...params])).rows as R[];
    for (;;) {
      const from = this.cursor ?? ORIGIN;
      const { entries, heldBack } = await readForward(query, from, this.opts.batchSize);
      if (this.stopped || client !== this.client) return;
      const last = entries[entries.length - 1];
      if (last) {
        this.cursor = last.position;
        for (const s of this.subscribers) {
          try {
            s.onEntries(entries);
          } catch (err) {
            this.opts.logger.error({ err }, 'event subscriber failed');
          }
        }
      }
      if (entries.length === this.opts.batchSize) continue;
      this.scheduleHeldBack(heldBack);
      return;
    }
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
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
      // Listening before taking the head, so no commit falls between the two.
      if (this.cursor === null) this.cursor = (await readHead(async (sql, params) => (await client.query(sql, [...params])).rows)) ?? ORIGIN;
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
    client.on('notification', () => this.wake());
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
