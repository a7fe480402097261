import type http from 'node:http';
import { getErrorShape, getTRPCErrorFromUnknown, isAbortError, sseHeaders, type AnyRouter } from '@trpc/server/unstable-core-do-not-import';
import type { z } from 'zod';
import { changesInput } from '@frontdesk/shared';
import type { Actor } from '../auth/scope.js';
import { withTenant } from '../db/request-scope.js';
import type { Deps } from '../deps.js';
import { noteTenant, observeProcedure } from '../observability/procedures.js';
import { bearer, type Context } from '../trpc/context.js';
import { refusalFor, SSE_OPTIONS } from '../trpc/init.js';
import { changesForDesk } from './changes.router.js';

// The `changes` subscription as a desk reaches it (GET /trpc/changes over SSE),
// written straight to the socket in tRPC's SSE protocol, so the desk's
// httpSubscriptionLink reads it as it reads any tRPC subscription.
//
// Why not through tRPC's handler: there every message passes through a ping
// race with its own timer, an async generator chain, two web-stream transforms
// and a reader (a promise or more per step each), about 0.16 ms of server CPU
// per message delivered. 500 desks × 20 events a second is 10,000 messages a
// second, more than this process's core. Here a message is one string and one
// write, and one timer pings every quiet stream of the process.
//
// Only a request it admits is served here: the right path, options it knows,
// a valid input, a signed-in staff member whose role may read appointments and
// a free place among the session's streams. Everything else goes to tRPC,
// which refuses it in its own words, as before. Once the stream is open it
// ends as tRPC's would: `serialized-error` with the shape tRPC's error
// formatter gives, or `return`.

const CHANGES_PATH = '/trpc/changes';
/** The query options tRPC's subscription link sends; with any other the request is tRPC's. */
const KNOWN_OPTIONS = new Set(['input', 'lastEventId', 'Last-Event-Id']);

export function isChangesStreamPath(url: string): boolean {
  return url === CHANGES_PATH || url.startsWith(`${CHANGES_PATH}?`);
}

interface Admitted {
  token: string;
  actor: Actor;
  input: z.infer<typeof changesInput>;
  release: () => void;
}

/** The input as tRPC would give the procedure: the query's `input`, with a resume id from the header or query put in, as tRPC does. */
function inputOf(req: http.IncomingMessage, query: URLSearchParams): { ok: true; input: unknown } | { ok: false } {
  let input: unknown;
  const raw = query.get('input');
  if (raw !== null) {
    try {
      input = JSON.parse(raw);
    } catch {
      return { ok: false };
    }
  }
  const header = req.headers['last-event-id'];
  const lastEventId = (typeof header === 'string' ? header : null) ?? query.get('lastEventId') ?? query.get('Last-Event-Id');
  if (lastEventId) {
    if (typeof input === 'object' && input !== null && !Array.isArray(input)) input = { ...input, lastEventId };
    else input ??= { lastEventId };
  }
  return { ok: true, input };
}

/** The request, if this path serves it; null sends it to tRPC. Takes one of the session's stream places. */
async function admit(req: http.IncomingMessage, deps: Deps): Promise<Admitted | null> {
  if (req.method !== 'GET') return null;
  const url = new URL(req.url ?? '/', 'http://frontdesk');
  if (url.pathname !== CHANGES_PATH) return null;
  for (const key of url.searchParams.keys()) if (!KNOWN_OPTIONS.has(key)) return null;
  const token = bearer(req.headers.authorization);
  if (!token) return null;
  const raw = inputOf(req, url.searchParams);
  const parsed = raw.ok ? changesInput.safeParse(raw.input) : null;
  if (!parsed?.success) return null;
  const actor = await deps.auth.authenticate(token).catch(() => null);
  if (!actor || refusalFor(actor, 'appointments.read')) return null;
  try {
    return { token, actor, input: parsed.data, release: deps.streams.acquire(actor.sessionId) };
  } catch {
    return null;
  }
}

/** One desk's open stream: what it writes, and when it last wrote (for the ping). */
class SseStream {
  lastWriteAt = Date.now();

  constructor(
    private readonly res: http.ServerResponse,
    private readonly signal: AbortSignal,
  ) {}

  event(name: string, data: string): void {
    this.write(`event: ${name}\ndata: ${data}\n\n`);
  }

  /** A tracked message; a promise when the socket must drain before the next (it also settles when the desk leaves). */
  message(id: string, data: string): Promise<void> | undefined {
    if (this.write(`data: ${data}\nid: ${id}\n\n`) || this.signal.aborted) return undefined;
    return new Promise<void>((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.signal.removeEventListener('abort', done);
        resolve();
      };
      this.res.on('drain', done);
      this.signal.addEventListener('abort', done, { once: true });
    });
  }

  private write(chunk: string): boolean {
    this.lastWriteAt = Date.now();
    // Nothing more once the desk has gone (the stream ends at its next step).
    return this.signal.aborted ? false : this.res.write(chunk);
  }
}

/** Pings every stream of the process that has been quiet for the ping interval: one timer, not one per message. */
class Pinger {
  private readonly streams = new Set<SseStream>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly intervalMs: number) {}

  add(stream: SseStream): void {
    this.streams.add(stream);
    this.timer ??= setInterval(() => this.tick(), Math.max(250, Math.floor(this.intervalMs / 5))).unref();
  }

  delete(stream: SseStream): void {
    this.streams.delete(stream);
    if (this.streams.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  private tick(): void {
    const due = Date.now() - this.intervalMs;
    for (const stream of this.streams) if (stream.lastWriteAt <= due) stream.event('ping', '');
  }
}

export interface ChangesStreamOptions {
  deps: Deps;
  /** The router whose error formatter shapes the error a stream ends with. */
  router: AnyRouter;
  /** tRPC's handler, for every request this path does not serve. */
  fallback: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  /** The context tRPC would give the call, for the error formatter. */
  contextOf: (req: http.IncomingMessage) => Context;
}

export function changesStreamHandler(options: ChangesStreamOptions) {
  const { deps, router, fallback } = options;
  const pinger = new Pinger(SSE_OPTIONS.ping.intervalMs);
  const connected = JSON.stringify(SSE_OPTIONS.client);

  async function serve(req: http.IncomingMessage, res: http.ServerResponse, admitted: Admitted): Promise<void> {
    const { actor, input } = admitted;
    const aborted = new AbortController();
    const leave = () => aborted.abort();
    res.once('close', leave);
    // The desk may have left while it was being admitted: then the stream ends at its first step.
    if (res.destroyed || req.socket.destroyed) aborted.abort();
    const stream = new SseStream(res, aborted.signal);
    try {
      // The call's span, latency and log note, as the procedure's middleware gives any call.
      await observeProcedure({ path: 'changes', type: 'subscription', getRawInput: () => Promise.resolve(input) }, () => {
        noteTenant(actor.tenantId);
        return Promise.resolve({ ok: true });
      });
      res.writeHead(200, sseHeaders);
      pinger.add(stream);
      stream.event('connected', connected);
      // The whole stream in the tenant's scope, as a staff procedure's steps run.
      await withTenant(actor.tenantId, async () => {
        const messages = changesForDesk({
          deps,
          actor,
          token: admitted.token,
          lastEventId: input.lastEventId,
          branchIds: input.branchIds,
          signal: aborted.signal,
        });
        for await (const [id, message] of messages) {
          const drained = stream.message(id, JSON.stringify(message));
          if (drained) await drained;
        }
      });
      stream.event('return', '');
    } catch (cause) {
      if (!aborted.signal.aborted && !isAbortError(cause)) {
        const error = getTRPCErrorFromUnknown(cause);
        if (error.code === 'INTERNAL_SERVER_ERROR') deps.logger.error({ err: error.cause ?? error, procedure: 'changes' }, 'internal error');
        const shape = getErrorShape({ config: router._def._config, ctx: { ...options.contextOf(req), actor }, error, input, path: 'changes', type: 'subscription' });
        stream.event('serialized-error', JSON.stringify(shape));
      }
    } finally {
      pinger.delete(stream);
      admitted.release();
      res.off('close', leave);
      res.end();
    }
  }

  return (req: http.IncomingMessage, res: http.ServerResponse): void => {
    admit(req, deps)
      .then((admitted) => {
        if (!admitted) return fallback(req, res);
        return serve(req, res, admitted);
      })
      .catch((err: unknown) => {
        deps.logger.error({ err, procedure: 'changes' }, 'live stream failed');
        if (res.headersSent) res.destroy();
        else fallback(req, res);
      });
  };
}
