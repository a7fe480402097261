import type { Deps } from '../deps.js';
import { startJobs, type JobsOptions } from './jobs.js';

/** The message workers of this process, started beside the API; stopping waits for the sends under way. */
export function startMessageJobs(deps: Pick<Deps, 'urls' | 'logger' | 'messageDispatcher'>, options: Partial<Omit<JobsOptions, 'logger'>> = {}): { stop(): Promise<void> } {
  const started = startJobs({ connectionString: deps.urls.app, logger: deps.logger, ...options }, (job, lastTry) => deps.messageDispatcher.dispatch(job.tenantId, job.messageId, lastTry));
  started.catch((err: unknown) => deps.logger.error({ err }, 'the message workers did not start'));
  return {
    async stop() {
      const jobs = await started.catch(() => null);
      await jobs?.stop();
    },
  };
}
