import { z } from 'zod';
import { clientAddress } from './http/client-address.js';

// The one place the server reads its environment.
const schema = z.object({
  DATABASE_URL: z.string().url().optional(),
  // Runtime roles' own logins; without them the server derives both from DATABASE_URL (db/roles.ts).
  FRONTDESK_APP_DATABASE_URL: z.string().url().optional(),
  FRONTDESK_SYNC_DATABASE_URL: z.string().url().optional(),
  FRONTDESK_HOST: z.string().default('127.0.0.1'),
  FRONTDESK_PORT: z.coerce.number().int().min(0).max(65535).default(4400),
  FRONTDESK_DATA_DIR: z.string().optional(),
  FRONTDESK_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  FRONTDESK_SEED: z.enum(['demo', 'none']).default('demo'),
  /** `production` refuses the demo seed and every default password (production/checks.ts). */
  FRONTDESK_ENV: z.enum(['development', 'production']).default('development'),
  FRONTDESK_RENDERER_DIR: z.string().optional(),
  FRONTDESK_DB_POOL: z.coerce.number().int().min(1).max(500).default(20),
  /**
   * `on`: the booking's statements are prepared once per connection (direct to Postgres, or PgBouncer ≥ 1.21
   * with max_prepared_statements). Unset: on with the embedded Postgres (always direct), off with a DATABASE_URL.
   */
  FRONTDESK_DB_PREPARE: z.enum(['on', 'off']).optional(),
  /** Largest request body the server reads; larger ones get 413 (default 1 MiB). */
  FRONTDESK_MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
  FRONTDESK_HOLD_SWEEP_MS: z.coerce.number().int().min(50).default(1000),
  /** How many days ahead walk-in sessions are made from their templates (a daily job keeps the horizon). */
  FRONTDESK_SESSION_DAYS_AHEAD: z.coerce.number().int().min(1).max(366).default(28),
  /** Proxies whose X-Forwarded-For names the client: comma-separated addresses, CIDR ranges, or loopback, linklocal, uniquelocal. */
  FRONTDESK_TRUST_PROXY: z
    .string()
    .default('')
    .transform((list) => list.split(',').map((entry) => entry.trim()).filter(Boolean))
    .superRefine((entries, ctx) => {
      try {
        clientAddress(entries);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    }),
  /** Events older than this many days move to the audit archive (sync/retention.ts); unset keeps every event in the log. */
  FRONTDESK_EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).optional(),
  /** Bearer token for /metrics; without one, /metrics answers this machine (loopback) only. */
  FRONTDESK_METRICS_TOKEN: z.string().min(16).optional(),
  /** On SIGTERM, how long /readyz answers 503 before the server stops accepting (a load balancer's check interval or two). */
  FRONTDESK_SHUTDOWN_DELAY_MS: z.coerce.number().int().min(0).max(120_000).default(0),
  /** On SIGTERM, how long requests in flight may still finish before their connections are closed. */
  FRONTDESK_DRAIN_MS: z.coerce.number().int().min(0).max(300_000).default(10_000),
  /** Email to patients goes through this SMTP server (smtp://user:password@host:587, smtps://…); unset, it stays in the log's outbox. */
  FRONTDESK_SMTP_URL: z.string().url().optional(),
  /** The From of email to patients. */
  FRONTDESK_MAIL_FROM: z.string().min(3).optional(),
  /** The address patients open their links at (https://clinic.example); the server's own address by default. */
  FRONTDESK_PUBLIC_URL: z.string().url().optional(),
  /** Traces go over OTLP to this collector; unset, tracing is off (the SDK is not even loaded). */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('frontdesk-server'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.string().default('development'),
});

export type Env = z.infer<typeof schema>;

/** Every variable the server reads, for checking deployment files against. */
export const ENV_NAMES: readonly string[] = Object.keys(schema.shape);

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
