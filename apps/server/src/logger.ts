import { pino, type DestinationStream, type Logger } from 'pino';
import { requestId } from './observability/requests.js';
import { activeTraceId } from './observability/tracing.js';

export type { Logger };

/** Where a secret could sit in a logged object: never written out. */
const SECRETS = [
  'authorization',
  'token',
  'password',
  'connectionParams',
  '*.authorization',
  '*.token',
  '*.password',
  '*.connectionParams',
  'headers.authorization',
  '*.headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  // A database error's detail quotes the row it refused ("Key (phone)=(…)").
  '*.detail',
  '*.cause.detail',
];

/** Every line written while a request runs says which request, and which trace. */
function requestFields(): Record<string, string> {
  const id = requestId();
  const traceId = activeTraceId();
  return { ...(id ? { requestId: id } : {}), ...(traceId ? { traceId } : {}) };
}

/** `destination` defaults to stdout; tests pass a stream to read what was written. */
export function createLogger(level: string = 'info', destination?: DestinationStream): Logger {
  const options = { level, base: { app: 'frontdesk' }, redact: { paths: SECRETS, censor: '[redacted]' }, mixin: requestFields };
  return destination ? pino(options, destination) : pino(options);
}
