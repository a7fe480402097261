import type { Logger } from '../logger.js';
import type { SessionTemplatesService } from './sessions.service.js';

export interface SessionGenerator {
  stop(): Promise<void>;
}

export const SESSION_GENERATION_INTERVAL_MS = 24 * 3_600_000;

/**
 * Makes every tenant's walk-in sessions ahead: once at start, then every
 * `intervalMs` (daily), so the horizon moves with the calendar. Several
 * processes may run it at once; the (template, start) index makes each
 * session once, and a failed run is simply tried again next time.
 */
export function startSessionGenerator(sessions: SessionTemplatesService, logger: Logger, intervalMs = SESSION_GENERATION_INTERVAL_MS): SessionGenerator {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const tick = async () => {
    try {
      const made = await sessions.generateAll();
      if (made > 0) logger.info({ sessions: made }, 'walk-in sessions generated ahead');
    } catch (err) {
      logger.warn({ err }, 'walk-in session generation failed; retrying next time');
    }
  };
  const schedule = (delayMs: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().finally(() => schedule(intervalMs));
    }, delayMs);
    timer.unref();
  };
  schedule(0);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
