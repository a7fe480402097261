import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDateOf } from '@frontdesk/shared';
import { callerFor } from '../testing/callers.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { seedDemo } from './demo.js';

// The demo's day written into a real database at moments of the week: the
// constraints accept it (no resource or patient twice at once), every state is
// there at both branches, and the walk-in queue is under way.

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const MOMENTS = [
  ['a Monday early afternoon', '2030-01-07T18:10:00Z'],
  ['a Thursday before opening', '2030-01-10T11:00:00Z'],
  ['a Sunday night', '2030-01-13T04:30:00Z'],
] as const;

describe.each(MOMENTS)("the demo clinic's day seeded on %s", (name, at) => {
  it('has every state at both branches, in their own zones, and a queue being served', async () => {
    const now = new Date(at);
    const slug = name.toLowerCase().replace(/\W+/g, '-');
    const demo = await seedDemo(db.owner, { emailDomain: `${slug}.day.test`, tenantName: `Day ${slug}`, day: true, now });
    const manager = await callerFor(db.deps, demo.staff.admin.email, demo.password);
    for (const [branchId, zone] of [
      [demo.branches.east, 'America/New_York'],
      [demo.branches.west, 'America/Chicago'],
    ] as const) {
      const day = await manager.availability.day({ branchId, date: localDateOf(now.getTime(), zone) });
      const statuses = new Set(day.appointments.map((a) => a.status));
      for (const status of ['COMPLETED', 'NO_SHOW', 'CANCELLED', 'CHECKED_IN', 'BOOKED']) expect(statuses, `${status} at ${zone}`).toContain(status);
      for (const a of day.appointments.filter((x) => x.status === 'CANCELLED')) expect(a.cancelReason).toBeTruthy();
    }
    const { rows } = await db.sql.query(`SELECT status, count(*)::int AS n FROM appointment WHERE tenant_id = $1 GROUP BY status`, [demo.tenantId]);
    expect(rows.find((r) => r.status === 'HELD')?.n).toBeGreaterThanOrEqual(1);
    const [session] = (await db.sql.query(`SELECT issued, now_serving FROM capacity_session WHERE id = $1`, [demo.sessionId])).rows;
    expect(session.issued).toBeGreaterThan(session.now_serving);
    expect(session.now_serving).toBeGreaterThan(0);
    const tokens = await db.sql.query(`SELECT number FROM token WHERE session_id = $1 ORDER BY number`, [demo.sessionId]);
    expect(tokens.rows.map((t) => t.number)).toEqual(Array.from({ length: session.issued }, (_, i) => i + 1));
  });
});

it('without the day (as tests seed it) the clinic has no appointment and an empty queue', async () => {
  const demo = await seedDemo(db.owner, { emailDomain: 'no-day.test', tenantName: 'No day' });
  const { rows } = await db.sql.query(`SELECT (SELECT count(*)::int FROM appointment WHERE tenant_id = $1) AS appointments, issued FROM capacity_session WHERE id = $2`, [demo.tenantId, demo.sessionId]);
  expect(rows[0]).toEqual({ appointments: 0, issued: 0 });
});
