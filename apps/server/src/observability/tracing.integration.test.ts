import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../testing/callers.js';
import { demoDatabase } from '../testing/file-database.js';
import { gpBooking, leaked, secretsOf, signedIn, WATCHED_PATIENT } from '../testing/observed.js';
import { startTracing } from './sdk.js';
import { ATTR, stopTracing } from './tracing.js';

// The SDK as the server starts it, with an in-memory exporter in place of OTLP.

const exporter = new InMemorySpanExporter();
let desk: Caller;
let token: string;
let patientId: string;

const setup = demoDatabase({ emailDomain: 'tracing.test' });
beforeAll(async () => {
  startTracing({ serviceName: 'frontdesk-test', spanProcessors: [new SimpleSpanProcessor(exporter)] });
  ({ desk, token } = await signedIn(setup.db.deps, setup.demo));
  patientId = (await desk.patients.create({ name: WATCHED_PATIENT.name, phone: WATCHED_PATIENT.phone })).id;
});

afterAll(async () => {
  await stopTracing();
});

const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;

/** The span's subtree as names, children in start order: `name(child, child(grandchild))`. */
function shape(spans: readonly ReadableSpan[], root: ReadableSpan, keep: (s: ReadableSpan) => boolean): string {
  const children = spans
    .filter((s) => parentOf(s) === root.spanContext().spanId && keep(s))
    .sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
  return children.length ? `${root.name}(${children.map((c) => shape(spans, c, keep)).join(', ')})` : root.name;
}

function only(name: string): ReadableSpan {
  const found = exporter.getFinishedSpans().filter((s) => s.name === name);
  expect(found, name).toHaveLength(1);
  return found[0]!;
}

/** The steps of a transaction, without the Prisma operations or pg queries each step is made of. */
const steps = (s: ReadableSpan): boolean => s.name !== 'prisma:client:operation' && !s.name.startsWith('pg.') && !s.name.startsWith('pg-pool.');

describe('tracing a booking', () => {
  it('one span per procedure, named by its path, over the booking steps: availability, the insert with its locks tried, the constraint with the events, commit', async () => {
    exporter.reset();
    await desk.booking.book(gpBooking(setup.demo, '10:00', patientId));
    const spans = exporter.getFinishedSpans();
    const book = only('booking.book');
    expect(parentOf(book)).toBeUndefined();
    expect(book.attributes).toMatchObject({
      [ATTR.procedure]: 'booking.book',
      [ATTR.outcome]: 'OK',
      [ATTR.retries]: 0,
      [ATTR.tenant]: setup.demo.tenantId,
      [ATTR.branch]: setup.demo.branches.east,
      [ATTR.service]: setup.demo.services.gp,
    });
    // The placement's own transaction, run directly on a pg connection (db/pg-tx.ts): the booking's steps inside it.
    const insert = only('booking.insert');
    const placement = spans.find((s) => s.spanContext().spanId === parentOf(insert))!;
    expect(placement.name).toBe('db.transaction');
    expect(parentOf(placement)).toBe(book.spanContext().spanId);
    // The check reads what is busy inside the booking's transaction (a cold catalogue cache reads in a transaction of its own).
    expect(shape(spans, placement, steps)).toMatch(
      /^db\.transaction\(db\.begin, booking\.availability_check(\(.*\))?, booking\.insert, booking\.append_events, db\.commit\)$/,
    );
    expect(spans.find((s) => s.name === 'booking.append_events')!.attributes[ATTR.verdict]).toBe('accepted');
    // The slot's locks are tried in the insert's own statement.
    expect(insert.attributes).toMatchObject({ [ATTR.verdict]: 'taken' });
    expect(insert.attributes[ATTR.locks]).toBeGreaterThan(0);
    // Everything the booking did hangs under its procedure span, in one trace.
    const check = spans.find((s) => s.name === 'booking.availability_check');
    expect(check && parentOf(check)).toBe(placement.spanContext().spanId);
    expect(new Set(spans.map((s) => s.spanContext().traceId))).toEqual(new Set([book.spanContext().traceId]));
    // Prisma's operations are traced; its copy of each SQL query is not (pg's instrumentation has it).
    expect(spans.some((s) => s.name === 'prisma:client:operation')).toBe(true);
    expect(spans.some((s) => s.name === 'prisma:client:db_query')).toBe(false);
  });

  it('a taken slot is an answer, not a failure: outcome SLOT_TAKEN, the check said no, nothing written', async () => {
    exporter.reset();
    await expect(desk.booking.book(gpBooking(setup.demo, '10:00', patientId))).rejects.toThrow();
    const book = only('booking.book');
    expect(book.attributes[ATTR.outcome]).toBe('SLOT_TAKEN');
    expect(book.status.code).not.toBe(2);
    expect(exporter.getFinishedSpans().some((s) => s.name === 'booking.insert')).toBe(false);
  });

  it('input the schema refuses ends BAD_INPUT; a query is traced the same way', async () => {
    exporter.reset();
    await expect(desk.booking.book({ ...gpBooking(setup.demo, '11:00', patientId), branchId: 'not-an-id' })).rejects.toThrow();
    await desk.patients.search({ query: 'Quixote' });
    expect(only('booking.book').attributes[ATTR.outcome]).toBe('BAD_INPUT');
    expect(only('patients.search').attributes).toMatchObject({ [ATTR.outcome]: 'OK', [ATTR.procedureType]: 'query' });
  });

  it("no span carries the patient's name or phone, or the session token", async () => {
    exporter.reset();
    const created = await desk.patients.create({ name: `${WATCHED_PATIENT.name} Jr`, phone: WATCHED_PATIENT.phone });
    await desk.patients.search({ query: WATCHED_PATIENT.phone });
    const held = await desk.booking.hold({ ...gpBooking(setup.demo, '12:00', created.id), holdMinutes: 5 });
    await desk.booking.confirm({ appointmentId: held.id, version: held.version, note: WATCHED_PATIENT.name });
    await expect(desk.booking.book(gpBooking(setup.demo, '12:00', created.id))).rejects.toThrow();
    const spans = exporter.getFinishedSpans();
    expect(spans.length).toBeGreaterThan(10);
    const text = JSON.stringify(spans.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status, links: s.links })));
    expect(leaked(text, secretsOf(token))).toEqual([]);
  });
});
