import { setTimeout as sleep } from 'node:timers/promises';
import { Prisma, type PrismaClient } from './prisma.js';
import { isTransient } from './errors.js';
import { APP_ROLE } from './tenant-db.js';

export type Tx = Prisma.TransactionClient;
export type Db = PrismaClient;

export interface TxOptions {
  /**
   * The tenant the transaction acts for: it runs as the unprivileged app role
   * with app.tenant_id set, so row-level security applies. Null for system
   * work (the hold sweeper), which sees every tenant.
   */
  tenantId: string | null;
  /** Advisory-lock keys taken, in this order, before `work` runs. */
  locks?: readonly bigint[];
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
          await prelude(tx, options);
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

/** Tenant scope and locks in one statement: one round trip however many. */
async function prelude(tx: Tx, options: TxOptions): Promise<void> {
  const calls: Prisma.Sql[] = [];
  if (options.tenantId) {
    // The same scope as enterTenant (tenant-db.ts), sent with the locks.
    calls.push(Prisma.sql`set_config('app.tenant_id', ${options.tenantId}, true)`, Prisma.sql`set_config('role', ${APP_ROLE}, true)`);
  }
  for (const key of options.locks ?? []) calls.push(Prisma.sql`pg_advisory_xact_lock(${key}::bigint)`);
  // Select-list items run left to right, so locks are taken in the given order.
  if (calls.length) await tx.$executeRaw`SELECT ${Prisma.join(calls, ', ')}`;
}
