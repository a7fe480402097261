import { LRUCache } from 'lru-cache';

/** Per client: a burst, refilled at a steady rate. */
export interface RateLimit {
  burst: number;
  perSecond: number;
}

export const DEFAULT_RATE: RateLimit = { burst: 120, perSecond: 20 };

/**
 * A token bucket per API client, in this process: a system that sends faster
 * than its rate is told to wait (429 with Retry-After), so one integration in
 * a loop cannot crowd out the desks. Buckets of idle clients are forgotten.
 */
export class RateLimiter {
  private readonly buckets = new LRUCache<string, { tokens: number; at: number }>({ max: 10_000, ttl: 10 * 60_000 });

  constructor(
    private readonly rate: RateLimit = DEFAULT_RATE,
    private readonly clock: () => number = () => Date.now(),
  ) {}

  /** Takes one token: 0 when allowed, else the seconds until the next one. */
  take(key: string): number {
    const now = this.clock();
    const b = this.buckets.get(key) ?? { tokens: this.rate.burst, at: now };
    const tokens = Math.min(this.rate.burst, b.tokens + ((now - b.at) / 1000) * this.rate.perSecond);
    if (tokens < 1) {
      this.buckets.set(key, { tokens, at: now });
      return Math.max(1, Math.ceil((1 - tokens) / this.rate.perSecond));
    }
    this.buckets.set(key, { tokens: tokens - 1, at: now });
    return 0;
  }
}
