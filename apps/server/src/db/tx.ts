import { setTimeout as sleep } from 'node:timers/promises';
import type { Prisma, PrismaClient } from './prisma.js';
import { isTransient } from './errors.js';

export type Tx = Prisma.TransactionClient;
export type Db = PrismaClient;

export interface TxOptions {
  /** The tenant the transaction acts for (row-level security reads it); null for system work such as the hold sweeper. */
  tenantId: string | null;
  attempts?: number;
  /** Base back-off; each retry waits a random time up to base * 2^attempt. */
  baseDelayMs?: number;
}

/**
 * Runs `work` in one READ COMMITTED transaction scoped to a tenant, retrying
 * the whole transaction on deadlock or serialization failure with jittered
 * back-off, so a desk never sees those.
 */
export async function inTransaction<T>(db: Db, options: TxOptions, work: (tx: Tx) => Promise<T>): Promise<T> {
  const attempts = options.attempts ?? 8;
  const base = options.baseDelayMs ?? 2;
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.$transaction(
        async (tx) => {
          if (options.tenantId) await tx.$executeRaw`SELECT set_config('app.tenant_id', ${options.tenantId}, true)`;
          return work(tx);
        },
        // Postgres's default isolation, READ COMMITTED, is what the constraints need.
        { maxWait: 10_000, timeout: 15_000 },
      );
    } catch (error) {
      if (!isTransient(error) || attempt + 1 >= attempts) throw error;
      await sleep(Math.random() * base * 2 ** attempt);
    }
  }
}
