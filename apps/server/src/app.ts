import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { IMPORT_MAX_BYTES } from '@frontdesk/shared';
import type { Deps } from './deps.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { clientErrorHandler, DEFAULT_LIMITS, endWhenAnsweredEarly, guard, loggablePath, refuseAtEdge, type EdgeLimits } from './http/edge.js';
import { clientAddress } from './http/client-address.js';
import { rawEdgeError, sendEdgeError } from './http/errors.js';
import { API_CSP, setSecurityHeaders } from './http/headers.js';
import { InFlight } from './http/in-flight.js';
import { isOpsPath, opsHandler } from './http/ops.js';
import { importHandler, isImportPath } from './imports/imports.http.js';
import { displayHandler, isDisplayPath } from './queue/display.http.js';
import { isPatientLinkPath, patientLinkHandler } from './messages/patient-link.http.js';
import { isOfferLinkPath, offerLinkHandler } from './waitlist/offer-link.http.js';
import { fhirHandler, isFhirPath } from './fhir/fhir.http.js';
import { rendererHandler } from './http/renderer.js';
import { observeStreams } from './observability/metrics.js';
import { Readiness } from './observability/readiness.js';
import { trackRequest } from './observability/requests.js';
import { appRouter } from './router.js';
import { changesStreamHandler, isChangesStreamPath } from './sync/changes.http.js';
import { changesStats } from './sync/changes.service.js';
import { contextFactory } from './trpc/context.js';

export interface ServerOptions {
  deps: Deps;
  /** Built renderer to serve at `/`, so a plain browser can use the same server. */
  rendererDir?: string;
  /** Request limits; each defaults to DEFAULT_LIMITS. */
  limits?: Partial<EdgeLimits>;
  /** Background jobs (hold sweeper, log reader); tests may leave them off. */
  onStart?: () => Promise<void> | void;
  /** Runs once the server stops accepting: ends the background jobs, and with the log reader the open streams (as retryable). */
  onStop?: () => Promise<void> | void;
  /** Bearer token for /metrics; without one, /metrics answers loopback connections only. */
  metricsToken?: string | undefined;
  /** Proxies whose X-Forwarded-For names the client (http/client-address.ts); none by default. */
  trustProxy?: readonly string[];
}

export interface StopOptions {
  /** How long /readyz answers 503 before the server stops accepting, so a load balancer sees it first. */
  delayMs?: number;
  /** How long requests in flight may still finish; then their connections are closed. */
  drainMs?: number;
}

export interface RunningServer {
  url: string;
  server: http.Server;
  /** Not ready (503 at /readyz), then stops accepting, ends the jobs and streams, lets requests finish (bounded), closes. */
  stop(options?: StopOptions): Promise<void>;
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
  const createContext = contextFactory(options.deps, clientAddress(options.trustProxy));
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    createContext,
    // Counted as the body streams in, so a chunked body without a length stops at the limit too.
    maxBodySize: limits.maxBodyBytes,
    maxBatchSize: limits.maxBatchSize,
    // tRPC leaves some early failures as text/plain; every error here is JSON.
    responseMeta: ({ errors }) => (errors.length ? { headers: { 'content-type': 'application/json' } } : {}),
    onError({ error, path: procedure }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') logger.error({ err: error.cause ?? error, procedure }, 'internal error');
    },
  });
  const changes = changesStreamHandler({ deps: options.deps, router: appRouter, fallback: trpc, contextOf: (req) => createContext({ req }) });
  const renderer = rendererHandler(options.rendererDir, logger);
  const readiness = new Readiness({ db: options.deps.db, logReader: options.deps.logReader });
  const ops = opsHandler({ readiness, metricsToken: options.metricsToken });
  const imports = importHandler(options.deps);
  const display = displayHandler(options.deps);
  const patientLink = patientLinkHandler(options.deps);
  const offerLink = offerLinkHandler(options.deps);
  const fhir = fhirHandler(options.deps, { maxBodyBytes: limits.maxBodyBytes });
  observeStreams(changesStats);
  const inFlight = new InFlight();
  const requestLog = { quiet: isOpsPath, path: loggablePath };

  const listener = (req: http.IncomingMessage, res: http.ServerResponse): unknown => {
    inFlight.track(res);
    return trackRequest(logger, requestLog, req, res, () => route(req, res));
  };

  const route = (req: http.IncomingMessage, res: http.ServerResponse): unknown => {
    const origin = req.headers.origin;
    if (isLocalOrigin(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-headers', 'authorization, content-type, last-event-id, trpc-accept, x-trpc-source, x-request-id');
      // A desk may quote its request's id when something went wrong.
      res.setHeader('access-control-expose-headers', 'x-request-id');
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
      if (refuseAtEdge(req, res, limits, API_METHODS)) return;
      // The live feed is written straight to the socket in tRPC's SSE protocol (sync/changes.http.ts).
      if (isChangesStreamPath(url)) changes(req, res);
      else trpc(req, res);
      return;
    }
    if (isImportPath(url)) {
      setSecurityHeaders(res, API_CSP);
      return refuseAtEdge(req, res, { ...limits, maxBodyBytes: IMPORT_MAX_BYTES }, ['POST']) ? undefined : imports(req, res);
    }
    if (isFhirPath(url)) {
      // The FHIR R4 scheduling API for other systems (fhir/fhir.http.ts): bearer tokens, its own errors as OperationOutcome.
      setSecurityHeaders(res, API_CSP);
      return refuseAtEdge(req, res, limits, ['GET', 'HEAD', 'POST', 'PUT', 'PATCH']) ? undefined : fhir(req, res);
    }
    if (isDisplayPath(url)) {
      // The waiting-room page: public, read-only, its own CSP (display.http.ts).
      return refuseAtEdge(req, res, limits, READ_METHODS) ? undefined : display(req, res);
    }
    if (isOfferLinkPath(url)) {
      // A patient's answer to a held waitlist offer: public, signed, the link page's CSP (waitlist/offer-link.http.ts).
      return refuseAtEdge(req, res, limits, API_METHODS) ? undefined : offerLink(req, res);
    }
    if (isPatientLinkPath(url)) {
      // A patient's link from a message: public, signed, its own CSP (messages/patient-link.http.ts).
      return refuseAtEdge(req, res, limits, API_METHODS) ? undefined : patientLink(req, res);
    }
    if (isOpsPath(url)) {
      setSecurityHeaders(res, API_CSP);
      return refuseAtEdge(req, res, limits, READ_METHODS) ? undefined : ops(req, res);
    }
    if (!refuseAtEdge(req, res, limits, READ_METHODS)) renderer(req, res);
    return undefined;
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
      if (Number(req.headers['content-length'] ?? 0) <= (isImportPath(req.url) ? IMPORT_MAX_BYTES : limits.maxBodyBytes)) res.writeContinue();
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
      async stop({ delayMs = 0, drainMs = 0 }: StopOptions = {}) {
        readiness.drain();
        if (delayMs > 0) await sleep(delayMs);
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        await options.onStop?.();
        await inFlight.drain(drainMs);
        if (inFlight.size > 0) logger.warn({ requests: inFlight.size }, 'requests still in flight after the drain time; closing their connections');
        server.closeAllConnections();
        await closed;
      },
    };
  }

  return { listener: guard(listener, logger), router: appRouter, start };
}
