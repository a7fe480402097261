import { pino, type DestinationStream, type Logger } from 'pino';

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
];

/** `destination` defaults to stdout; tests pass a stream to read what was written. */
export function createLogger(level: string = 'info', destination?: DestinationStream): Logger {
  const options = { level, base: { app: 'frontdesk' }, redact: { paths: SECRETS, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}
