import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { DomainError } from '@frontdesk/shared';
import { createDeps, type Deps } from '../deps.js';
import { databaseUrls } from '../db/roles.js';
import { createLogger } from '../logger.js';
import { seedDemo, type DemoClinic } from '../seed/demo.js';
import { callerFor, type Caller } from '../testing/callers.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { at, upcoming } from '../testing/race.js';
import { RecentlyTaken } from './recently-taken.js';

// The per-process index of recently taken time: it refuses early only what a
// commit it knows of took, and forgets a time once it learns it was freed.

const NY = 'America/New_York';
let db: TestDatabase;
let other: Deps;
let demo: DemoClinic;
let here: Caller;
let there: Caller;
let day: string;

async function until(what: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !what(); i++) await sleep(50);
  expect(what()).toBe(true);
}

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 10 });
  // Another server process on the same database: its own deps, pool and log reader.
  other = createDeps({ urls: databaseUrls(db.url), logger: createLogger('silent'), poolSize: 5 });
  demo = await seedDemo(db.owner, { emailDomain: 'recent.test', patients: 10 });
  await db.deps.logReader.start();
  here = await callerFor(db.deps, demo.staff.receptionist.email, demo.password, 'desk here');
  there = await callerFor(other, demo.staff.callCentre.email, demo.password, 'desk there');
  day = upcoming(3, NY, 3);
});
afterAll(async () => {
  await db.deps.logReader.stop();
  await other.db.$disconnect();
  await db.drop();
});

const slot = (hhmm: string, patient: number) => ({
  branchId: demo.branches.east,
  serviceId: demo.services.gp,
  resourceIds: [demo.resources.drCarter!],
  startsAt: at(day, hhmm, NY),
  patientId: demo.patients[patient]!,
});

describe('refusing early from recently taken time', () => {
  it('refuses a time another process booked once this process read it, with alternatives, without a transaction; and books it again once the cancel is read', async () => {
    const index = db.deps.booking.recentlyTaken;
    const booked = await there.booking.book(slot('10:00', 1));
    const probe = () => index.blocking(demo.tenantId, [demo.resources.drCarter!], { start: new Date(at(day, '10:05', NY)), end: new Date(Date.parse(at(day, '10:05', NY)) + 1) });
    await until(() => probe().length > 0);

    const check = vi.spyOn(db.deps.availability, 'check');
    const refusal = await here.booking.book(slot('10:05', 2)).catch((e: { cause?: unknown }) => e.cause);
    expect(refusal).toBeInstanceOf(DomainError);
    const taken = refusal as DomainError<'SLOT_TAKEN'>;
    expect(taken.code).toBe('SLOT_TAKEN');
    expect(taken.details.blockers[0]).toMatchObject({ resourceId: demo.resources.drCarter, kind: 'appointment' });
    expect(taken.details.alternatives.length).toBeGreaterThan(0);
    expect(check).not.toHaveBeenCalled();
    check.mockRestore();

    await there.booking.cancel({ appointmentId: booked.id, version: booked.version, reasonCode: 'OTHER', reason: 'patient called' });
    await until(() => probe().length === 0);
    const again = await here.booking.book(slot('10:05', 2));
    expect(again.status).toBe('BOOKED');
  });

  it('stays within its bound, the oldest forgotten first', () => {
    const index = new RecentlyTaken(3);
    try {
      const t = (h: number) => new Date(Date.UTC(2030, 0, 1, h));
      for (let h = 0; h < 5; h++) index.add('tenant', `a${h}`, [{ resourceId: 'r', startsAt: t(h), endsAt: t(h + 1) }]);
      expect(index.size).toBe(3);
      expect(index.blocking('tenant', ['r'], { start: t(0), end: t(2) })).toEqual([]);
      expect(index.blocking('tenant', ['r'], { start: t(4), end: t(5) })).toHaveLength(1);
      // Another tenant's booking never blocks, and a removed one is not added back by a late add.
      expect(index.blocking('other', ['r'], { start: t(4), end: t(5) })).toEqual([]);
      index.remove('a4');
      index.add('tenant', 'a4', [{ resourceId: 'r', startsAt: t(4), endsAt: t(5) }]);
      expect(index.blocking('tenant', ['r'], { start: t(4), end: t(5) })).toEqual([]);
    } finally {
      index.close();
    }
  });
});
