import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { Logger } from '../logger.js';
import { activeTraceId } from './tracing.js';

// One log line per HTTP request, written when its connection is done with it:
// request id, trace id, path (never the query string, where tRPC puts a
// request's input), procedures called and how each ended, status, duration.

interface RequestRecord {
  id: string;
  /** Procedures called in this request (a batch calls several), each with its outcome. */
  calls: { procedure: string; outcome: string }[];
}

const current = new AsyncLocalStorage<RequestRecord>();

/** A client's own id is kept when it is a plain token; anything else gets a new one. */
const CLIENT_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** The id of the request being served, for log lines written while it runs. */
export function requestId(): string | undefined {
  return current.getStore()?.id;
}

/**
 * Notes a procedure on the request it runs in (nothing for in-process callers)
 * as it starts, so a batch's line lists its calls in the order sent whichever
 * ends first; the returned function records its outcome.
 */
export function noteCall(procedure: string): (outcome: string) => void {
  const call = { procedure, outcome: 'INTERNAL' };
  current.getStore()?.calls.push(call);
  return (outcome) => {
    call.outcome = outcome;
  };
}

export interface RequestLogOptions {
  /** Paths polled by machines (health checks, scrapes): logged at debug, not info. */
  quiet: (url: string | undefined) => boolean;
  /** The path as it may be logged. */
  path: (url: string | undefined) => string;
}

/** Runs `handle` as one tracked request: echoes (or assigns) `x-request-id` and logs a line when the response closes. */
export function trackRequest(logger: Logger, options: RequestLogOptions, req: http.IncomingMessage, res: http.ServerResponse, handle: () => void): void {
  const given = req.headers['x-request-id'];
  const record: RequestRecord = { id: typeof given === 'string' && CLIENT_ID.test(given) ? given : randomUUID(), calls: [] };
  res.setHeader('x-request-id', record.id);
  const traceId = activeTraceId();
  const started = performance.now();
  res.once('close', () => {
    const { calls } = record;
    const line = {
      requestId: record.id,
      ...(traceId ? { traceId } : {}),
      method: req.method,
      path: options.path(req.url),
      ...(calls.length ? { procedure: calls.map((c) => c.procedure).join(','), outcome: calls.map((c) => c.outcome).join(',') } : {}),
      status: res.statusCode,
      // A response cut short (the client left, or the server closed it while draining).
      ...(res.writableFinished ? {} : { aborted: true }),
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    };
    if (options.quiet(req.url)) logger.debug(line, 'request');
    else if (res.statusCode >= 500) logger.warn(line, 'request');
    else logger.info(line, 'request');
  });
  current.run(record, handle);
}
