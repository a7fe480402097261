/** A fresh key for one command: a retry of that command sends the same key and gets the first result. */
export function newIdempotencyKey(prefix: string): string {
  return `${prefix}-${crypto.randomUUID()}`;
}
