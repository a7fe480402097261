import path from 'node:path';
import { inspect } from 'node:util';
import { createServer } from './app.js';
import { EmbeddedPostgresError, startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded.js';
import { migrate } from './db/migrate.js';
import { createPrisma } from './db/prisma.js';
import { databaseUrls, ensureRuntimeRoles } from './db/roles.js';
import { createDeps } from './deps.js';
import { readEnv } from './env.js';
import { createLogger } from './logger.js';
import { stopTracing, tracingStarted } from './observability/tracing.js';
import { startBackground } from './background.js';
import { PROJECT_ROOT } from './paths.js';
import { ProductionRefusal, refuseDemoPasswords, refuseUnsafeConfiguration } from './production/checks.js';
import { DEMO_PASSWORD, isEmpty, seedDemo } from './seed/demo.js';

// Listens and shuts down gracefully; everything else is in app.ts.
async function main(): Promise<void> {
  const env = readEnv();
  const production = env.FRONTDESK_ENV === 'production';
  if (production) refuseUnsafeConfiguration(env);
  const logger = createLogger(env.LOG_LEVEL);
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT && !tracingStarted()) {
    // Procedure, booking and Prisma spans still work; http and pg were loaded before anything could hook them.
    logger.warn('tracing starts late: run the server with --import of observability/instrument to trace HTTP and SQL too');
    await import('./observability/instrument.js');
  }
  // A promise nobody awaited failed: one piece of work is lost, the server is not.
  process.on('unhandledRejection', (reason: unknown) => logger.error({ err: reason }, 'unhandled promise rejection'));
  // Keep serving: every booking is one Postgres transaction (committed or rolled back), so a stray
  // throw cannot leave half a booking, while exiting would drop every desk and the embedded Postgres.
  process.on('uncaughtException', (err: Error) => logger.fatal({ err }, 'uncaught exception; the server keeps running'));
  let embedded: EmbeddedDatabase | null = null;
  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    const dataDir = env.FRONTDESK_DATA_DIR ?? path.join(PROJECT_ROOT, '.data', 'postgres');
    const onNotice = (message: string): void => logger.warn(message);
    embedded = await startEmbeddedPostgres({ dataDir, port: env.FRONTDESK_PG_PORT, database: 'frontdesk', onNotice });
    logger.info({ dataDir: embedded.dataDir, port: env.FRONTDESK_PG_PORT }, `embedded PostgreSQL is running; its data is in ${embedded.dataDir}`);
    databaseUrl = embedded.url();
  }
  const { applied } = await migrate(databaseUrl);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  const urls = databaseUrls(databaseUrl, { app: env.FRONTDESK_APP_DATABASE_URL, sync: env.FRONTDESK_SYNC_DATABASE_URL });
  if (production) await refuseDemoPasswords(urls.owner);
  await ensureRuntimeRoles(urls);

  let demo = false;
  if (env.FRONTDESK_SEED === 'demo') {
    // Seeding spans a whole new tenant: the owner does it, never the runtime role.
    const owner = createPrisma({ url: urls.owner, poolSize: 2 });
    try {
      if (await isEmpty(owner)) {
        // The demo opens on a day under way (tests seed the clinic without it).
        await seedDemo(owner, { day: true });
        demo = true;
        logger.info('seeded the demo clinic');
      }
    } finally {
      await owner.$disconnect();
    }
  }
  const deps = createDeps({ urls, logger, poolSize: env.FRONTDESK_DB_POOL, prepareStatements: (env.FRONTDESK_DB_PREPARE ?? (embedded ? 'on' : 'off')) === 'on', sessionDaysAhead: env.FRONTDESK_SESSION_DAYS_AHEAD,
    messaging: { smtpUrl: env.FRONTDESK_SMTP_URL, from: env.FRONTDESK_MAIL_FROM, publicUrl: env.FRONTDESK_PUBLIC_URL ?? `http://${env.FRONTDESK_HOST}:${env.FRONTDESK_PORT}` },
  });
  // No organisation yet (FRONTDESK_SEED=none on an empty database): the desk offers the first run.
  const setupCode = await deps.firstRun.setupCodeIfNeeded();
  const background = startBackground(deps, { sweepMs: env.FRONTDESK_HOLD_SWEEP_MS, eventRetentionDays: env.FRONTDESK_EVENT_RETENTION_DAYS });
  const rendererDir = env.FRONTDESK_RENDERER_DIR ?? path.join(PROJECT_ROOT, 'apps', 'desktop', 'out', 'renderer');
  const app = createServer({ deps, rendererDir, limits: { maxBodyBytes: env.FRONTDESK_MAX_BODY_BYTES }, metricsToken: env.FRONTDESK_METRICS_TOKEN, trustProxy: env.FRONTDESK_TRUST_PROXY, onStop: () => background.stop() });
  const running = await app.start(env.FRONTDESK_PORT, env.FRONTDESK_HOST);

  console.log(`\nFrontdesk server listening on ${running.url}`);
  if (demo || env.FRONTDESK_SEED === 'demo') {
    console.log(`Demo logins (password "${DEMO_PASSWORD}"): reception@, reception.west@, callcentre@, manager@, admin@ demo.frontdesk.test`);
  }
  if (setupCode) {
    console.log(`No clinic yet: open ${running.url} on this machine to set one up.`);
    console.log(`From another machine, the first-run screen asks for this one-time setup code: ${setupCode}`);
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Not ready first (a load balancer stops sending desks), then no new connections, streams end as retryable, requests finish.
    await running.stop({ delayMs: env.FRONTDESK_SHUTDOWN_DELAY_MS, drainMs: env.FRONTDESK_DRAIN_MS }).catch((err: unknown) => logger.error({ err }, 'server stop failed'));
    await deps.db.$disconnect().catch(() => undefined);
    await stopTracing().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  // Plain-words failures need no stack; a thrown non-Error still says what it was.
  if (error instanceof EmbeddedPostgresError || error instanceof ProductionRefusal) console.error(`Frontdesk could not start: ${error.message}`);
  else if (error instanceof Error) console.error('Frontdesk could not start:', error);
  else console.error(`Frontdesk could not start: something other than an error was thrown (${inspect(error)}).`);
  process.exit(1);
});
