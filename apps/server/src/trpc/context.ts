import type { IncomingMessage } from 'node:http';
import type { Actor } from '../auth/scope.js';
import type { Deps } from '../deps.js';

export interface Context {
  deps: Deps;
  /** The bearer token presented, if any; resolved to an actor by staffProcedure. */
  token: string | null;
  ip: string;
  actor: Actor | null;
}

function bearer(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value?.match(/^Bearer\s+([A-Za-z0-9_-]{16,200})$/);
  return match?.[1] ?? null;
}

export function contextFactory(deps: Deps) {
  return ({ req, info }: { req: IncomingMessage; info?: { connectionParams?: Record<string, string | undefined> | null } }): Context => {
    const fromParams = info?.connectionParams?.token;
    const token = bearer(req.headers.authorization) ?? (typeof fromParams === 'string' ? bearer(`Bearer ${fromParams}`) : null);
    return { deps, token, ip: req.socket.remoteAddress ?? 'unknown', actor: null };
  };
}
