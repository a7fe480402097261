import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { readEnv } from '../env.js';
import { clientAddress } from './client-address.js';

/** A request as it arrives: from `peer`, with the X-Forwarded-For a proxy (or anyone) wrote. */
function request(peer: string, forwardedFor?: string): IncomingMessage {
  const socket = Object.defineProperty(new Socket(), 'remoteAddress', { value: peer });
  const headers = forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor };
  return { socket, connection: socket, headers } as unknown as IncomingMessage;
}

describe('the client address sign-in throttling counts by', () => {
  it('is the connection itself when no proxy is trusted, whatever X-Forwarded-For claims', () => {
    expect(clientAddress()(request('198.51.100.4', '203.0.113.7'))).toBe('198.51.100.4');
  });

  it('behind a trusted load balancer, is the client the balancer names', () => {
    const behindNginx = clientAddress(['uniquelocal']);
    expect(behindNginx(request('172.18.0.5', '203.0.113.7'))).toBe('203.0.113.7');
    expect(clientAddress(['10.0.0.0/8', '192.168.1.2'])(request('192.168.1.2', '203.0.113.7, 10.1.2.3'))).toBe('203.0.113.7');
  });

  it('ignores what an untrusted peer writes: it cannot pick an address to escape the throttle', () => {
    const behindNginx = clientAddress(['uniquelocal']);
    expect(behindNginx(request('203.0.113.9', '10.0.0.1'))).toBe('203.0.113.9');
    // A client behind the balancer prepends its own guess: the balancer's entry is the last one trusted.
    expect(behindNginx(request('172.18.0.5', '10.9.9.9, 203.0.113.7'))).toBe('203.0.113.7');
  });

  it('refuses a setting that names no address, range or known name', () => {
    expect(() => clientAddress(['the-balancer'])).toThrow(/the-balancer/);
    expect(() => readEnv({ FRONTDESK_TRUST_PROXY: '10.0.0.0/8, the-balancer' })).toThrow(/FRONTDESK_TRUST_PROXY: .*the-balancer/);
    expect(readEnv({ FRONTDESK_TRUST_PROXY: ' uniquelocal, 192.0.2.1 ' }).FRONTDESK_TRUST_PROXY).toEqual(['uniquelocal', '192.0.2.1']);
  });
});
