import type { Logger } from '../logger.js';
import type { HoldExpiry } from './hold-expiry.js';

export interface HoldSweeper {
  stop(): Promise<void>;
}

/**
 * Expires holds past their deadline every `intervalMs`, with events, so every
 * desk sees the time free again. Booking never waits for it: a command that
 * meets a lapsed hold expires it itself. Several processes may sweep at once;
 * SKIP LOCKED keeps them out of each other's way.
 */
export function startHoldSweeper(holds: HoldExpiry, logger: Logger, intervalMs: number): HoldSweeper {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const tick = async () => {
    try {
      // Drain in batches so a backlog after downtime clears in one tick.
      while (!stopped && (await holds.expireDue(500)) === 500);
    } catch (err) {
      logger.warn({ err }, 'hold sweep failed; retrying next tick');
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().finally(schedule);
    }, intervalMs);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
