import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../testing/remote.js';
import { demoDatabase } from '../testing/file-database.js';
import { dataOf, gpBooking, leaked, secretsOf, trpcCall, WATCHED_PATIENT } from '../testing/observed.js';

// The server as operators run it: its own process, the tracing preload
// exporting over OTLP (to a collector this test plays), logs on stdout, and
// SIGTERM for a graceful stop.

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes?: { key: string; value: OtlpValue }[];
}
interface OtlpExport {
  resourceSpans: { resource: { attributes: { key: string; value: OtlpValue }[] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
}

const exports: string[] = [];
const collector = http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    if (req.url === '/v1/traces') exports.push(body);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});

let server: ServerProcess;
const stdout: string[] = [];

const setup = demoDatabase({ emailDomain: 'process.test' });
beforeAll(async () => {
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  server = await startServerProcess(setup.db.url, {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '200',
    FRONTDESK_SHUTDOWN_DELAY_MS: '1500',
    LOG_LEVEL: 'info',
  });
  server.child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk.toString()));
}, 120_000);

afterAll(async () => {
  await server?.kill('SIGKILL');
  collector.close();
});

const attribute = (span: OtlpSpan, key: string): string | number | undefined => {
  const value = span.attributes?.find((a) => a.key === key)?.value;
  return value?.stringValue ?? (value?.intValue === undefined ? undefined : Number(value.intValue));
};

describe('a server process with tracing on', () => {
  it('exports the HTTP, procedure and SQL spans of a booking as one trace, logs it with the trace id, and stops gracefully on SIGTERM', async () => {
    const { token } = await dataOf<{ token: string }>(
      await trpcCall(server.url, 'auth.login', { email: setup.demo.staff.receptionist.email, password: setup.demo.password, desk: 'front desk' }),
    );
    const patient = await dataOf<{ id: string }>(await trpcCall(server.url, 'patients.create', { ...WATCHED_PATIENT }, { token }));
    expect((await trpcCall(server.url, 'patients.search', { query: WATCHED_PATIENT.phone }, { token, query: true })).status).toBe(200);
    expect((await trpcCall(server.url, 'booking.book', gpBooking(setup.demo, '10:00', patient.id), { token })).status).toBe(200);

    // SIGTERM: /readyz turns 503 for the shutdown delay, then the process finishes and exits cleanly.
    const stopped = server.kill('SIGTERM');
    let refused: Response | null = null;
    for (let i = 0; i < 40 && !refused; i++) {
      const answer = await fetch(`${server.url}/readyz`).catch(() => null);
      if (answer && answer.status !== 200) refused = answer;
    }
    expect(refused?.status).toBe(503);
    expect(await refused!.json()).toMatchObject({ ready: false, reason: 'shutting down' });
    await stopped;
    expect(server.child.exitCode).toBe(0);

    const batches = exports.map((e) => JSON.parse(e) as OtlpExport);
    const spans = batches.flatMap((b) => b.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));
    const service = batches[0]!.resourceSpans[0]!.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue;
    expect(service).toBe('frontdesk-server');

    const book = spans.find((s) => s.name === 'booking.book')!;
    expect(attribute(book, 'frontdesk.outcome')).toBe('OK');
    const request = spans.find((s) => s.spanId === book.parentSpanId)!;
    expect(attribute(request, 'url.path')).toBe('/trpc/booking.book');
    expect(attribute(request, 'http.response.status_code')).toBe(200);
    const trace = spans.filter((s) => s.traceId === book.traceId);
    // SQL once, from pg; Prisma's own copy of each query is dropped.
    expect(trace.filter((s) => s.name.startsWith('pg.query')).length).toBeGreaterThan(3);
    expect(spans.some((s) => s.name === 'prisma:client:db_query')).toBe(false);
    expect(trace.some((s) => s.name === 'prisma:client:operation')).toBe(true);
    // A query's input travels in the URL: it never reaches a span.
    const search = spans.find((s) => attribute(s, 'url.path') === '/trpc/patients.search')!;
    expect(attribute(search, 'url.query')).toBe('input=REDACTED');
    expect(leaked(exports.join('\n'), secretsOf(token))).toEqual([]);

    const lines = stdout.join('').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string; procedure?: string; traceId?: string });
    expect(lines.find((l) => l.msg === 'request' && l.procedure === 'booking.book')?.traceId).toBe(book.traceId);
    expect(leaked(stdout.join(''), secretsOf(token))).toEqual([]);
  });
});
