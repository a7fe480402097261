import { register } from 'node:module';
import { readEnv } from '../env.js';

// Preloaded with `node --import` ahead of the server (main.ts), so the
// instrumentations hook http and pg before anything imports them. With no
// OTEL_EXPORTER_OTLP_ENDPOINT it does nothing at all: no loader hook, no SDK.

function endpointSet(): { serviceName: string } | null {
  try {
    const env = readEnv();
    return env.OTEL_EXPORTER_OTLP_ENDPOINT ? { serviceName: env.OTEL_SERVICE_NAME } : null;
  } catch {
    // main.ts reports an invalid environment in plain words.
    return null;
  }
}

const tracing = endpointSet();
if (tracing) {
  // ES modules are only seen through a loader hook; CommonJS ones (pg) through require, which the SDK hooks itself.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const { startTracing } = await import('./sdk.js');
  startTracing({ serviceName: tracing.serviceName });
}
