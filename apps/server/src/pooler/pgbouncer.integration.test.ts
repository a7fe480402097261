import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createPrisma, DEFAULT_LIMITS, type PrismaClient } from '../db/prisma.js';
import { APP_ROLE, databaseUrls, type DatabaseUrls } from '../db/roles.js';
import { clientFor, loginAt, startServerProcess, type ServerProcess } from '../testing/remote.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { checkIntegrity, intact } from '../testing/integrity.js';
import { pgbouncerBinary, startPgBouncer, type PgBouncer } from '../testing/pgbouncer.js';
import { at, codeOf, race, upcoming } from '../testing/race.js';
import { seedTwoClinics, SyncCheck, type Clinics } from '../testing/sync-check.js';

// Three server processes whose commands go through PgBouncer in transaction
// mode (tenant settings and advisory locks are transaction-scoped), while each
// log reader LISTENs on a direct session connection.

const BINARY = pgbouncerBinary();
/** Server connections PgBouncer may open for the runtime role: fewer than the desks racing. */
const POOL = 4;
const DESKS = 24;
const NY = 'America/New_York';

/** Rows of PgBouncer's SHOW commands, as far as the test reads them (numbers come as text). */
type Stats = { database: string; total_xact_count: string };
type Connection = { user: string; remote_pid: string };

describe.skipIf(!BINARY)(`three server processes through PgBouncer in transaction mode${BINARY ? '' : ' (skipped: no pgbouncer on this machine; apt-get install pgbouncer, as .ci/run does)'}`, () => {
  let db: TestDatabase;
  let urls: DatabaseUrls;
  let bouncer: PgBouncer;
  let writer: PrismaClient;
  let clinics: Clinics;
  let check: SyncCheck;
  let servers: ServerProcess[] = [];
  const alive = (): string[] => servers.map((s) => s.url);
  const database = (): string => new URL(db.url).pathname.slice(1);

  /** Runtime-role backends on the test database, read directly from Postgres. */
  async function appBackends(): Promise<number[]> {
    const { rows } = await db.sql.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE usename = $1 AND datname = current_database()`, [APP_ROLE]);
    return rows.map((r) => r.pid);
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    clinics = await seedTwoClinics(db.owner);
    // The passwords the suite's setup gave the runtime roles, for this database.
    urls = databaseUrls(db.url);
    // PgBouncer drops the time limits the server sends at connect; the role's own defaults give them back (README, "Connection poolers").
    const role = `${APP_ROLE} IN DATABASE ${database()}`;
    await db.sql.query(`ALTER ROLE ${role} SET statement_timeout = ${DEFAULT_LIMITS.statementMs}`);
    await db.sql.query(`ALTER ROLE ${role} SET idle_in_transaction_session_timeout = ${DEFAULT_LIMITS.idleInTransactionMs}`);
    bouncer = await startPgBouncer({ binary: BINARY!, logins: [urls.app, urls.owner], admin: urls.owner, poolSize: POOL });
    const app = bouncer.through(urls.app);
    writer = createPrisma({ url: app, poolSize: 8 });
    check = new SyncCheck(clinics, db.sql, writer);
    servers = await Promise.all(
      [0, 1, 2].map(() => startServerProcess(urls.owner, { FRONTDESK_APP_DATABASE_URL: app, FRONTDESK_SYNC_DATABASE_URL: urls.sync })),
    );
  }, 180_000);

  afterAll(async () => {
    check?.close();
    await Promise.all(servers.map((s) => s.kill('SIGTERM')));
    await writer?.$disconnect();
    await bouncer?.stop();
    await db?.drop();
  });

  it('every desk gets every event of its scope exactly once, in order, on every server', async () => {
    await check.openDesks(alive);
    await check.writeMany(90, 0);
    await check.allCaughtUp();
  }, 120_000);

  it(`${DESKS} desks booking one slot across the three servers: one wins, the rest get SLOT_TAKEN, nothing overlaps`, async () => {
    const [clinic] = clinics;
    // One after another: the sign-in throttle counts attempts under way.
    const tokens: string[] = [];
    for (let i = 0; i < DESKS; i++) tokens.push(await loginAt(alive()[i % 3]!, clinic.staff.callCentre.email, clinic.password, `desk ${i}`));
    const desks = tokens.map((token, i) => clientFor(() => alive()[i % 3]!, token));
    const before = await bouncer.show<Stats>('STATS');

    let peak = 0;
    const sampling = setInterval(() => {
      void appBackends().then((pids) => (peak = Math.max(peak, pids.length)), () => undefined);
    }, 10);
    const startsAt = at(upcoming(3, NY), '10:00', NY);
    const results = await race(DESKS, (i) =>
      desks[i]!.booking.book.mutate({
        branchId: clinic.branches.east,
        serviceId: clinic.services.gp,
        resourceIds: [clinic.resources.drCarter!, clinic.resources.eastRoom1!],
        startsAt,
        patientId: clinic.patients[i]!,
        idempotencyKey: `pooled-race-${i}`,
      }),
    ).finally(() => clearInterval(sampling));

    const codes = results.map(codeOf);
    expect(codes.filter((c) => c === 'OK')).toHaveLength(1);
    expect(codes.filter((c) => c !== 'OK')).toEqual(Array.from({ length: DESKS - 1 }, () => 'SLOT_TAKEN'));
    const report = await checkIntegrity(db.sql, clinic.tenantId);
    expect(report).toEqual(intact(1));
    // The winner's events reach the desks through the same path.
    await check.allCaughtUp();

    // PgBouncer carried the commands: it counted their transactions, and Postgres saw no more runtime-role connections than its pool.
    const after = await bouncer.show<Stats>('STATS');
    const xacts = (rows: Stats[]): number => Number(rows.find((r) => r.database === database())?.total_xact_count ?? 0);
    expect(xacts(after) - xacts(before)).toBeGreaterThanOrEqual(DESKS);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(POOL);
    // The servers' pools still hold the connections they opened for the race: many more clients than server connections.
    const clients = (await bouncer.show<Connection>('CLIENTS')).filter((c) => c.user === APP_ROLE);
    expect(clients.length).toBeGreaterThan(POOL);
  }, 120_000);

  it("every runtime-role connection Postgres sees is one of PgBouncer's server connections", async () => {
    const pooled = new Set((await bouncer.show<Connection>('SERVERS')).filter((s) => s.user === APP_ROLE).map((s) => Number(s.remote_pid)));
    const backends = await appBackends();
    expect(backends.length).toBeGreaterThan(0);
    expect(backends.filter((pid) => !pooled.has(pid))).toEqual([]);
  });

  it("the runtime role's time limits hold on PgBouncer's connections", async () => {
    const client = new pg.Client({ connectionString: bouncer.through(urls.app) });
    await client.connect();
    try {
      const { rows } = await client.query<{ statement: string; idle: string }>(
        `SELECT current_setting('statement_timeout') AS statement, current_setting('idle_in_transaction_session_timeout') AS idle`,
      );
      expect(rows[0]).toEqual({ statement: `${DEFAULT_LIMITS.statementMs / 1000}s`, idle: `${DEFAULT_LIMITS.idleInTransactionMs / 1000}s` });
    } finally {
      await client.end();
    }
  });
});
