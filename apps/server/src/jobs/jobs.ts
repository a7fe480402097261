import PgBoss from 'pg-boss';
import type { Logger } from '../logger.js';
import { JOB_SCHEMA, MESSAGES_QUEUE, type MessageJob } from './queue.js';

// The job queue's workers in this server process. Every process runs them;
// pg-boss hands each job to one worker (SKIP LOCKED), and the message row's
// claim makes a message go once even when a job is handed out twice (a
// process that died mid-job, its job expired and given to another).

export interface JobsOptions {
  /** The runtime role's connection: it reads and writes jobs, never creates tables (the migration made them). */
  connectionString: string;
  logger: Logger;
  /** Jobs fetched at once by each worker (handled concurrently). */
  batchSize?: number;
  workers?: number;
  /** Messages of a batch handled at once by a worker (each takes a database connection, twice). */
  concurrency?: number;
  pollingIntervalSeconds?: number;
  /** Maintenance (expiring stuck jobs, deleting old ones); one process doing it is enough, all doing it is harmless. */
  supervise?: boolean;
}

export type MessageHandler = (job: MessageJob, lastTry: boolean) => Promise<'retry' | string>;

export interface Jobs {
  stop(): Promise<void>;
}

export async function startJobs(options: JobsOptions, handle: MessageHandler): Promise<Jobs> {
  const boss = new PgBoss({
    connectionString: options.connectionString,
    schema: JOB_SCHEMA,
    migrate: false,
    schedule: false,
    supervise: options.supervise ?? true,
    max: 4,
    application_name: 'frontdesk-jobs',
  });
  boss.on('error', (err: unknown) => options.logger.error({ err }, 'job queue error'));
  await boss.start();
  for (let i = 0; i < (options.workers ?? 2); i++) {
    await boss.work<MessageJob>(
      MESSAGES_QUEUE,
      { batchSize: options.batchSize ?? 20, includeMetadata: true, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 1 },
      async (jobs) => {
        // One failing message must not fail the batch: it alone is failed (and retried with back-off).
        const one = async (job: (typeof jobs)[number]) => {
          const lastTry = job.retryCount >= job.retryLimit;
          try {
            if ((await handle(job.data, lastTry)) === 'retry') await boss.fail(MESSAGES_QUEUE, job.id, { message: 'transient failure, tried again later' });
          } catch (err) {
            options.logger.error({ err, jobId: job.id }, 'a message job failed');
            await boss.fail(MESSAGES_QUEUE, job.id, { message: err instanceof Error ? err.message : String(err) }).catch(() => undefined);
          }
        };
        const limit = options.concurrency ?? 4;
        for (let i = 0; i < jobs.length; i += limit) await Promise.all(jobs.slice(i, i + limit).map(one));
      },
    );
  }
  return {
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
  };
}
