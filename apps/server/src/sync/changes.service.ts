import { tracked, TRPCError, type TrackedEnvelope } from '@trpc/server';
import { DomainError, type AnyLogEvent, type ChangeMessage } from '@frontdesk/shared';
import { roleMay } from '../auth/permissions.js';
import { assertBranch, type Actor } from '../auth/scope.js';
import type { Deps } from '../deps.js';
import { toTRPCError } from '../trpc/errors.js';
import { locateSeq, prismaQuery, readScoped, type LogEntry, type Scope } from './log.repository.js';
import { isAfter, maxPosition, ORIGIN, type Position } from './position.js';

export interface ChangesLimits {
  /** More events than this to catch up on: the desk is told to reload instead. */
  backlogLimit: number;
  /** Events waiting for a slow client; past this it is told to reload. */
  bufferLimit: number;
  /** How often a revoked session is noticed. */
  sessionCheckMs: number;
}

export const DEFAULT_LIMITS: ChangesLimits = { backlogLimit: 5000, bufferLimit: 10_000, sessionCheckMs: 5000 };

export interface ChangesRequest {
  deps: Deps;
  actor: Actor;
  token: string;
  lastEventId?: string | null;
  branchIds?: readonly string[];
  signal?: AbortSignal;
  limits?: Partial<ChangesLimits>;
}

export type ChangeEnvelope = TrackedEnvelope<ChangeMessage>;

/** The tracked id a position is resumed from: the seq of its row ('0' before the first). */
function idOf(position: Position): string {
  return position.seq.toString();
}

function scopeOf(actor: Actor, requested: readonly string[] | undefined): Scope {
  if (!requested) return { tenantId: actor.tenantId, branchIds: actor.branchIds };
  for (const b of requested) assertBranch(actor, b);
  return { tenantId: actor.tenantId, branchIds: requested };
}

/** What of the log this staff member may see, with patient details removed when their role may not read them. */
function viewFor(actor: Actor, scope: Scope): (entry: LogEntry) => AnyLogEvent | null {
  const branches = new Set(scope.branchIds);
  const seesPatients = roleMay(actor.role, 'patients.read');
  return ({ event }) => {
    if (event.tenantId !== scope.tenantId) return null;
    if (event.branchId !== null && !branches.has(event.branchId)) return null;
    if (seesPatients) return event;
    if (event.type.startsWith('patient.')) return null;
    if ('appointment' in event.payload) {
      return { ...event, payload: { ...event.payload, appointment: { ...event.payload.appointment, patient: null } } } as AnyLogEvent;
    }
    return event;
  };
}

interface Visible {
  position: Position;
  event: AnyLogEvent;
}

/** Live rows for one subscription, kept while its backlog is read and while the client is slow. */
class Inbox {
  private items: Visible[] = [];
  private notify: (() => void) | null = null;
  closed: Error | null = null;
  overflowed = false;

  constructor(
    private readonly limit: number,
    private readonly view: (entry: LogEntry) => AnyLogEvent | null,
  ) {}

  push(entries: readonly LogEntry[]): void {
    for (const entry of entries) {
      const event = this.view(entry);
      if (!event) continue;
      if (this.items.length >= this.limit) {
        this.items = [];
        this.overflowed = true;
        break;
      }
      this.items.push({ position: entry.position, event });
    }
    this.wake();
  }

  close(reason: Error): void {
    this.closed = reason;
    this.wake();
  }

  take(): Visible[] {
    const items = this.items;
    this.items = [];
    return items;
  }

  get ready(): boolean {
    return this.items.length > 0 || this.closed !== null || this.overflowed;
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

/**
 * The `changes` stream of one desk window: its backlog after `lastEventId`,
 * then `live`, then live events, each event once and in the log's delivery
 * order, each tracked by its seq so a reconnect resumes where it stopped.
 */
export async function* streamChanges(request: ChangesRequest): AsyncGenerator<ChangeEnvelope, void, undefined> {
  const { deps, actor, signal } = request;
  const limits = { ...DEFAULT_LIMITS, ...request.limits };
  const scope = scopeOf(actor, request.branchIds);
  const view = viewFor(actor, scope);
  const inbox = new Inbox(limits.bufferLimit, view);
  const reader = deps.logReader;

  // Listen before reading the backlog, so nothing committed in between is lost.
  const subscription = await reader
    .subscribe({ onEntries: (e) => inbox.push(e), onClose: (r) => inbox.close(r) })
    .catch((cause: unknown) => {
      throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'The server is restarting; reconnect.', cause });
    });
  try {
    const head = subscription.position;
    const query = prismaQuery(deps.db);
    let last = head;

    const reset = (reason: string): ChangeEnvelope => tracked(idOf(last), { kind: 'reset', reason, headSeq: idOf(last) });

    if (request.lastEventId == null) {
      yield tracked(idOf(last), { kind: 'live', headSeq: idOf(last) });
    } else {
      // Positions are global to the log, so any delivered seq is a valid place
      // to resume; only the caller's own events after it are ever sent.
      const from = request.lastEventId === '0' ? ORIGIN : await locateSeq(query, request.lastEventId);
      if (!from) {
        yield reset('Your last position is no longer in the log.');
      } else {
        const backlog = isAfter(head, from) ? await readScoped(query, from, head, scope, limits.backlogLimit + 1) : [];
        if (backlog.length > limits.backlogLimit) {
          yield reset('Too many changes to catch up on.');
        } else {
          last = from;
          for (const entry of backlog) {
            if (signal?.aborted) return;
            const event = view(entry);
            last = entry.position;
            if (event) yield tracked(event.seq, { kind: 'event', event });
          }
          // Everything up to the head is covered, even if its last rows were not ours.
          last = maxPosition(last, head);
          yield tracked(idOf(last), { kind: 'live', headSeq: idOf(last) });
        }
      }
    }

    let nextCheck = Date.now() + limits.sessionCheckMs;
    while (!signal?.aborted) {
      if (inbox.closed) throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'The server is restarting; reconnect.', cause: inbox.closed });
      if (inbox.overflowed) {
        inbox.overflowed = false;
        inbox.take();
        last = maxPosition(last, reader.position);
        yield reset('Too many changes arrived at once.');
        continue;
      }
      for (const { position, event } of inbox.take()) {
        // A reconnecting desk may already be ahead of this process's reader.
        if (!isAfter(position, last)) continue;
        last = position;
        yield tracked(event.seq, { kind: 'event', event });
      }
      if (Date.now() >= nextCheck) {
        if (!(await deps.auth.authenticate(request.token))) {
          throw toTRPCError(new DomainError('UNAUTHORIZED', 'Your session has ended. Please sign in again.', {}));
        }
        nextCheck = Date.now() + limits.sessionCheckMs;
      }
      await inbox.wait(nextCheck - Date.now(), signal);
    }
  } finally {
    subscription.unsubscribe();
  }
}
