/**
 * A failure of the embedded Postgres explained in plain words (a taken port, a
 * folder the postgres user cannot reach): print the message, not a stack.
 */
export class EmbeddedPostgresError extends Error {
  override readonly name = 'EmbeddedPostgresError';
}
