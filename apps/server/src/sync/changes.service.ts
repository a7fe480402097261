import { tracked, type TrackedEnvelope } from '@trpc/server';
import { DomainError, type AnyLogEvent, type ChangeMessage } from '@frontdesk/shared';
import { TENANT_WIDE_ROLES } from '../auth/permissions.js';
import { assertBranch, type Actor } from '../auth/scope.js';
import type { AuthService } from '../auth/auth.service.js';
import type { Db } from '../db/tx.js';
import { RetryableError } from '../errors.js';
import { eventStreamLag } from '../observability/metrics.js';
import { parseCursor, StreamCursor, type ReaderState } from './cursor.js';
import { prismaQuery, readScoped, type LogEntry, type Scope } from './log.repository.js';
import type { LogReader } from './log-reader.js';
import { ORIGIN } from './position.js';
import { changesAccessOf, viewFor } from './visibility.js';

export interface ChangesLimits {
  /** More events than this to catch up on: the desk is told to reload instead. */
  backlogLimit: number;
  /**
   * Events waiting for a client that does not read (the stream stops pulling while
   * the socket cannot take more). Past this the stream ends as retryable and
   * stops buffering; the desk resumes from its last id, from the log.
   */
  bufferLimit: number;
  /** How often the session is checked again (expiry; a revocation that wrote no event). */
  sessionCheckMs: number;
}

/**
 * Events a desk may catch up on before it is told to reload: 10k (a desk away
 * for a busy morning of a large clinic) with room to spare. The backlog is read
 * whole, so this bounds one catching-up stream's memory: 20,001 log rows (about
 * 1 kB each in memory as the bench's events are, ~20 MB; a 4 kB payload, ~80 MB).
 */
export const CATCH_UP_LIMIT = 20_000;

/**
 * Events per message at most. Each SSE message costs the server a write and a
 * step of the stream whatever it carries, so a 10k catch-up goes out as about
 * 40 messages instead of 10,000; what the reader fanned out together, as one
 * message per desk.
 */
export const EVENTS_PER_MESSAGE = 256;

/** Bytes of a message at most, about (an event larger alone goes alone): a desk that stops reading leaves Node holding one message, whatever the events. */
export const MESSAGE_BYTES = 128 * 1024;

/** The events of the message being made. */
class Outgoing {
  events: AnyLogEvent[] = [];
  private bytes = 0;

  /** Whether an event of this size must wait for the next message. */
  full(size: number): boolean {
    return this.events.length >= EVENTS_PER_MESSAGE || (this.events.length > 0 && this.bytes + size > MESSAGE_BYTES);
  }

  add(event: AnyLogEvent, size: number): void {
    this.events.push(event);
    this.bytes += size;
  }

  take(): ChangeMessage {
    const events = this.events;
    this.events = [];
    this.bytes = 0;
    return { kind: 'events', events };
  }
}

export const DEFAULT_LIMITS: ChangesLimits = { backlogLimit: CATCH_UP_LIMIT, bufferLimit: 2000, sessionCheckMs: 5000 };

/** What a stream reads: the log's backlog (in the tenant's transaction), this process's reader, and who a token signs in now. */
export interface ChangesDeps {
  db: Db;
  logReader: LogReader;
  auth: Pick<AuthService, 'authenticate'>;
}

export interface ChangesRequest {
  deps: ChangesDeps;
  actor: Actor;
  token: string;
  lastEventId?: string | null;
  branchIds?: readonly string[];
  signal?: AbortSignal;
  limits?: Partial<ChangesLimits>;
}

export type ChangeEnvelope = TrackedEnvelope<ChangeMessage>;

/** Live events as they go out on one desk's stream: how long after their transaction (the live feed's lag as the server sees it). */
function observeStreamLag(events: readonly AnyLogEvent[]): void {
  const now = Date.now();
  for (const event of events) eventStreamLag.observe(Math.max(0, now - Date.parse(event.at)) / 1000);
}

/** Ends the stream so the client reconnects and resumes from its last id. */
function retryable(message: string, cause?: unknown): RetryableError {
  return new RetryableError(message, { cause });
}

function signedOut(): DomainError<'UNAUTHORIZED'> {
  return new DomainError('UNAUTHORIZED', 'Your session has ended. Please sign in again.', {});
}

function scopeOf(actor: Actor, requested: readonly string[] | undefined): Scope {
  if (requested) {
    for (const b of requested) assertBranch(actor, b);
    return { tenantId: actor.tenantId, branchIds: requested };
  }
  // A tenant-wide role sees every branch, including one added after it connected.
  return { tenantId: actor.tenantId, branchIds: TENANT_WIDE_ROLES.has(actor.role) ? null : actor.branchIds };
}

interface Batch {
  entries: LogEntry[];
  state: ReaderState;
}

/** Live rows of one tenant for one subscription, kept while its backlog is read and while the client is slow. */
export class Inbox {
  private batches: Batch[] = [];
  private count = 0;
  private notify: (() => void) | null = null;
  closed: Error | null = null;
  overflowed = false;
  onOverflow: () => void = () => undefined;

  constructor(
    private readonly limit: number,
    private readonly tenantId: string,
  ) {}

  push(entries: readonly LogEntry[], state: ReaderState): void {
    if (this.overflowed) return;
    const ours = entries.filter((e) => e.event.tenantId === this.tenantId);
    this.count += ours.length;
    if (this.count > this.limit) {
      // Drop what waits and stop listening: the stream ends, the desk resumes from the log.
      this.batches = [];
      this.count = 0;
      this.overflowed = true;
      this.onOverflow();
      this.wake();
      return;
    }
    const last = this.batches[this.batches.length - 1];
    if (ours.length > 0) {
      this.batches.push({ entries: ours, state });
      this.wake();
    } else if (last && last.entries.length === 0) {
      // Nothing for this tenant again: only the newer state is kept (settling to it covers the one before).
      last.state = state;
    } else {
      // Only the reader's new state: the stream settles to it with its next batch, not woken for it now.
      // A process serving many clinics would otherwise wake every stream for every clinic's commit.
      this.batches.push({ entries: ours, state });
    }
  }

  close(reason: Error): void {
    this.closed = reason;
    this.wake();
  }

  /** The next batch, if any: the stream holds one at a time, the rest count against the limit here. */
  shift(): Batch | undefined {
    const batch = this.batches.shift();
    if (batch) this.count -= batch.entries.length;
    return batch;
  }

  /** Events held for this stream now. */
  get size(): number {
    return this.count;
  }

  private get ready(): boolean {
    return this.batches.length > 0 || this.closed !== null || this.overflowed;
  }

  /** Resolves when there is something to do, the timeout passes or the signal aborts. */
  wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
    if (this.ready || signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.notify = null;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener('abort', done, { once: true });
      this.notify = done;
    });
  }

  private wake(): void {
    this.notify?.();
  }
}

/** Streams open in this process, and the events they hold for clients that do not read (for tests and health checks). */
const open = new Set<Inbox>();
export function changesStats(): { streams: number; bufferedEvents: number } {
  let bufferedEvents = 0;
  for (const inbox of open) bufferedEvents += inbox.size;
  return { streams: open.size, bufferedEvents };
}

/** The place a resume id names, or null when this log cannot say (unknown row, or not an id at all): the desk reloads. */
async function resumePoint(reader: LogReader, lastEventId: string): Promise<StreamCursor | null> {
  const parsed = parseCursor(lastEventId);
  if (!parsed) return null;
  if (parsed.seq === 0n) return new StreamCursor(ORIGIN);
  const located = await reader.locate(parsed.seq).catch((cause: unknown) => {
    throw retryable('The server is restarting; reconnect.', cause);
  });
  if (!located) return null;
  // A transaction still open below the position cannot have been delivered by anyone: pending, whatever the id says.
  const pending = new Map(parsed.pending);
  for (const x of located.openBelow) if (!pending.has(x)) pending.set(x, 0n);
  return new StreamCursor(located.position, pending);
}

/**
 * The `changes` stream of one desk window: its backlog after `lastEventId`,
 * then `live`, then live events, each event once, each tracked by an id a
 * reconnect resumes from. It ends with a domain error (signed out, not your
 * branch) or a RetryableError; changes.router.ts maps them at the edge.
 */
export async function* streamChanges(request: ChangesRequest): AsyncGenerator<ChangeEnvelope, void, undefined> {
  const { deps, signal } = request;
  const limits = { ...DEFAULT_LIMITS, ...request.limits };
  // Refuse a branch that is not theirs before any work.
  scopeOf(request.actor, request.branchIds);
  const inbox = new Inbox(limits.bufferLimit, request.actor.tenantId);
  const reader = deps.logReader;

  // Listen before reading the backlog, so nothing committed in between is lost.
  const subscription = await reader
    .subscribe({ onEntries: (entries, state) => inbox.push(entries, state), onClose: (reason) => inbox.close(reason) })
    .catch((cause: unknown) => {
      throw retryable('The server is restarting; reconnect.', cause);
    });
  inbox.onOverflow = () => subscription.unsubscribe();
  open.add(inbox);
  try {
    // Who is asking, as of now: every change to their access that the reader
    // had fanned out is in it; one fanned out later ends the stream below.
    const actor = await deps.auth.authenticate(request.token);
    if (!actor || actor.staffId !== request.actor.staffId) throw signedOut();
    const scope = scopeOf(actor, request.branchIds);
    const view = viewFor(actor, scope);
    const head = subscription.state;
    const query = prismaQuery(deps.db, actor.tenantId);

    let cursor = StreamCursor.at(head);
    const reset = (reason: string): ChangeEnvelope => tracked(cursor.token(), { kind: 'reset', reason, headSeq: cursor.seq });

    if (request.lastEventId == null) {
      yield tracked(cursor.token(), { kind: 'live', headSeq: cursor.seq });
    } else {
      const from = await resumePoint(reader, request.lastEventId);
      const backlog = from && (await readScoped(query, from, head, scope, limits.backlogLimit + 1));
      // Not a place in this log, or rows it never had went to the archive (retention.ts): the log cannot fill the gap.
      if (!from || !backlog || (backlog.archived && from.missesArchived(backlog.archived))) {
        yield reset('Your last position is no longer in the log.');
      } else if (backlog.entries.length > limits.backlogLimit) {
        yield reset('Too many changes to catch up on.');
      } else {
        cursor = from;
        const out = new Outgoing();
        // The scope above is as new as every row of the backlog: a change to their access in it is already applied.
        for (const entry of backlog.entries) {
          if (signal?.aborted) return;
          if (cursor.covers(entry.position)) continue;
          const event = view(entry);
          // A message's id is the cursor after its last event (not yet moved to this row): the desk resumes after all of it.
          if (event && out.full(entry.size)) yield tracked(cursor.token(), out.take());
          cursor.advance(entry.position, head.pending);
          if (event) out.add(event, entry.size);
        }
        if (out.events.length > 0) yield tracked(cursor.token(), out.take());
        // Everything the reader had fanned out is covered, even if its last rows were not ours.
        cursor.settle(head);
        yield tracked(cursor.token(), { kind: 'live', headSeq: cursor.seq });
      }
    }

    let nextCheck = Date.now() + limits.sessionCheckMs;
    while (!signal?.aborted) {
      if (inbox.closed) throw retryable('The server is restarting; reconnect.', inbox.closed);
      if (inbox.overflowed) throw retryable('This desk fell behind the live changes; it will catch up from where it stopped.');
      // Batch by batch, so a stream blocked on a slow client holds at most one beyond the limit (and one message).
      // What the reader fanned out meanwhile goes out together: under load a desk gets fewer, larger messages.
      const out = new Outgoing();
      const send = () => {
        observeStreamLag(out.events);
        return tracked(cursor.token(), out.take());
      };
      for (let batch = inbox.shift(); batch; batch = inbox.shift()) {
        for (const entry of batch.entries) {
          // A reconnecting desk may already be ahead of this process's reader.
          if (cursor.covers(entry.position)) continue;
          // Nothing after a change to their access goes out under the old scope: signed out ends here, anything else reconnects.
          if (changesAccessOf(entry, actor)) {
            // What came before it goes out: it was read under the scope it was meant for.
            if (out.events.length > 0) yield send();
            if (!(await deps.auth.authenticate(request.token))) throw signedOut();
            throw retryable('Your access changed; reconnecting.');
          }
          const event = view(entry);
          if (event && out.full(entry.size)) yield send();
          cursor.advance(entry.position, batch.state.pending);
          if (event) out.add(event, entry.size);
        }
        cursor.settle(batch.state);
      }
      if (out.events.length > 0) yield send();
      if (Date.now() >= nextCheck) {
        if (!(await deps.auth.authenticate(request.token))) throw signedOut();
        nextCheck = Date.now() + limits.sessionCheckMs;
      }
      await inbox.wait(nextCheck - Date.now(), signal);
    }
  } finally {
    open.delete(inbox);
    subscription.unsubscribe();
  }
}
