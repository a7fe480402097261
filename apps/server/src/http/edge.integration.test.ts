// Over 300 lines: one attack per test against one running server, grouped by what the edge refuses.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink, TRPCClientError } from '@trpc/client';
import { EventSource } from 'eventsource';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domainErrorOf, type ChangeMessage, type DomainErrorShape } from '@frontdesk/shared';
import { createServer, type RunningServer } from '../app.js';
import { createLogger } from '../logger.js';
import type { AppRouter } from '../router.js';
import { seedDemo, type DemoClinic } from '../seed/demo.js';
import { anonymousCaller } from '../testing/callers.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { parseResponse, rawGet, rawPost, rawRequest, type RawResponse } from '../testing/raw-http.js';
import { DEFAULT_LIMITS, endWhenAnsweredEarly, guard } from './edge.js';

// The HTTP edge as an attacker meets it: a real server on a real port, raw
// bytes where a client library would have cleaned the request up.

const LIMIT = DEFAULT_LIMITS.maxBodyBytes;
// What V8, JSON.parse and tRPC say in their own words: never for a client's eyes.
const ENGINE_TEXT = /Unexpected token|is not valid JSON|JSON at position|Cannot create a string|No procedure found|URI malformed|Invalid URL|SyntaxError/;

type ErrorEnvelope = { error?: { data?: { domain?: DomainErrorShape | null } } };

/** The domain error of an answer (of its first call, for a batch). */
function domainOf(response: RawResponse): DomainErrorShape | null {
  const json = response.json() as ErrorEnvelope | ErrorEnvelope[];
  const body = Array.isArray(json) ? json[0] : json;
  return body?.error?.data?.domain ?? null;
}

/** A clear refusal: the status, a domain error in plain words, no library text. */
function expectRefused(response: RawResponse, status: number, code: DomainErrorShape['code'] = 'BAD_INPUT'): void {
  expect(response.status, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const domain = domainOf(response);
  expect(domain?.code, response.body).toBe(code);
  expect(response.body).not.toMatch(ENGINE_TEXT);
}

describe('the HTTP edge under hostile requests', () => {
  let db: TestDatabase;
  let clinic: DemoClinic;
  let running: RunningServer;
  let port: number;
  let token: string;
  let rendererDir: string;
  /** Bytes the server had read from each request's socket when its answer finished. */
  const bytesReadAtAnswer = new Map<string, number>();

  async function alive(): Promise<void> {
    const health = await rawGet(port, '/healthz');
    expect(health.status).toBe(200);
    expect(health.json()).toEqual({ ok: true });
  }

  beforeAll(async () => {
    rendererDir = mkdtempSync(path.join(os.tmpdir(), 'frontdesk-renderer-'));
    mkdirSync(path.join(rendererDir, 'assets'));
    writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Frontdesk</title><script type="module" src="./assets/index-Ab12Cd.js"></script>');
    writeFileSync(path.join(rendererDir, 'assets', 'index-Ab12Cd.js'), 'console.log("frontdesk")');
    db = await createTestDatabase();
    clinic = await seedDemo(db.owner, { emailDomain: 'edge.test' });
    ({ token } = await anonymousCaller(db.deps).auth.login({ email: clinic.staff.receptionist.email, password: clinic.password, desk: 'edge desk' }));
    running = await createServer({ deps: db.deps, rendererDir }).start(0);
    port = Number(new URL(running.url).port);
    running.server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      const tag = req.headers['x-test-tag'];
      if (typeof tag === 'string') res.on('finish', () => bytesReadAtAnswer.set(tag, req.socket.bytesRead));
    });
  });

  afterAll(async () => {
    await running?.stop();
    await db?.deps.logReader.stop();
    await db?.drop();
    rmSync(rendererDir, { recursive: true, force: true });
  });

  describe('malformed addresses', () => {
    it('a malformed %-escape gets 400 with a domain error, and the server keeps serving', async () => {
      for (const target of ['/%E0%A4%A', '/%', '/assets/%ZZ.js', '/%ED%A0%80', '/trpc/auth.me%E0%A4%A']) {
        expectRefused(await rawGet(port, target), 400);
      }
      await alive();
    });

    it('a bad Host header, an absolute or asterisk target: 400, never a crash', async () => {
      expectRefused(await rawRequest(port, 'GET /trpc/auth.me HTTP/1.1\r\nHost: [::1\r\nConnection: close\r\n\r\n'), 400);
      const badHost = await rawRequest(port, 'GET /trpc/auth.me HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n');
      expect(badHost.status).toBe(400);
      expectRefused(await rawRequest(port, `GET http://evil.example/trpc/auth.me HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`), 400);
      const asterisk = await rawRequest(port, `GET * HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
      expect(asterisk.status).toBe(400);
      await alive();
    });

    it('an absurdly long address or a header flood gets 431 in the same error shape', async () => {
      expectRefused(await rawGet(port, `/trpc/${'a'.repeat(64 * 1024)}`), 431);
      const flood = Array.from({ length: 200 }, (_, i) => `X-Flood-${i}: ${'x'.repeat(200)}`);
      expectRefused(await rawGet(port, '/healthz', flood), 431);
      await alive();
    });

    it('bytes that are not HTTP, a request-smuggling pair of lengths: 400', async () => {
      expectRefused(await rawRequest(port, 'HELLO\r\n\r\n'), 400);
      expectRefused(await rawRequest(port, Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03])), 400);
      const smuggle = `POST /trpc/auth.login HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\nGET /trpc/auth.me HTTP/1.1\r\nHost: x\r\n\r\n`;
      expectRefused(await rawRequest(port, smuggle), 400);
      await alive();
    });

    it('a path that climbs out of the renderer folder gets the app page, never a file outside it', async () => {
      for (const target of ['/../../../../etc/passwd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2f..%2fetc%2fpasswd', '/assets/%00.js']) {
        const response = await rawGet(port, target);
        expect(response.body).not.toContain('root:');
        expect([200, 404]).toContain(response.status);
      }
    });
  });

  describe('the tRPC endpoint', () => {
    it('invalid JSON in a body or in ?input=: 400 BAD_INPUT in plain words, not the parser message', async () => {
      expectRefused(await rawPost(port, '/trpc/auth.login', '{"email": nope'), 400);
      const signedIn = [`Authorization: Bearer ${token}`];
      expectRefused(await rawGet(port, `/trpc/patients.search?input=${encodeURIComponent('{garbage')}`, signedIn), 400);
      expectRefused(await rawGet(port, '/trpc/patients.search?batch=1&input=%5B1', signedIn), 400);
      expectRefused(await rawGet(port, '/trpc/patients.search?batch=1&input=7', signedIn), 400);
      expectRefused(await rawGet(port, '/trpc/changes?connectionParams=%7Bx'), 400);
      await alive();
    });

    it('procedure names that are properties of every object are not procedures', async () => {
      for (const name of ['__proto__', 'constructor', 'toString', 'auth.__proto__', 'auth.constructor.name', 'hasOwnProperty']) {
        const response = await rawGet(port, `/trpc/${name}`);
        expectRefused(response, 404, 'NOT_FOUND');
      }
      await alive();
    });

    it('an unknown procedure: 404 NOT_FOUND without echoing the path', async () => {
      const response = await rawGet(port, '/trpc/admin.dropEverything');
      expectRefused(response, 404, 'NOT_FOUND');
      expect(domainOf(response)?.message).not.toContain('dropEverything');
    });

    it('a wrong content type or HTTP method: a clear 4xx', async () => {
      expectRefused(await rawPost(port, '/trpc/auth.login', 'email=a', ['Content-Type: text/plain']), 415);
      expectRefused(await rawPost(port, '/trpc/auth.me', '{}'), 405);
      for (const method of ['PUT', 'DELETE', 'PATCH', 'TRACE']) {
        const response = await rawRequest(port, `${method} /trpc/auth.me HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
        expectRefused(response, 405);
        expect(response.headers.allow).toBe('GET, HEAD, POST');
      }
      expectRefused(await rawRequest(port, 'DELETE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'), 405);
      expectRefused(await rawRequest(port, 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n'), 405);
    });

    it('a batch of more calls than the limit is refused before any runs', async () => {
      const calls = Array.from({ length: DEFAULT_LIMITS.maxBatchSize + 1 }, () => 'auth.login');
      const inputs = Object.fromEntries(calls.map((_, i) => [i, { email: clinic.staff.receptionist.email, password: 'wrong password', desk: 'x' }]));
      const attempts = async () => (await db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM login_attempt')).rows[0]?.n ?? 0;
      const before = await attempts();
      const response = await rawPost(port, `/trpc/${calls.join(',')}?batch=1`, JSON.stringify(inputs));
      expectRefused(response, 400);
      expect(domainOf(response)?.message).toContain(`At most ${DEFAULT_LIMITS.maxBatchSize}`);
      expect(await attempts()).toBe(before);
    });

    it('a batch of 10,000 calls in one request: refused, the server unharmed', async () => {
      const many = Array.from({ length: 10_000 }, () => 'auth.me').join(',');
      const response = await rawPost(port, `/trpc/${many}?batch=1`, '{}');
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(domainOf(response)?.code).toBe('BAD_INPUT');
      await alive();
    });

    it('a deeply nested JSON body within the size limit: a plain 400, no stack overflow', async () => {
      const depth = 200_000;
      const response = await rawPost(port, '/trpc/auth.login', `${'['.repeat(depth)}${']'.repeat(depth)}`);
      expectRefused(response, 400);
      await alive();
    });
  });

  describe('request bodies', () => {
    it('a 5 MB body with its length declared: 413 before a byte of it is read', async () => {
      const response = await new Promise<RawResponse>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1');
        const chunks: Buffer[] = [];
        socket.on('data', (d: Buffer) => chunks.push(d));
        socket.on('error', reject);
        socket.on('close', () => resolve(parseResponse(Buffer.concat(chunks))));
        // Headers only: the answer must come without the body ever being sent.
        socket.write(`POST /trpc/auth.login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${5 * 1024 * 1024}\r\n\r\n`);
      });
      // The promise settled on close: the server ended the connection rather than wait for the body.
      expectRefused(response, 413);
      expect(domainOf(response)?.message).toContain('1 MiB');
      await alive();
    });

    it('a 5 MB body announced with Expect: 100-continue is refused before the client is told to send it', async () => {
      const response = await rawRequest(
        port,
        `POST /trpc/auth.login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${5 * 1024 * 1024}\r\nExpect: 100-continue\r\n\r\n`,
      );
      // The first status line is the refusal itself, not "100 Continue".
      expectRefused(response, 413);
    });

    it('a 5 MB body sent whole gets 413 too; four at once leave the server serving', async () => {
      const body = `{"email":"${'a'.repeat(5 * 1024 * 1024)}"}`;
      const answers = await Promise.all(Array.from({ length: 4 }, () => rawPost(port, '/trpc/auth.login', body)));
      for (const response of answers) expectRefused(response, 413);
      await alive();
    });

    it('a chunked body with no length stops being read at the limit and gets 413', async () => {
      const chunk = Buffer.alloc(64 * 1024, 'a');
      const { response, sent } = await new Promise<{ response: RawResponse; sent: number }>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1');
        const received: Buffer[] = [];
        let sent = 0;
        let answered = false;
        socket.on('data', (d: Buffer) => {
          answered = true;
          received.push(d);
        });
        socket.on('error', () => undefined);
        socket.on('close', () => {
          try {
            resolve({ response: parseResponse(Buffer.concat(received)), sent });
          } catch (error) {
            reject(error as Error);
          }
        });
        socket.write(
          'POST /trpc/auth.login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nX-Test-Tag: chunked\r\n\r\n',
        );
        const pump = () => {
          // Up to 50 MB, or until the server answers.
          if (answered || sent > 50 * 1024 * 1024 || socket.destroyed) return;
          sent += chunk.length;
          socket.write(`${chunk.length.toString(16)}\r\n`);
          socket.write(chunk);
          if (socket.write('\r\n')) setImmediate(pump);
          else socket.once('drain', pump);
        };
        pump();
      });
      expectRefused(response, 413);
      expect(sent).toBeLessThan(50 * 1024 * 1024);
      // The server stopped at the limit (plus what was already in flight), not at the end of the body.
      expect(bytesReadAtAnswer.get('chunked')).toBeLessThan(LIMIT + 2 * 1024 * 1024);
      await alive();
    });

    it('a body within the limit still works', async () => {
      const response = await rawPost(port, '/trpc/auth.login', JSON.stringify({ email: clinic.staff.receptionist.email, password: 'wrong', desk: 'x'.repeat(50) }));
      expect(response.status).toBe(401);
      expect(domainOf(response)?.code).toBe('UNAUTHORIZED');
    });
  });

  describe('session tokens', () => {
    function client(options: { header?: string; urlToken?: string }) {
      const header = options.header;
      const WithHeader = class extends EventSource {
        constructor(url: string | URL, init?: ConstructorParameters<typeof EventSource>[1]) {
          super(url, {
            ...init,
            fetch: (input, fetchInit) => fetch(input, { ...fetchInit, headers: { ...fetchInit.headers, ...(header ? { authorization: `Bearer ${header}` } : {}) } }),
          });
        }
      };
      return createTRPCClient<AppRouter>({
        links: [
          splitLink({
            condition: (op) => op.type === 'subscription',
            true: httpSubscriptionLink({
              url: `${running.url}/trpc`,
              EventSource: WithHeader,
              connectionParams: options.urlToken ? { token: options.urlToken } : undefined,
            }),
            false: httpBatchLink({ url: `${running.url}/trpc`, headers: () => (header ? { authorization: `Bearer ${header}` } : {}) }),
          }),
        ],
      });
    }

    /** The first message of a `changes` stream, or the error that ended it. */
    function firstOfChanges(c: ReturnType<typeof client>): Promise<ChangeMessage | unknown> {
      return new Promise((resolve) => {
        const sub = c.changes.subscribe(
          {},
          {
            onData({ data }) {
              sub.unsubscribe();
              resolve(data);
            },
            onError(error) {
              sub.unsubscribe();
              resolve(error);
            },
          },
        );
      });
    }

    it('the Authorization header signs in a query and the live feed', async () => {
      const withHeader = client({ header: token });
      expect((await withHeader.auth.me.query()).staffId).toBe(clinic.staff.receptionist.id);
      const first = (await firstOfChanges(withHeader)) as ChangeMessage;
      expect(first.kind).toBe('live');
    });

    it('a token in the URL (?connectionParams=) is refused as signed out, for the feed and for a query', async () => {
      const error = await firstOfChanges(client({ urlToken: token }));
      expect(error).toBeInstanceOf(TRPCClientError);
      expect(domainErrorOf(error)?.code).toBe('UNAUTHORIZED');
      const params = encodeURIComponent(JSON.stringify({ token }));
      const query = await rawGet(port, `/trpc/auth.me?connectionParams=${params}`);
      expectRefused(query, 401, 'UNAUTHORIZED');
      const feed = await rawGet(port, `/trpc/changes?input=%7B%7D&connectionParams=${params}`, ['Accept: text/event-stream'], /UNAUTHORIZED|"kind":"live"/);
      expect(feed.body).toContain('UNAUTHORIZED');
      expect(feed.body).not.toContain('"kind":"live"');
    });

    it('no token is written to the log, wherever it was sent', () => {
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      });
      const logger = createLogger('debug', sink);
      logger.error({ req: { headers: { authorization: `Bearer ${token}` } }, token, connectionParams: { token } }, 'with secrets');
      logger.error({ err: new Error('x'), headers: { authorization: `Bearer ${token}` } }, 'nested');
      expect(lines.length).toBe(2);
      expect(lines.join('')).not.toContain(token);
    });
  });

  describe('the guard and the renderer', () => {
    it('a handler that throws answers 500 with a plain error and is logged; the query string is not', async () => {
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      });
      const server = http.createServer(
        guard(() => {
          throw new TypeError('Cannot read properties of undefined');
        }, createLogger('error', sink)),
      );
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const { port: throwingPort } = server.address() as net.AddressInfo;
        const response = await rawGet(throwingPort, `/anything?connectionParams=${token}`);
        expect(response.status).toBe(500);
        expect(response.body).not.toContain('Cannot read properties');
        expect((response.json() as { error: { message: string } }).error.message).toMatch(/went wrong/);
        const rejecting = http.createServer(guard(() => Promise.reject(new Error('async failure')), createLogger('error', sink)));
        await new Promise<void>((resolve) => rejecting.listen(0, '127.0.0.1', resolve));
        const rejected = await rawGet((rejecting.address() as net.AddressInfo).port, '/');
        expect(rejected.status).toBe(500);
        await new Promise<void>((resolve) => rejecting.close(() => resolve()));
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      expect(lines.join('')).toContain('request handler failed');
      expect(lines.join('')).not.toContain(token);
    });

    it('the renderer: index.html not cached, hashed assets cached for good, security headers on every answer', async () => {
      const index = await rawGet(port, '/');
      expect(index.status).toBe(200);
      expect(index.headers['content-type']).toMatch(/^text\/html/);
      expect(index.headers['cache-control']).toBe('no-cache');
      const csp = index.headers['content-security-policy'] ?? '';
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(index.headers['x-content-type-options']).toBe('nosniff');
      expect(index.headers['x-frame-options']).toBe('DENY');
      expect(index.headers['referrer-policy']).toBe('no-referrer');

      const spa = await rawGet(port, '/day/2026-01-05');
      expect(spa.status).toBe(200);
      expect(spa.body).toContain('<title>Frontdesk</title>');
      expect(spa.headers['cache-control']).toBe('no-cache');

      const asset = await rawGet(port, '/assets/index-Ab12Cd.js');
      expect(asset.status).toBe(200);
      expect(asset.headers['content-type']).toMatch(/javascript/);
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(asset.headers['x-content-type-options']).toBe('nosniff');

      expectRefused(await rawGet(port, '/assets/missing-123.js'), 404, 'NOT_FOUND');

      // A reversed or malformed range is not an error: the file comes whole.
      for (const range of ['bytes=5-1', 'bytes=-1-x', 'bytes=999999999-']) {
        const ranged = await rawGet(port, '/assets/index-Ab12Cd.js', [`Range: ${range}`]);
        expect(ranged.status, range).toBe(200);
        expect(ranged.body).toBe('console.log("frontdesk")');
      }

      const api = await rawGet(port, '/trpc/auth.me', [`Authorization: Bearer ${token}`]);
      expect(api.status).toBe(200);
      expect(api.headers['cache-control']).toBe('no-store');
      expect(api.headers['x-content-type-options']).toBe('nosniff');
      expect(api.headers['content-security-policy']).toContain("default-src 'none'");
    });
  });
});

describe('ending a connection answered before its body arrived', () => {
  /** A request still waiting for its body, on `socket`, and its response. */
  function early(socket: net.Socket | null) {
    const req = new http.IncomingMessage(socket as net.Socket);
    const res = new http.ServerResponse(req);
    endWhenAnsweredEarly(req, res);
    expect(req.complete).toBe(false);
    return { req, res };
  }

  it('a request torn down before its answer finished (its socket null) is left alone: no uncaught TypeError', () => {
    // Node's types say a request always has its socket; a destroyed one may not.
    const { req, res } = early(null);
    expect(req.socket).toBeNull();
    expect(() => res.emit('finish')).not.toThrow();
  });

  it('a socket already destroyed is left alone; a live one is ended', () => {
    const gone = new PassThrough() as unknown as net.Socket;
    gone.destroy();
    expect(() => early(gone).res.emit('finish')).not.toThrow();

    const live = new PassThrough() as unknown as net.Socket;
    early(live).res.emit('finish');
    expect(live.writableEnded).toBe(true);
    live.destroy();
  });
});
