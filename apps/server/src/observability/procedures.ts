import { AsyncLocalStorage } from 'node:async_hooks';
import { SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import type { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { DomainError } from '@frontdesk/shared';
import { bookingCommands, procedureDuration, txRetries } from './metrics.js';
import { noteCall } from './requests.js';
import { ATTR, tracer } from './tracing.js';

// What every tRPC procedure call leaves behind: a span named after its path,
// its latency and outcome as metrics, booking commands counted by outcome,
// and its outcome on the request's log line. Called from the one middleware
// in trpc/init.ts, outside the error mapping, so it sees the domain codes.

export interface ProcedureCall {
  path: string;
  type: 'query' | 'mutation' | 'subscription';
  getRawInput: () => Promise<unknown>;
}

/** The shape of a tRPC middleware's result, as far as this reads it. */
export interface CallResult {
  ok: boolean;
  data?: unknown;
  error?: TRPCError;
}

/** Transactions run again during the current procedure call. */
const retries = new AsyncLocalStorage<{ count: number }>();

/** A transaction is run again: counted by reason and SQLSTATE, on the procedure's span and its retry count. */
export function noteRetry(reason: 'deadlock' | 'serialization' | 'connection', sqlstate: string | null): void {
  txRetries.inc({ reason, sqlstate: sqlstate ?? 'none' });
  const store = retries.getStore();
  if (store) store.count++;
  trace.getActiveSpan()?.addEvent('retry', { reason, 'db.response.status_code': sqlstate ?? 'none' });
}

/** OK, a domain code, BAD_INPUT for input the schema refused, INTERNAL for the unexpected, else tRPC's code. */
export function outcomeOf(error: TRPCError | undefined): string {
  if (!error) return 'OK';
  if (error.cause instanceof DomainError) return error.cause.code;
  if (error.cause instanceof ZodError) return 'BAD_INPUT';
  return error.code === 'INTERNAL_SERVER_ERROR' ? 'INTERNAL' : error.code;
}

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Branch and service ids from the input or the answer (an appointment names both); nothing else of either. */
function idsOf(...sources: unknown[]): Attributes {
  const attributes: Attributes = {};
  for (const source of sources) {
    if (typeof source !== 'object' || source === null) continue;
    const { branchId, serviceId } = source as { branchId?: unknown; serviceId?: unknown };
    if (typeof branchId === 'string' && ID.test(branchId)) attributes[ATTR.branch] ??= branchId;
    if (typeof serviceId === 'string' && ID.test(serviceId)) attributes[ATTR.service] ??= serviceId;
  }
  return attributes;
}

/** The booking router's commands, counted as bookings by command and outcome. */
const BOOKING_COMMAND = /^booking\.(?!get$)(\w+)$/;

export function observeProcedure<R extends CallResult>(call: ProcedureCall, next: () => Promise<R>): Promise<R> {
  const attributes = { [ATTR.procedure]: call.path, [ATTR.procedureType]: call.type };
  return tracer.startActiveSpan(call.path, { attributes }, async (span) => {
    const started = performance.now();
    const noted = noteCall(call.path);
    const store = { count: 0 };
    let outcome = 'INTERNAL';
    try {
      const result = await retries.run(store, next);
      outcome = outcomeOf(result.error);
      const input = await call.getRawInput().catch(() => undefined);
      span.setAttributes({ ...idsOf(input, result.ok && call.type !== 'subscription' ? result.data : undefined), [ATTR.outcome]: outcome, [ATTR.retries]: store.count });
      return result;
    } finally {
      // A desk's refusal (SLOT_TAKEN, STALE…) is an answer; only the server's own failures mark the span failed.
      if (outcome === 'INTERNAL' || outcome === 'UNAVAILABLE') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
      span.end();
      procedureDuration.observe({ procedure: call.path, outcome }, (performance.now() - started) / 1000);
      const command = BOOKING_COMMAND.exec(call.path)?.[1];
      if (command && call.type === 'mutation') bookingCommands.inc({ command, outcome });
      noted(outcome);
    }
  });
}

/** Adds who is calling to the procedure's span, once the procedure builder knows. */
export function noteTenant(tenantId: string): void {
  trace.getActiveSpan()?.setAttribute(ATTR.tenant, tenantId);
}
