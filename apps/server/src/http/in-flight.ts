import type http from 'node:http';

// Requests being answered, so a shutdown can let them finish (for a while)
// instead of cutting them off. Node's server.close() stops accepting but keeps
// a keep-alive connection open until it idles out; every answer sent while
// draining says `connection: close`, so clients move to another server.

export class InFlight {
  private readonly open = new Set<http.ServerResponse>();
  private readonly waiting: (() => void)[] = [];
  private draining = false;

  track(res: http.ServerResponse): void {
    if (this.draining) res.setHeader('connection', 'close');
    this.open.add(res);
    res.once('close', () => {
      this.open.delete(res);
      if (this.open.size === 0) for (const done of this.waiting.splice(0)) done();
    });
  }

  get size(): number {
    return this.open.size;
  }

  /** From now on connections are not reused; resolves when nothing is in flight, or after `ms`. */
  drain(ms: number): Promise<void> {
    this.draining = true;
    for (const res of this.open) if (!res.headersSent) res.setHeader('connection', 'close');
    if (this.open.size === 0 || ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiting.push(done);
    });
  }
}
