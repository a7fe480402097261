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
