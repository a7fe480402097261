import type { IncomingMessage } from 'node:http';
import type { Actor } from '../auth/scope.js';
import type { Deps } from '../deps.js';
import { clientAddress, fromThisMachine, type ClientAddress } from '../http/client-address.js';

export interface Context {
  deps: Deps;
  /** The bearer token presented, if any; resolved to an actor by staffProcedure. */
  token: string | null;
  ip: string;
  /** The request came straight from this machine (loopback, through no proxy); absent counts as not. */
  local?: boolean;
  actor: Actor | null;
}

export function bearer(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value?.match(/^Bearer\s+([A-Za-z0-9_-]{16,200})$/);
  return match?.[1] ?? null;
}

/**
 * The token is read from the Authorization header only. tRPC's
 * `connectionParams` travel in the URL, which proxies and access logs keep,
 * so a token sent there is ignored and the call is refused as signed out.
 */
export function contextFactory(deps: Deps, addressOf: ClientAddress = clientAddress()) {
  return ({ req }: { req: IncomingMessage }): Context => {
    return { deps, token: bearer(req.headers.authorization), ip: addressOf(req), local: fromThisMachine(req), actor: null };
  };
}
