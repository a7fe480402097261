import { setTimeout as sleep } from 'node:timers/promises';
import type { Prisma, PrismaClient } from './prisma.js';
import { isTransient } from './errors.js';

export type Tx = Prisma.TransactionClient;
export type Db = PrismaClient;

export interface RetryOptions {
  attempts?: number;
  /** Base back-off; each retry waits a random time up to base * 2^attempt. */
  baseDelayMs?: number;
}

/**
 * Runs `work` in one READ COMMITTED transaction, retrying the whole
 * transaction on deadlock or serialization failure with jittered back-off.
 */
export async function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 8;
  const base = options.baseDelayMs ?? 2;
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.$transaction(work, { isolationLevel: 'ReadCommitted', maxWait: 10_000, timeout: 15_000 });
    } catch (error) {
      if (!isTransient(error) || attempt + 1 >= attempts) throw error;
      await sleep(Math.random() * base * 2 ** attempt);
    }
  }
}
