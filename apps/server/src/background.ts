import type { Deps } from './deps.js';

export interface Background {
  stop(): Promise<void>;
}

export interface BackgroundOptions {
  sweepMs: number;
}

/** Jobs that run beside the API in every server process. */
export function startBackground(_deps: Deps, _options: BackgroundOptions): Background {
  const jobs: Background[] = [];
  return {
    async stop() {
      await Promise.all(jobs.map((j) => j.stop()));
    },
  };
}
