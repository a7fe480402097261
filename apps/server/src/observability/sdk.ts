import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { PrismaInstrumentation } from '@prisma/instrumentation';
import { isOpsPath } from '../http/ops.js';
import { onStopTracing, tracingStarted } from './tracing.js';

// The OpenTelemetry SDK: loaded only when tracing is on (instrument.ts, or a
// test), so a server without an OTLP endpoint never pays for it.

export interface TracingOptions {
  /** Where spans go; without it, the OTLP exporter the OTEL_EXPORTER_OTLP_* variables describe. */
  spanProcessors?: SpanProcessor[];
  serviceName: string;
}

/**
 * SQL is traced once, by the pg instrumentation: Prisma 7 runs every query
 * through adapter-pg's pool, and pg also sees the queries Prisma never makes
 * (the log reader's LISTEN connection, migrations). Prisma's instrumentation
 * keeps the spans only it can make (the model operation, the interactive
 * transaction with its BEGIN and COMMIT) and drops its own copy of each query.
 */
const PRISMA_DUPLICATES = ['prisma:client:db_query', 'prisma:client:serialize', 'prisma:client:compile'];

/** Query parameters that carry a request's input (patients' names and phones) or a token: never in a span. */
const SECRET_QUERY_PARAMS = ['input', 'connectionParams', 'lastEventId'];

export function startTracing(options: TracingOptions): void {
  if (tracingStarted()) return;
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    ...(options.spanProcessors ? { spanProcessors: options.spanProcessors } : {}),
    // Traces only: metrics are prom-client's at /metrics, logs pino's on stdout.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => isOpsPath(req.url),
        disableOutgoingRequestInstrumentation: true,
        redactedQueryParamsServer: SECRET_QUERY_PARAMS,
      }),
      // Only inside a traced request: the log reader's polling would otherwise start a trace a second.
      new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
      new PrismaInstrumentation({ ignoreSpanTypes: PRISMA_DUPLICATES }),
    ],
  });
  sdk.start();
  onStopTracing(() => sdk.shutdown());
}
