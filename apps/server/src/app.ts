import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { Deps } from './deps.js';
import { clientErrorHandler, DEFAULT_LIMITS, endWhenAnsweredEarly, guard, refuseAtEdge, type EdgeLimits } from './http/edge.js';
import { rawEdgeError, sendEdgeError } from './http/errors.js';
import { API_CSP, setSecurityHeaders } from './http/headers.js';
import { rendererHandler } from './http/renderer.js';
import { appRouter } from './router.js';
import { contextFactory } from './trpc/context.js';

export interface ServerOptions {
  deps: Deps;
  /** Built renderer to serve at `/`, so a plain browser can use the same server. */
  rendererDir?: string;
  /** Request limits; each defaults to DEFAULT_LIMITS. */
  limits?: Partial<EdgeLimits>;
  /** Background jobs (hold sweeper, log reader); tests may leave them off. */
  onStart?: () => Promise<void> | void;
  onStop?: () => Promise<void> | void;
}

export interface RunningServer {
  url: string;
  server: http.Server;
  stop(): Promise<void>;
}

function isLocalOrigin(origin: string | undefined): origin is string {
  return !!origin && /^(https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?|file:\/\/|null)$/.test(origin);
}

const API_METHODS = ['GET', 'HEAD', 'POST'] as const;
const READ_METHODS = ['GET', 'HEAD'] as const;

/** The app as a value: a request listener plus start/stop. Listening lives in main.ts. */
export function createServer(options: ServerOptions) {
  const { logger } = options.deps;
  const limits: EdgeLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    createContext: contextFactory(options.deps),
    // Counted as the body streams in, so a chunked body without a length stops at the limit too.
    maxBodySize: limits.maxBodyBytes,
    maxBatchSize: limits.maxBatchSize,
    // tRPC leaves some early failures as text/plain; every error here is JSON.
    responseMeta: ({ errors }) => (errors.length ? { headers: { 'content-type': 'application/json' } } : {}),
    onError({ error, path: procedure }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') logger.error({ err: error.cause ?? error, procedure }, 'internal error');
    },
  });
  const renderer = rendererHandler(options.rendererDir, logger);

  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const origin = req.headers.origin;
    if (isLocalOrigin(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-headers', 'authorization, content-type, last-event-id, trpc-accept, x-trpc-source');
      res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
      res.setHeader('vary', 'origin');
    }
    endWhenAnsweredEarly(req, res);
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    const url = req.url ?? '';
    if (!url.startsWith('/')) {
      // Absolute-form and asterisk targets are for proxies; this server is not one.
      sendEdgeError(res, 400, { code: 'BAD_INPUT', message: 'The address is not valid.', details: {} }, { connection: 'close' });
      return;
    }
    if (url.startsWith('/trpc/')) {
      setSecurityHeaders(res, API_CSP);
      // Answers carry patients' details: no cache between here and the desk may keep them.
      res.setHeader('cache-control', 'no-store');
      // tRPC's own last-resort answers (a bad Host header) set no type of their own.
      res.setHeader('content-type', 'application/json');
      if (!refuseAtEdge(req, res, limits, API_METHODS)) trpc(req, res);
      return;
    }
    if (url === '/healthz') {
      setSecurityHeaders(res, API_CSP);
      if (!refuseAtEdge(req, res, limits, READ_METHODS)) res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end('{"ok":true}');
      return;
    }
    if (!refuseAtEdge(req, res, limits, READ_METHODS)) renderer(req, res);
  };

  async function start(port: number, host = '127.0.0.1'): Promise<RunningServer> {
    const guarded = guard(listener, logger);
    const server = http.createServer(guarded);
    server.on('clientError', clientErrorHandler(logger));
    // This server is no proxy: a CONNECT tunnel request gets a refusal instead of a silent hang-up.
    server.on('connect', (_req: http.IncomingMessage, socket: Duplex) => {
      socket.end(rawEdgeError(405, 'Method Not Allowed', { code: 'BAD_INPUT', message: 'This server does not accept CONNECT requests.', details: {} }), () => socket.destroy());
    });
    // `Expect: 100-continue`: a body the edge would refuse is refused before the client sends it.
    server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => {
      if (Number(req.headers['content-length'] ?? 0) <= limits.maxBodyBytes) res.writeContinue();
      guarded(req, res);
    });
    server.keepAliveTimeout = 65_000;
    // A body of at most maxBodyBytes arrives well within this; a sender that
    // trickles (or never ends a chunked body) loses its connection.
    server.requestTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    await options.onStart?.();
    const address = server.address() as AddressInfo;
    const url = `http://${host}:${address.port}`;
    return {
      url,
      server,
      async stop() {
        await options.onStop?.();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      },
    };
  }

  return { listener: guard(listener, logger), router: appRouter, start };
}
