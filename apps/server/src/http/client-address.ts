import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';

// Behind a load balancer every connection comes from the balancer, so sign-in
// throttling per address would lock everyone out together. X-Forwarded-For
// names the client, but only the hops the operator trusts (FRONTDESK_TRUST_PROXY)
// may say so: anyone else could choose an address and escape the throttle.

export type ClientAddress = (req: IncomingMessage) => string;

/**
 * `trusted`: addresses, CIDR ranges, or `loopback`, `linklocal`, `uniquelocal`
 * (proxy-addr's names). None trusted: the connection's own address.
 * Throws a TypeError naming an entry that is neither.
 */
export function clientAddress(trusted: readonly string[] = []): ClientAddress {
  const trust = proxyaddr.compile([...trusted]);
  return (req) => proxyaddr(req, trust) || 'unknown';
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * Whether a request came from this machine itself: a loopback connection
 * that names no forwarded client. A proxy on this machine makes every client
 * look local, so anything that says it was forwarded is not, trusted or not.
 */
export function fromThisMachine(req: Pick<IncomingMessage, 'headers' | 'socket'>): boolean {
  const forwarded = req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined;
  return !forwarded && LOOPBACK.test(req.socket.remoteAddress ?? '');
}
