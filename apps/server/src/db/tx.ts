import { setTimeout as sleep } from 'node:timers/promises';
import type { Span } from '@opentelemetry/api';
import { advisoryLockWait } from '../observability/metrics.js';
import { noteRetry } from '../observability/procedures.js';
import { ATTR, traced } from '../observability/tracing.js';
import { commitWakerOf, eventsWrittenIn, noteCommitted } from './commit-wake.js';
import { Prisma, type PrismaClient } from './prisma.js';
import { isTransient, PG, sqlStateOf } from './errors.js';
import { isUnavailable } from './unavailable.js';
import { poolOf, runDirect } from './pg-tx.js';
import { holdsScopeTransaction, joinedTenant } from './request-scope.js';

export type Tx = Prisma.TransactionClient;
export type Db = PrismaClient;

export interface TxOptions {
  /**
   * The tenant the transaction acts for: row-level security shows the
   * runtime role this tenant's rows and nothing else. Null sees no tenant's
   * rows at all (only tables without tenants, such as login attempts).
   */
  tenantId: string | null;
  /** Advisory-lock keys taken, in this order, before `work` runs. */
  locks?: readonly bigint[];
  attempts?: number;
  /** Base back-off; each retry waits a random time up to base * 2^attempt. */
  baseDelayMs?: number;
  /** The whole transaction's time limit; 15 s unless the work is known to be long (an import). */
  timeoutMs?: number;
  /**
   * Run on a pg connection of the same pool, not in Prisma's interactive
   * transaction (db/pg-tx.ts): for hot paths whose work is raw SQL only.
   * BEGIN and the tenant's scope then take one round trip.
   */
  direct?: boolean;
}

/** How long a transaction keeps being tried again while the database is unreachable, before the desk hears UNAVAILABLE. */
const UNAVAILABLE_RETRY_MS = 3_000;

/**
 * Runs `work` in one READ COMMITTED transaction scoped to a tenant, retrying
 * the whole transaction on deadlock or serialization failure with jittered
 * back-off, so a desk never sees those; and, for a few seconds, on a lost or
 * refused connection, so a blip of the network or a restart of Postgres
 * passes unnoticed.
 */
export function inTransaction<T>(db: Db, options: TxOptions, work: (tx: Tx) => Promise<T>): Promise<T> {
  return traced('db.transaction', (span) => attemptAll(db, options, work, span));
}

async function attemptAll<T>(db: Db, options: TxOptions, work: (tx: Tx) => Promise<T>, span: Span): Promise<T> {
  const attempts = options.attempts ?? 8;
  const base = options.baseDelayMs ?? 2;
  const begun = Date.now();
  const waker = commitWakerOf(db);
  for (let attempt = 0, lost = 0; ; attempt++) {
    span.setAttribute(ATTR.attempt, attempt + 1);
    let committing = false;
    let ran: Tx | null = null;
    // Set when this process's log reader, not the event trigger, wakes the readers after this commit.
    let wakes = false;
    try {
      // The scope and locks first (`scope`: what is not set already), then the work; past it, COMMIT is on its way.
      const run = async (tx: Tx, scope: TxOptions, wakesReaders: boolean): Promise<T> => {
        ran = tx;
        await prelude(tx, scope, wakesReaders);
        const result = await work(tx);
        committing = true;
        return result;
      };
      // Not when the request already holds a transaction: the work joins that one (db/request-scope.ts).
      const pool = options.direct && !holdsScopeTransaction() ? poolOf(db) : undefined;
      const result = pool
        ? // BEGIN carries the tenant and the wake-up setting (directSettings); only the locks are left.
          await runDirect(pool, directSettings(options, (wakes = waker?.canWake ?? false)), options.timeoutMs ?? 15_000, (tx) => run(tx, { ...options, tenantId: null }, false))
        : await db.$transaction(
            (tx) => {
              wakes = waker?.canWake ?? false;
              // Joining the request's transaction for the same tenant: its scope is set already (one round trip less).
              return run(tx, options.tenantId && joinedTenant(db) === options.tenantId ? { ...options, tenantId: null } : options, wakes);
            },
            // Postgres's default isolation, READ COMMITTED, is what the constraints need.
            // maxWait: a free connection (the pool gives up sooner, see db/prisma.ts); timeout: the whole transaction.
            { maxWait: 6_000, timeout: options.timeoutMs ?? 15_000 },
          );
      const written = ran && eventsWrittenIn(ran);
      if (written) {
        noteCommitted(written);
        if (wakes) waker?.committed();
      }
      return result;
    } catch (error) {
      if (isTransient(error) && attempt + 1 < attempts) {
        const state = sqlStateOf(error);
        noteRetry(state === PG.DEADLOCK_DETECTED ? 'deadlock' : 'serialization', state);
        await sleep(Math.random() * base * 2 ** attempt);
        continue;
      }
      // Before COMMIT is sent a lost connection means Postgres rolled the transaction back, so running it again is
      // as safe as after a deadlock; once COMMIT is on the wire the outcome is unknown and only an idempotency key can tell.
      if (!committing && isUnavailable(error) && Date.now() - begun < UNAVAILABLE_RETRY_MS) {
        noteRetry('connection', sqlStateOf(error));
        await sleep(50 + Math.random() * Math.min(1_000, 100 * 2 ** lost++));
        continue;
      }
      throw error;
    }
  }
}

/** A direct transaction's settings, sent with its BEGIN; its locks (if any) follow in one statement. */
function directSettings(options: TxOptions, wakesReaders: boolean): Record<string, string> {
  const settings: Record<string, string> = {};
  if (wakesReaders) settings['app.wakes_readers'] = 'on';
  if (options.tenantId) settings['app.tenant_id'] = options.tenantId;
  return settings;
}

/** Tenant scope and locks in one statement: one round trip however many. */
async function prelude(tx: Tx, options: TxOptions, wakesReaders: boolean): Promise<void> {
  const calls: Prisma.Sql[] = [];
  if (options.tenantId) {
    calls.push(Prisma.sql`set_config('app.tenant_id', ${options.tenantId}, true)`);
  }
  const locks = options.locks ?? [];
  for (const key of locks) calls.push(Prisma.sql`pg_advisory_xact_lock(${key}::bigint)`);
  // Select-list items run left to right, so locks are taken in the given order.
  if (calls.length === 0) return;
  // Riding on a statement sent anyway; a transaction without one lets the trigger notify (perf migration).
  if (wakesReaders) calls.unshift(Prisma.sql`set_config('app.wakes_readers', 'on', true)`);
  await lockWait(tx, Prisma.sql`SELECT ${Prisma.join(calls, ', ')}`, locks.length);
}

/**
 * Takes advisory locks inside a running transaction, in the given order
 * (sorted keys, as `locks` takes them): for work that learns what to lock
 * from a read (a booking checks its slot first, so a desk refused by the
 * check never queues behind the others).
 */
export async function takeLocks(tx: Tx, locks: readonly bigint[]): Promise<void> {
  if (locks.length === 0) return;
  await lockWait(tx, Prisma.sql`SELECT ${Prisma.join(locks.map((key) => Prisma.sql`pg_advisory_xact_lock(${key}::bigint)`), ', ')}`, locks.length);
}

/**
 * Takes these advisory locks only if none is held by another transaction;
 * false when one is (any taken here go at the transaction's end). For work
 * that would rather give its connection back than wait holding it.
 */
export async function tryLocks(tx: Tx, locks: readonly bigint[]): Promise<boolean> {
  if (locks.length === 0) return true;
  // Traced and timed like a wait, so a booking's trace and the lock metric show the try as well.
  return traced(
    'db.lock_wait',
    async (span) => {
      const started = performance.now();
      const rows = await tx.$queryRaw<Record<string, boolean>[]>`SELECT ${Prisma.join(locks.map((key, i) => Prisma.sql`pg_try_advisory_xact_lock(${key}::bigint) AS ${Prisma.raw(`l${i}`)}`), ', ')}`;
      const taken = Object.values(rows[0] ?? {}).every(Boolean);
      noteLockTry(span, started, locks.length, taken);
      return taken;
    },
    { [ATTR.locks]: locks.length },
  );
}

/** A try at advisory locks, recorded as a wait is: the lock metric, and the span's count and verdict. */
export function noteLockTry(span: Span, startedMs: number, locks: number, taken: boolean): void {
  advisoryLockWait.observe((performance.now() - startedMs) / 1000);
  span.setAttributes({ [ATTR.locks]: locks, [ATTR.verdict]: taken ? 'taken' : 'held elsewhere' });
}

async function lockWait(tx: Tx, statement: Prisma.Sql, locks: number): Promise<void> {
  if (locks === 0) {
    await tx.$executeRaw`${statement}`;
    return;
  }
  await traced(
    'db.lock_wait',
    async () => {
      const started = performance.now();
      await tx.$executeRaw`${statement}`;
      advisoryLockWait.observe((performance.now() - started) / 1000);
    },
    { [ATTR.locks]: locks },
  );
}
