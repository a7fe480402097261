import { createHash, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import type { Readiness } from '../observability/readiness.js';
import { registry } from '../observability/metrics.js';
import { fromThisMachine } from './client-address.js';
import { sendEdgeError } from './errors.js';

// What operators and load balancers ask: /healthz (the process answers),
// /readyz (it can serve: 503 with the reason otherwise), /metrics (Prometheus).

const OPS_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

export function isOpsPath(url: string | undefined): boolean {
  return OPS_PATHS.has(url ?? '');
}

export interface OpsOptions {
  readiness: Readiness;
  /** Bearer token /metrics asks for; without one, /metrics answers loopback connections only. */
  metricsToken?: string | undefined;
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * A configured token is required from everyone (a proxy on this machine makes
 * every client look local). Without one, only this machine, and not through a
 * proxy that says it forwarded the request.
 */
export function metricsAllowed(req: Pick<http.IncomingMessage, 'headers' | 'socket'>, token: string | undefined): boolean {
  if (token) {
    const presented = req.headers.authorization?.match(/^Bearer\s+(\S+)$/)?.[1];
    return presented !== undefined && timingSafeEqual(digest(presented), digest(token));
  }
  return fromThisMachine(req);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

/** Answers the three paths `isOpsPath` names. */
export function opsHandler(options: OpsOptions): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> {
  return async (req, res) => {
    if (req.url === '/healthz') {
      sendJson(res, 200, { ok: true });
    } else if (req.url === '/readyz') {
      const state = await options.readiness.check();
      sendJson(res, state.ready ? 200 : 503, state);
    } else if (!metricsAllowed(req, options.metricsToken)) {
      sendEdgeError(res, 403, {
        code: 'FORBIDDEN',
        message: options.metricsToken ? 'Metrics need the metrics token.' : 'Metrics are served to this machine only, unless a metrics token is set.',
        details: {},
      });
    } else {
      const text = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' }).end(text);
    }
  };
}
