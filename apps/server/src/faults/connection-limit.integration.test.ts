import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeps, type Deps } from '../deps.js';
import { databaseUrls } from '../db/roles.js';
import { createLogger } from '../logger.js';
import { seedDemo } from '../seed/demo.js';
import { bookingBurst, expectBurstKept, longestWaitDuring, signIn, tally, type BookingBurst } from '../testing/burst.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';

// More desks than connections: Postgres refuses connections past its limit,
// or every connection of the pool is taken by transactions that cannot move.
// Requests wait a bounded time or get a retryable error; nothing hangs and
// nothing is half-written.

let db: TestDatabase;
const opened: Deps[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  for (const deps of opened) await deps.db.$disconnect();
  await db?.sql.query(`ALTER DATABASE ${pg.escapeIdentifier(new URL(db.url).pathname.slice(1))} CONNECTION LIMIT -1`).catch(() => undefined);
  await db?.drop();
});

function appDeps(poolSize: number): Deps {
  const deps = createDeps({ urls: databaseUrls(db.url), logger: createLogger(process.env.LOG_LEVEL ?? 'silent'), poolSize });
  opened.push(deps);
  return deps;
}

describe("Postgres's connection limit reached (more desks than connections)", () => {
  it('a pool bigger than the database allows: past the limit Postgres refuses, the server tries again or answers UNAVAILABLE, every booking ends up made once', async () => {
    const deps = appDeps(20);
    const clinic = await seedDemo(db.owner, { tenantName: 'limit', emailDomain: 'limit.test', patients: 12 * 6 });
    const desks = await signIn(deps, clinic, 12);
    // The runtime role is no superuser, so the database's own limit holds for it (the owner checking below is exempt).
    const name = new URL(db.url).pathname.slice(1);
    await db.sql.query(`ALTER DATABASE ${pg.escapeIdentifier(name)} CONNECTION LIMIT 4`);
    const burst: BookingBurst = { clinic, desks, perDesk: 6, tryTimeoutMs: 30_000, budgetMs: 150_000 };
    try {
      const result = await bookingBurst(burst);
      const { rows } = await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND usename <> current_user`, [name]);
      console.log(`[connection limit] 12 desks, pool of 20, database limit 4: burst took ${Date.now() - result.startedAt} ms; app connections open at the end ${rows[0]?.n}; tries ${JSON.stringify(tally(result.outcomes))}`);
      await expectBurstKept(db.sql, burst, result);
    } finally {
      await db.sql.query(`ALTER DATABASE ${pg.escapeIdentifier(name)} CONNECTION LIMIT -1`);
    }
  }, 180_000);

  it('every connection of the pool held by transactions that cannot move: the others wait a bounded time, then UNAVAILABLE; all complete once they move', async () => {
    const deps = appDeps(4);
    const clinic = await seedDemo(db.owner, { tenantName: 'stuck', emailDomain: 'stuck.test', patients: 12 * 6 });
    const desks = await signIn(deps, clinic, 12);
    const HOLD_MS = 25_000;
    let lockedAt = 0;
    let releasedAt = 0;
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    const burst: BookingBurst = {
      clinic,
      desks,
      perDesk: 6,
      week: 3,
      fault: {
        after: 12,
        run: async () => {
          // A long transaction elsewhere (a report, a migration) that every booking must wait for.
          await blocker.query('BEGIN');
          await blocker.query('LOCK TABLE appointment_resource IN EXCLUSIVE MODE');
          lockedAt = Date.now();
          await sleep(HOLD_MS);
          await blocker.query('COMMIT');
          releasedAt = Date.now();
        },
      },
      tryTimeoutMs: HOLD_MS,
      budgetMs: 150_000,
    };
    try {
      const result = await bookingBurst(burst);
      const longest = longestWaitDuring(result, lockedAt, releasedAt);
      console.log(`[pool held] 12 desks, pool of 4, bookings blocked for ${releasedAt - lockedAt} ms; longest wait for an answer while blocked ${longest} ms; tries ${JSON.stringify(tally(result.outcomes))}`);
      // Each desk heard back while the blocker still held on (a command is several transactions, each may wait its turn).
      expect(longest).toBeLessThan(HOLD_MS);
      expect(result.outcomes.some((o) => o.attempts.some((a) => a.outcome === 'UNAVAILABLE' && result.startedAt + a.at >= lockedAt))).toBe(true);
      await expectBurstKept(db.sql, burst, result);
    } finally {
      await blocker.end();
    }
  }, 180_000);
});
