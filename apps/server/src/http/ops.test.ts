import type http from 'node:http';
import { describe, expect, it } from 'vitest';
import { metricsAllowed } from './ops.js';

// Who may read /metrics, for addresses a test machine may not have.

const from = (remoteAddress: string, headers: http.IncomingHttpHeaders = {}) =>
  ({ headers, socket: { remoteAddress } }) as unknown as Pick<http.IncomingMessage, 'headers' | 'socket'>;

const TOKEN = 'a-long-metrics-token-for-prometheus';

describe('/metrics access', () => {
  it('without a token: this machine only (IPv4, IPv6 and mapped loopback), and not through a proxy', () => {
    for (const address of ['127.0.0.1', '127.4.5.6', '::1', '::ffff:127.0.0.1']) expect(metricsAllowed(from(address), undefined), address).toBe(true);
    for (const address of ['10.0.0.7', '192.168.1.20', '::ffff:10.0.0.7', 'fd00::2', '0.0.0.0', '']) expect(metricsAllowed(from(address), undefined), address).toBe(false);
    expect(metricsAllowed(from('127.0.0.1', { 'x-forwarded-for': '203.0.113.9' }), undefined)).toBe(false);
    expect(metricsAllowed(from('::1', { forwarded: 'for=203.0.113.9' }), undefined)).toBe(false);
  });

  it('with a token: the bearer of that token, from anywhere; nobody else, not even this machine', () => {
    expect(metricsAllowed(from('10.0.0.7', { authorization: `Bearer ${TOKEN}` }), TOKEN)).toBe(true);
    expect(metricsAllowed(from('127.0.0.1'), TOKEN)).toBe(false);
    expect(metricsAllowed(from('127.0.0.1', { authorization: `Bearer ${TOKEN}x` }), TOKEN)).toBe(false);
    expect(metricsAllowed(from('127.0.0.1', { authorization: TOKEN }), TOKEN)).toBe(false);
    expect(metricsAllowed(from('127.0.0.1', { authorization: 'Bearer ' }), TOKEN)).toBe(false);
  });
});
