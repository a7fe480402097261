import { startHoldSweeper } from './booking/hold-sweeper.js';
import { startSessionGenerator } from './sessions/session-generator.js';
import type { Deps } from './deps.js';
import { startMessageJobs } from './jobs/message-jobs.js';
import { startEventRetention } from './sync/retention.js';
import { startWaitlistWorker } from './waitlist/waitlist-worker.js';

export interface Background {
  stop(): Promise<void>;
}

export interface BackgroundOptions {
  sweepMs: number;
  /** Archive events older than this many days; undefined keeps them all in the log. */
  eventRetentionDays?: number | undefined;
}

/** Jobs that run beside the API in every server process. */
export function startBackground(deps: Deps, options: BackgroundOptions): Background {
  const jobs: Background[] = [startHoldSweeper(deps.holdExpiry, deps.logger, options.sweepMs)];
  // Walk-in sessions of every tenant made ahead, at start and daily.
  jobs.push(startSessionGenerator(deps.sessionTemplates, deps.logger));
  if (options.eventRetentionDays !== undefined) jobs.push(startEventRetention(deps.db, deps.logger, { days: options.eventRetentionDays }));
  // Messages to patients: the job queue's workers (pg-boss), in every process.
  jobs.push(startMessageJobs(deps));
  // Reads the event log for this process's live subscriptions; stopping it ends them so desks reconnect.
  void deps.logReader.start().catch((err: unknown) => deps.logger.error({ err }, 'event log reader failed to start'));
  jobs.push({ stop: () => deps.logReader.stop() });
  // Freed time offered to the waitlist at once (on the log's wake-up), expiries on the sweep's beat.
  jobs.push(startWaitlistWorker(deps.waitlistMatcher, deps.logReader, deps.logger, options.sweepMs));
  return {
    async stop() {
      await Promise.all(jobs.map((j) => j.stop()));
    },
  };
}
