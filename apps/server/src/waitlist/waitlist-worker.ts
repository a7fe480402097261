import type { Logger } from '../logger.js';
import type { LogReader } from '../sync/log-reader.js';
import type { WaitlistMatcher } from './matcher.js';

/** Event types after which the waitlist has freed time to match (the migration's trigger lists the same). */
const FREEING = new Set([
  'appointment.cancelled',
  'appointment.released',
  'appointment.expired',
  'appointment.no_show',
  'appointment.moved',
  'time_off.removed',
  'hours.changed',
  'hours.exception_changed',
]);

export interface WaitlistWorker {
  stop(): Promise<void>;
}

/**
 * Runs the matcher as soon as this process's log reader sees time freed (so
 * offers reach the desks at once), and every `intervalMs` besides, for
 * expiries and for freed time another process's run left behind. Runs never
 * overlap in one process; across processes SKIP LOCKED keeps them apart.
 */
export function startWaitlistWorker(matcher: WaitlistMatcher, reader: LogReader, logger: Logger, intervalMs: number): WaitlistWorker {
  let stopped = false;
  let wanted = false;
  let running: Promise<void> | null = null;
  const run = () => {
    if (stopped) return;
    wanted = true;
    if (running) return;
    running = (async () => {
      while (wanted && !stopped) {
        wanted = false;
        try {
          await matcher.runOnce();
        } catch (err) {
          logger.warn({ err }, 'waitlist matching failed; retrying next tick');
        }
      }
    })().finally(() => {
      running = null;
    });
  };
  const timer = setInterval(run, intervalMs);
  timer.unref();
  let unsubscribe = () => {};
  void reader
    .subscribe({
      onEntries: (entries) => {
        if (entries.some((e) => FREEING.has(e.event.type))) run();
      },
      onClose: () => undefined,
    })
    .then((s) => {
      if (stopped) s.unsubscribe();
      else unsubscribe = s.unsubscribe;
    })
    .catch((err: unknown) => logger.warn({ err }, 'waitlist worker could not follow the event log; matching on its timer'));
  run();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      unsubscribe();
      await running;
    },
  };
}
