import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeps, type Deps } from '../deps.js';
import { databaseUrls } from '../db/roles.js';
import { createLogger } from '../logger.js';
import { seedDemo, type DemoClinic } from '../seed/demo.js';
import { failure, failureCode } from '../testing/errors.js';
import { checkIntegrity, intact } from '../testing/integrity.js';
import { at, upcoming } from '../testing/race.js';
import { bookingBurst, signIn, expectBurstKept, firstSuccessAfter, longestWaitDuring, outage, tally, type BookingBurst } from '../testing/burst.js';
import type { Caller } from '../testing/callers.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { startTcpProxy, type TcpProxy } from '../testing/tcp-proxy.js';

// The network between the server and Postgres fails while desks are booking:
// the server's pool reaches Postgres through a proxy the test cuts and
// restores, with transactions half-way through.

const DESKS = 8;
const PER_DESK = 24;

let db: TestDatabase;
let proxy: TcpProxy;
let deps: Deps;

beforeAll(async () => {
  db = await createTestDatabase();
  proxy = await startTcpProxy({ host: new URL(db.url).hostname, port: Number(new URL(db.url).port) });
  deps = createDeps({ urls: databaseUrls(proxy.url(db.url)), logger: createLogger(process.env.LOG_LEVEL ?? 'silent'), poolSize: 20 });
});

afterAll(async () => {
  await deps?.db.$disconnect();
  await proxy?.close();
  await db?.drop();
});

async function clinicWithDesks(name: string): Promise<{ clinic: DemoClinic; desks: Caller[] }> {
  const clinic = await seedDemo(db.owner, { tenantName: name, emailDomain: `${name}.test`, patients: DESKS * PER_DESK });
  const desks = await signIn(deps, clinic, DESKS);
  return { clinic, desks };
}

describe('the network between the server and Postgres cut and restored mid-transaction', () => {
  it('a cut both sides notice (connections reset): calls fail retryably, retries with the same key complete, nothing half-written', async () => {
    const { clinic, desks } = await clinicWithDesks('reset');
    const cut = outage(30, 1_500, { begin: () => proxy.cut('reset'), end: () => proxy.restore() });
    const burst: BookingBurst = { clinic, desks, perDesk: PER_DESK, fault: cut.fault, tryTimeoutMs: 30_000, budgetMs: 120_000 };
    const result = await bookingBurst(burst);
    const { startedAt: cutAt, endedAt: restoredAt } = cut.times;
    console.log(
      `[network reset] cut ${cutAt - result.startedAt} ms into the burst for ${restoredAt - cutAt} ms; ` +
        `first booking after the restore ${firstSuccessAfter(result, restoredAt)} ms after it; tries ${JSON.stringify(tally(result.outcomes))}`,
    );
    await expectBurstKept(db.sql, burst, result);
  }, 180_000);

  it('a silent cut (nothing passes, nobody is told): every call under way ends with a retryable error within a bound, then all complete', async () => {
    const { clinic, desks } = await clinicWithDesks('blackhole');
    // Longer than any bound the server keeps, so each call under way must give up by itself.
    const CUT_MS = 20_000;
    const cut = outage(30, CUT_MS, { begin: () => proxy.cut('blackhole'), end: () => proxy.restore() });
    const burst: BookingBurst = { clinic, desks, perDesk: PER_DESK, week: 3, fault: cut.fault, tryTimeoutMs: 20_000, budgetMs: 150_000 };
    const result = await bookingBurst(burst);
    const { startedAt: cutAt, endedAt: restoredAt } = cut.times;
    const longest = longestWaitDuring(result, cutAt, restoredAt);
    console.log(
      `[network blackhole] cut ${cutAt - result.startedAt} ms into the burst for ${restoredAt - cutAt} ms; longest wait for an answer during the cut ${longest} ms; ` +
        `first booking after the restore ${firstSuccessAfter(result, restoredAt)} ms after it; tries ${JSON.stringify(tally(result.outcomes))}`,
    );
    // Every desk heard back while the network was still cut.
    expect(longest).toBeLessThan(CUT_MS);
    await expectBurstKept(db.sql, burst, result);
  }, 240_000);
});

describe('a connection lost at the worst moment of one command', () => {
  const NY = 'America/New_York';
  let clinic: DemoClinic;
  let desk: Caller;
  beforeAll(async () => {
    clinic = await seedDemo(db.owner, { tenantName: 'moment', emailDomain: 'moment.test', patients: 4 });
    desk = (await signIn(deps, clinic, 1))[0]!;
  });
  const booking = (hhmm: string, patient: number, idempotencyKey?: string) => ({
    branchId: clinic.branches.east,
    serviceId: clinic.services.gp,
    resourceIds: [clinic.resources.drCarter!, clinic.resources.eastRoom1!],
    startsAt: at(upcoming(4, NY, 2), hhmm, NY),
    patientId: clinic.patients[patient]!,
    ...(idempotencyKey ? { idempotencyKey } : {}),
  });
  /** The proxy's trap went off (a changed SQL text would leave it waiting, and the test would prove nothing). */
  const sprung = async (trap: Promise<void>) => expect(await Promise.race([trap.then(() => true), sleep(5_000).then(() => false)])).toBe(true);
  const appointmentsAt = async (hhmm: string) =>
    (await db.sql.query(`SELECT id FROM appointment WHERE tenant_id = $1 AND starts_at = $2`, [clinic.tenantId, booking(hhmm, 0).startsAt])).rows.map((r: { id: string }) => r.id);

  it('lost before COMMIT was sent: Postgres rolled it back, the server runs it again by itself and the desk gets its booking, once', async () => {
    // The booking's own statements: its locks (tried, or waited for), then its event row, which is where the line goes dead.
    const struck = proxy.cutAfter('INSERT INTO "event"', 'advisory_xact_lock');
    const booked = await desk.booking.book(booking('10:00', 1));
    await sprung(struck);
    expect(await appointmentsAt('10:00')).toEqual([booked.id]);
    const report = await checkIntegrity(db.sql, clinic.tenantId);
    expect(report).toEqual(intact(report.appointments));
  });

  it('lost while COMMIT was on the wire: the desk hears UNAVAILABLE (the server cannot know), and its retry with the same key returns the booking that was made', async () => {
    const struck = proxy.cutAfter('COMMIT', 'INSERT INTO "event"');
    const lost = await failure(desk.booking.book(booking('11:00', 2, 'lost-commit')));
    await sprung(struck);
    expect(failureCode(lost)).toBe('UNAVAILABLE');
    // Postgres did commit: the booking stands, and the retry answers with it instead of booking again or refusing.
    const made = await appointmentsAt('11:00');
    expect(made).toHaveLength(1);
    const retried = await desk.booking.book(booking('11:00', 2, 'lost-commit'));
    expect(retried.id).toBe(made[0]);
    expect(await appointmentsAt('11:00')).toEqual(made);
    const report = await checkIntegrity(db.sql, clinic.tenantId);
    expect(report).toEqual(intact(report.appointments));
  });

  it('a command with no key lost while its COMMIT was on the wire is not run again by the server: one patient, not two', async () => {
    const struck = proxy.cutAfter('COMMIT', 'INSERT INTO "event"');
    const lost = await failure(desk.patients.create({ name: 'Once Only', phone: '+1 212 555 0101' }));
    await sprung(struck);
    const { rows } = await db.sql.query(`SELECT count(*)::int AS n FROM patient WHERE tenant_id = $1 AND name = 'Once Only'`, [clinic.tenantId]);
    expect(rows[0].n).toBe(1);
    expect(failureCode(lost)).toBe('UNAVAILABLE');
  });
});
