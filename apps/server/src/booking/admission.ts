/**
 * Booking transactions in flight in this process, at most `limit`; the rest
 * wait their turn here, in arrival order, holding no connection. A flash
 * crowd then queues in memory instead of on the pool, where a wait past the
 * pool's or the transaction's limit would answer UNAVAILABLE.
 */
export class Admission {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {}

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active < this.limit) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      // The turn passes straight to the next in line (the count stays), else it is given back.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
