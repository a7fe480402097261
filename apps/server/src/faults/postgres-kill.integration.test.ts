import pg from 'pg';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createDeps, type Deps } from '../deps.js';
import { migrate } from '../db/migrate.js';
import { createPrisma } from '../db/prisma.js';
import { databaseUrls, ensureRuntimeRoles } from '../db/roles.js';
import { createLogger } from '../logger.js';
import { seedDemo, type DemoClinic } from '../seed/demo.js';
import { bookingBurst, signIn, expectBurstKept, firstSuccessAfter, outage, tally, type BookingBurst } from '../testing/burst.js';
import type { Caller } from '../testing/callers.js';
import { startOwnCluster, type OwnCluster } from '../testing/own-cluster.js';

// Postgres dies without warning (SIGKILL of the postmaster: no checkpoint, its
// backends cut off mid-statement) while desks are booking, and comes back
// through crash recovery. The test has a cluster of its own to kill.

const DESKS = 8;
const PER_DESK = 30;

let cluster: OwnCluster;
let deps: Deps;
let sql: pg.Pool;
let clinic: DemoClinic;
let desks: Caller[];

beforeAll(async () => {
  cluster = await startOwnCluster();
  await migrate(cluster.url());
  const urls = databaseUrls(cluster.url());
  await ensureRuntimeRoles(urls);
  const owner = createPrisma({ url: urls.owner, poolSize: 2 });
  clinic = await seedDemo(owner, { emailDomain: 'kill.test', patients: DESKS * PER_DESK });
  await owner.$disconnect();
  deps = createDeps({ urls, logger: createLogger(process.env.LOG_LEVEL ?? 'silent'), poolSize: 20 });
  desks = await signIn(deps, clinic, DESKS);
  sql = new pg.Pool({ connectionString: urls.owner, max: 2 });
  // The checking pool's idle connections die with the postmaster too.
  sql.on('error', () => undefined);
}, 180_000);

afterAll(async () => {
  await deps?.db.$disconnect();
  await sql?.end();
  await cluster?.destroy();
});

describe('Postgres killed (SIGKILL) and restarted in the middle of a burst of bookings', () => {
  it('every booking either stands with its occupancy and event or was never made; retries with the same key return the first result', async () => {
    // Down long enough that desks meet refused connections, not just one lost statement.
    const kill = outage(40, 1_500, { begin: () => cluster.kill(), end: () => cluster.restart() });
    const burst: BookingBurst = { clinic, desks, perDesk: PER_DESK, fault: kill.fault, tryTimeoutMs: 30_000, budgetMs: 120_000 };
    const result = await bookingBurst(burst);
    const { startedAt: killedAt, endedAt: backAt } = kill.times;
    console.log(
      `[postgres kill] killed ${killedAt - result.startedAt} ms into the burst; accepting connections ${backAt - killedAt} ms after the kill; ` +
        `first booking after the restart ${firstSuccessAfter(result, backAt)} ms after it; tries ${JSON.stringify(tally(result.outcomes))}`,
    );
    await expectBurstKept(sql, burst, result);
  }, 180_000);
});
