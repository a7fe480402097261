import { DomainError } from '@frontdesk/shared';

/**
 * Open live streams per session in this process. A desk window needs one (a
 * browser allows about six connections per origin); a session holding dozens
 * is a flood, each stream costing a listener and a buffer.
 */
export class StreamLimit {
  private readonly open = new Map<string, number>();

  constructor(private readonly perSession = 6) {}

  /** Takes a place for one of the session's streams, or refuses; the function returned gives it back (once). */
  acquire(sessionId: string): () => void {
    const count = this.open.get(sessionId) ?? 0;
    if (count >= this.perSession) {
      throw new DomainError('TOO_MANY_ATTEMPTS', `Too many live windows are open for this sign-in (${this.perSession}). Close one and try again.`, {
        retryAfterSeconds: 5,
      });
    }
    this.open.set(sessionId, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(sessionId) ?? 1) - 1;
      if (left > 0) this.open.set(sessionId, left);
      else this.open.delete(sessionId);
    };
  }
}
