import type http from 'node:http';
import type { Duplex } from 'node:stream';
import type { DomainErrorShape } from '@frontdesk/shared';
import type { Logger } from '../logger.js';
import { rawEdgeError, sendEdgeError } from './errors.js';

// What every request passes before any handler: a guard that turns a thrown
// error into an answer, and checks that refuse hostile requests unread.

export interface EdgeLimits {
  /** Largest request body accepted, in bytes; larger ones get 413 before they are read. */
  maxBodyBytes: number;
  /** Most procedure calls in one batched request. */
  maxBatchSize: number;
}

export const DEFAULT_LIMITS: EdgeLimits = { maxBodyBytes: 1024 * 1024, maxBatchSize: 50 };

const badInput = (message: string): DomainErrorShape => ({ code: 'BAD_INPUT', message, details: {} });

/** The path of a request target, never its query (where secrets and garbage travel). */
function pathOf(url: string | undefined): string {
  const target = url ?? '';
  const end = target.indexOf('?');
  return end === -1 ? target : target.slice(0, end);
}

/** The path cut short, for a log line. */
export function loggablePath(url: string | undefined): string {
  return pathOf(url).slice(0, 200);
}

function describeBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`;
}

/**
 * Refuses, before reading any body, a request this server will not take.
 * Returns true when it has answered.
 */
export function refuseAtEdge(req: http.IncomingMessage, res: http.ServerResponse, limits: EdgeLimits, allowedMethods: readonly string[]): boolean {
  const method = req.method ?? '';
  if (!allowedMethods.includes(method)) {
    sendEdgeError(res, 405, badInput(`This address does not accept ${method.slice(0, 20)} requests.`), { allow: allowedMethods.join(', ') });
    return true;
  }
  try {
    decodeURIComponent(pathOf(req.url));
  } catch {
    sendEdgeError(res, 400, badInput('The address is not valid: it contains a malformed %-escape.'));
    return true;
  }
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limits.maxBodyBytes) {
    // Answered unread; endWhenAnsweredEarly stops the connection taking the rest.
    sendEdgeError(res, 413, badInput(`The request is larger than the server accepts (${describeBytes(limits.maxBodyBytes)}).`));
    return true;
  }
  const target = req.url ?? '';
  const query = target.indexOf('?');
  const isBatch = query !== -1 && new URLSearchParams(target.slice(query + 1)).get('batch') === '1';
  if (isBatch) {
    const calls = target.slice(0, query).split(',').length;
    if (calls > limits.maxBatchSize) {
      sendEdgeError(res, 400, badInput(`At most ${limits.maxBatchSize} calls may be sent in one batch; this one has ${calls}.`));
      return true;
    }
  }
  return false;
}

/** How long a connection answered before its body ended may still drain in-flight bytes. */
const LINGER_MS = 2000;

/**
 * When the answer goes out before the request body has all arrived (too large,
 * refused unread), the connection takes no more requests: the server sends FIN
 * at once but keeps discarding what is in flight for a moment, so the client
 * reads the answer instead of a reset, and an endless body cannot hold the socket.
 */
export function endWhenAnsweredEarly(req: http.IncomingMessage, res: http.ServerResponse): void {
  res.once('finish', () => {
    if (req.complete) return;
    // Typed as always there, but null once the request is torn down: then there is nothing left to end.
    const socket = req.socket as Duplex | null;
    req.resume();
    if (!socket || socket.destroyed) return;
    socket.end();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  });
}

/**
 * A request listener that can never take the process down: anything it throws
 * (or rejects with) is logged and answered with a plain error.
 */
export function guard(listener: (req: http.IncomingMessage, res: http.ServerResponse) => unknown, logger: Logger): http.RequestListener {
  const fail = (req: http.IncomingMessage, res: http.ServerResponse, err: unknown) => {
    const malformed = err instanceof URIError;
    logger.error({ err, method: req.method, path: loggablePath(req.url) }, malformed ? 'malformed request refused' : 'request handler failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    try {
      res.removeHeader('content-length');
      sendEdgeError(res, malformed ? 400 : 500, malformed ? badInput('The address is not valid: it contains a malformed %-escape.') : null);
    } catch {
      res.destroy();
    }
  };
  return (req, res) => {
    try {
      const pending = listener(req, res);
      if (pending instanceof Promise) pending.catch((err: unknown) => fail(req, res, err));
    } catch (err) {
      fail(req, res, err);
    }
  };
}

/** Answers what Node's HTTP parser refused (bad request line, header flood, slow headers) in the same error shape. */
export function clientErrorHandler(logger: Logger) {
  return (err: NodeJS.ErrnoException, socket: Duplex): void => {
    const bytesWritten = (socket as Duplex & { bytesWritten?: number }).bytesWritten ?? 0;
    if (err.code === 'ECONNRESET' || !socket.writable || bytesWritten > 0) {
      socket.destroy();
      return;
    }
    logger.debug({ code: err.code }, 'unreadable request refused');
    const response =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? rawEdgeError(431, 'Request Header Fields Too Large', badInput('The request headers (or its address) are too large.'))
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? rawEdgeError(408, 'Request Timeout', badInput('The request took too long to arrive.'))
          : err.code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW'
            ? rawEdgeError(413, 'Payload Too Large', badInput('The request is larger than the server accepts.'))
            : rawEdgeError(400, 'Bad Request', badInput('The request is not valid HTTP.'));
    socket.end(response, () => socket.destroy());
  };
}
