import type { Db } from '../db/tx.js';
import type { Logger } from '../logger.js';
import { archiveEvents } from './log.repository.js';

// Event-log retention: events older than the configured age move to
// event_archive (the migration 20261123070000_event_retention says why a move
// and not partitions). The audit views read both tables; the live feed and
// catch-up read the log only, and a desk whose place was archived gets `reset`.
// Every server process runs the job; the database function lets one move at a
// time and the others skip the round.

const DAY_MS = 24 * 60 * 60 * 1000;

export interface RetentionOptions {
  /** Events older than this many days are archived. */
  days: number;
  /** Time between rounds. */
  everyMs?: number;
  /** Time before the first round, so a restarted process does not wait a whole interval. */
  firstAfterMs?: number;
  /** Rows per transaction. */
  batch?: number;
  now?: () => Date;
}

export interface Retention {
  stop(): Promise<void>;
}

/** Archives every event created before `before`, batch by batch; returns how many this call moved. */
export async function archiveBefore(db: Db, before: Date, batch = 1000): Promise<number> {
  let total = 0;
  for (;;) {
    const moved = await archiveEvents(db, before, batch);
    total += moved;
    if (moved < batch) return total;
  }
}

/** Starts the retention job of this process. */
export function startEventRetention(db: Db, logger: Logger, options: RetentionOptions): Retention {
  const { days, everyMs = 60 * 60 * 1000, firstAfterMs = 60 * 1000, batch = 1000, now = () => new Date() } = options;
  let stopped = false;
  let round: Promise<void> = Promise.resolve();
  const run = async () => {
    try {
      const moved = await archiveBefore(db, new Date(now().getTime() - days * DAY_MS), batch);
      if (moved > 0) logger.info({ moved, days }, 'archived old events');
    } catch (err) {
      logger.warn({ err }, 'event archiving failed; retrying next round');
    }
  };
  let timer = setTimeout(function tick() {
    round = run().finally(() => {
      if (stopped) return;
      timer = setTimeout(tick, everyMs);
      timer.unref();
    });
  }, firstAfterMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await round;
    },
  };
}
