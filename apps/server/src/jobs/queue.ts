import PgBoss from 'pg-boss';
import type { Tx } from '../db/tx.js';

// The durable job queue: pg-boss 10 in the schema its migration made
// (20261123132000_messages). Jobs are written by the transaction that makes
// them necessary, through `inTx`, so a rolled-back booking leaves no job and a
// committed one always has its own.

export const JOB_SCHEMA = 'pgboss';
/** Messages to patients: a job names a tenant and a message, nothing more. */
export const MESSAGES_QUEUE = 'messages';

export interface MessageJob {
  tenantId: string;
  messageId: string;
}

export interface NewJob<T extends object> {
  /** The job's id (a message's job takes the message's id). */
  id: string;
  data: T;
  /** Not before this instant. */
  startAfter: Date;
}

/** pg-boss's `db` option on a Prisma transaction: its SQL runs in the caller's transaction. */
export function inTx(tx: Tx): PgBoss.Db {
  return {
    async executeSql(text: string, values: unknown[] = []) {
      const rows = await tx.$queryRawUnsafe<unknown[]>(text, ...values.map((v) => (v === undefined ? null : v)));
      return { rows } as never;
    },
  };
}

// Only writes jobs through a caller's transaction; never connects on its own.
const producer = new PgBoss({ schema: JOB_SCHEMA, db: { executeSql: () => Promise.reject(new Error('the job producer writes through a transaction only')) } });

/** Inserts jobs in the caller's transaction (one statement however many). */
export async function insertJobs<T extends object>(tx: Tx, queue: string, jobs: readonly NewJob<T>[]): Promise<void> {
  if (jobs.length === 0) return;
  await producer.insert(
    jobs.map((j) => ({ id: j.id, name: queue, data: j.data, startAfter: j.startAfter })),
    { db: inTx(tx) },
  );
}
