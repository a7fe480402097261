import { SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { DomainError } from '@frontdesk/shared';
import { PG, sqlStateOf } from '../db/errors.js';

// Spans the server makes itself, through the OpenTelemetry API only: without
// a started SDK (sdk.ts, loaded by instrument.ts) every call here is a no-op.
// Spans carry ids, codes and counts, never a patient's data or an error's text.

export const tracer = trace.getTracer('frontdesk');

/** Attribute names of Frontdesk's own spans. */
export const ATTR = {
  procedure: 'frontdesk.procedure',
  procedureType: 'frontdesk.procedure.type',
  outcome: 'frontdesk.outcome',
  retries: 'frontdesk.retries',
  tenant: 'frontdesk.tenant_id',
  branch: 'frontdesk.branch_id',
  service: 'frontdesk.service_id',
  attempt: 'frontdesk.attempt',
  locks: 'frontdesk.locks',
  verdict: 'frontdesk.constraint.verdict',
  errorType: 'error.type',
} as const;

/** What went wrong, as a code: a domain code, a SQLSTATE, or the error's class name (never its message). */
export function errorType(error: unknown): string {
  if (error instanceof DomainError) return error.code;
  return sqlStateOf(error) ?? (error instanceof Error ? error.name : 'unknown');
}

/** Marks a span failed with the error's code only: messages of database and validation errors can quote the data. */
export function markFailed(span: Span, error: unknown): void {
  const type = errorType(error);
  span.setAttribute(ATTR.errorType, type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
}

/** Runs `work` in a child span of the active one; a throw marks the span failed and passes through. */
export function traced<T>(name: string, work: (span: Span) => Promise<T>, attributes: Attributes = {}): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      markFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The statement where the exclusion constraint decides: its span says whether the constraint accepted the rows. */
export function tracedConstraint<T>(name: string, work: () => Promise<T>): Promise<T> {
  return traced(name, async (span) => {
    try {
      const result = await work();
      span.setAttribute(ATTR.verdict, 'accepted');
      return result;
    } catch (error) {
      span.setAttribute(ATTR.verdict, sqlStateOf(error) === PG.EXCLUSION_VIOLATION ? 'rejected' : 'failed');
      throw error;
    }
  });
}

// On globalThis: a built server loads the preload and main.ts as separate bundles, each with its own copy of this module.
const STOP = Symbol.for('frontdesk.stopTracing');
const slot = globalThis as { [STOP]?: () => Promise<void> };

/** Called by the SDK when it starts (sdk.ts), so code that never loads the SDK can still flush it. */
export function onStopTracing(stop: () => Promise<void>): void {
  slot[STOP] = stop;
}

export function tracingStarted(): boolean {
  return slot[STOP] !== undefined;
}

/** Sends the spans still buffered and stops tracing; a no-op when it never started. */
export async function stopTracing(): Promise<void> {
  const stop = slot[STOP];
  delete slot[STOP];
  await stop?.();
}

/** The active trace's id, for log lines; undefined while tracing is off. */
export function activeTraceId(): string | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  return context && trace.isSpanContextValid(context) ? context.traceId : undefined;
}
