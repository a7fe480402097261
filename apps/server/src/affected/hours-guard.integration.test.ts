// The database's own guard of working hours (migration hours_guard): the same rule as the slot search, a booking outside it refused unless kept, and bookings racing a change of hours.
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workingIntervals, type HoursExceptions, type Interval, type WeeklyHours } from '@frontdesk/shared';
import { createDeps, type Deps } from '../deps.js';
import { databaseUrls } from '../db/roles.js';
import { createLogger } from '../logger.js';
import { seedDemo, type DemoClinic } from '../seed/demo.js';
import { callerFor, type Caller } from '../testing/callers.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { codeOf, race } from '../testing/race.js';
import { local, monday } from '../testing/dates.js';

const NY = 'America/New_York';

let db: TestDatabase;
let demo: DemoClinic;
/** A second server process on the same database: its own catalogue cache, not told of the first one's changes. */
let elsewhere: Deps;
let manager: Caller;
let receptionElsewhere: Caller;

const iso = (date: string, hhmm: string) => local(date, hhmm).toISOString();
const r = (key: string) => demo.resources[key]!;

/** Active occupancy of appointments nobody kept that the schedule does not allow, counted in SQL. */
async function outsideHours(): Promise<number> {
  const { rows } = await db.sql.query<{ n: number }>(`
    SELECT count(*)::int AS n
      FROM appointment_resource ar JOIN appointment a ON a.tenant_id = ar.tenant_id AND a.id = ar.appointment_id
     WHERE ar.active AND NOT a.kept_outside_hours AND a.ends_at > now()
       AND NOT frontdesk_schedule_allows(ar.tenant_id, ar.resource_id, a.branch_id, ar.starts_at, ar.ends_at)`);
  return rows[0]!.n;
}

/** Writes an appointment straight to the database (as its owner), past the booking code; the guard still applies. */
async function insertDirect(o: { startsAt: Date; endsAt: Date; resourceId: string; kept?: boolean }): Promise<string> {
  const client = await db.sql.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO appointment (tenant_id, branch_id, service_id, status, starts_at, ends_at, price_cents, created_by, kept_outside_hours, patient_id)
       VALUES ($1, $2, $3, 'BOOKED', $4, $5, 6500, $6, $7, $8) RETURNING id`,
      [demo.tenantId, demo.branches.east, demo.services.gp, o.startsAt, o.endsAt, demo.staff.receptionist.id, o.kept ?? false, demo.patients[7]],
    );
    const id = rows[0]!.id;
    await client.query(`INSERT INTO appointment_resource (appointment_id, resource_id, tenant_id, starts_at, ends_at) VALUES ($1, $2, $3, $4, $5)`, [id, o.resourceId, demo.tenantId, o.startsAt, o.endsAt]);
    await client.query('COMMIT');
    return id;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  demo = await seedDemo(db.owner, { emailDomain: 'hours-guard.test', patients: 40 });
  elsewhere = createDeps({ urls: databaseUrls(db.url), logger: createLogger('silent'), poolSize: 30 });
  manager = await callerFor(db.deps, demo.staff.manager.email, demo.password);
  receptionElsewhere = await callerFor(elsewhere, demo.staff.receptionist.email, demo.password);
});
afterAll(async () => {
  await elsewhere.db.$disconnect();
  await db.drop();
});

describe('the schedule rule in the database', () => {
  it('agrees with the slot search on every start, across both clock changes, midnight and date exceptions', async () => {
    // A resource with hours around the night the clocks change, across midnight, and exceptions on some dates.
    const hours: WeeklyHours[] = [
      { weekday: 7, startMinute: 60, endMinute: 210 },
      { weekday: 7, startMinute: 540, endMinute: 1440 },
      { weekday: 1, startMinute: 0, endMinute: 120 },
      { weekday: 1, startMinute: 480, endMinute: 720 },
      { weekday: 1, startMinute: 780, endMinute: 1020 },
      { weekday: 2, startMinute: 1320, endMinute: 1440 },
      { weekday: 3, startMinute: 0, endMinute: 90 },
    ];
    const exceptions: Record<string, { startMinute: number; endMinute: number }[]> = {
      '2027-11-07': [{ startMinute: 30, endMinute: 150 }],
      '2027-11-09': [{ startMinute: 600, endMinute: 660 }, { startMinute: 1380, endMinute: 1440 }],
      '2027-03-15': [{ startMinute: 0, endMinute: 1440 }],
    };
    const { rows } = await db.sql.query<{ id: string }>(`INSERT INTO resource (tenant_id, kind, name, tags) VALUES ($1, 'ROOM', 'Clock room', '{}') RETURNING id`, [demo.tenantId]);
    const resourceId = rows[0]!.id;
    await db.sql.query(`INSERT INTO resource_branch (tenant_id, resource_id, branch_id) VALUES ($1, $2, $3)`, [demo.tenantId, resourceId, demo.branches.east]);
    for (const h of hours) {
      await db.sql.query(`INSERT INTO working_hours (tenant_id, resource_id, branch_id, weekday, start_minute, end_minute) VALUES ($1, $2, $3, $4, $5, $6)`, [demo.tenantId, resourceId, demo.branches.east, h.weekday, h.startMinute, h.endMinute]);
    }
    for (const [date, list] of Object.entries(exceptions)) {
      for (const e of list) {
        await db.sql.query(`INSERT INTO working_hours_exception (tenant_id, resource_id, branch_id, date, start_minute, end_minute) VALUES ($1, $2, $3, $4, $5, $6)`, [demo.tenantId, resourceId, demo.branches.east, date, e.startMinute, e.endMinute]);
      }
    }

    const ranges: Interval[] = [];
    for (const [from, days] of [['2027-03-13', 4], ['2027-11-06', 5]] as const) {
      const start = DateTime.fromISO(from, { zone: NY }).toMillis();
      for (let t = start; t < start + days * 86_400_000; t += 15 * 60_000) {
        for (const minutes of [15, 45, 120, 300]) ranges.push({ start: t, end: t + minutes * 60_000 });
      }
    }
    const expected = ranges.map((range) => inside(workingIntervals(range, hours, NY, exceptions as HoursExceptions), range));
    const answer = await db.sql.query<{ allowed: boolean }>(
      `SELECT frontdesk_schedule_allows($1, $2, $3, f, t) AS allowed FROM unnest($4::timestamptz[], $5::timestamptz[]) WITH ORDINALITY AS u(f, t, n) ORDER BY n`,
      [demo.tenantId, resourceId, demo.branches.east, ranges.map((x) => new Date(x.start)), ranges.map((x) => new Date(x.end))],
    );
    const actual = answer.rows.map((row) => row.allowed);
    const disagreements = ranges.filter((_, i) => actual[i] !== expected[i]).map((x, i) => `${new Date(x.start).toISOString()}–${new Date(x.end).toISOString()} slot search ${expected[i]}`);
    expect(disagreements).toEqual([]);
    expect(expected.filter(Boolean).length).toBeGreaterThan(100);
    expect(expected.filter((x) => !x).length).toBeGreaterThan(100);
  });

  it('refuses an occupancy outside hours or in time off written past the booking code, unless the appointment is kept', async () => {
    const day = monday(1);
    await expect(insertDirect({ startsAt: local(day, '18:00'), endsAt: local(day, '18:15'), resourceId: r('drCarter') })).rejects.toMatchObject({ code: 'FD001' });
    await expect(insertDirect({ startsAt: local(day, '08:15'), endsAt: local(day, '08:45'), resourceId: r('drCarter') })).rejects.toMatchObject({ code: 'FD001' });
    const inside = await insertDirect({ startsAt: local(day, '08:30'), endsAt: local(day, '08:45'), resourceId: r('drCarter') });
    expect(inside).toBeTruthy();
    await db.sql.query(`INSERT INTO time_off (tenant_id, branch_id, resource_id, kind, starts_at, ends_at, reason) VALUES ($1, $2, $3, 'BLOCKED', $4, $5, 'guard test')`, [demo.tenantId, demo.branches.east, r('drCarter'), local(day, '10:00'), local(day, '11:00')]);
    await expect(insertDirect({ startsAt: local(day, '10:45'), endsAt: local(day, '11:00'), resourceId: r('drCarter') })).rejects.toMatchObject({ code: 'FD001' });
    const kept = await insertDirect({ startsAt: local(day, '19:00'), endsAt: local(day, '19:15'), resourceId: r('drCarter'), kept: true });
    expect(kept).toBeTruthy();
    // A kept appointment may be moved outside hours by hand; once no longer kept, it is checked again.
    await db.sql.query(`UPDATE appointment_resource SET starts_at = $2, ends_at = $3 WHERE appointment_id = $1`, [kept, local(day, '20:00'), local(day, '20:15')]);
    const client = await db.sql.connect();
    try {
      await client.query('BEGIN');
      await client.query(`UPDATE appointment SET kept_outside_hours = false WHERE id = $1`, [kept]);
      await expect(client.query(`UPDATE appointment_resource SET starts_at = $2, ends_at = $3 WHERE appointment_id = $1`, [kept, local(day, '20:15'), local(day, '20:30')])).rejects.toMatchObject({ code: 'FD001' });
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
    expect(await outsideHours()).toBe(0);
  });

  it('refuses at commit a change of hours, a date exception, time off or un-keeping written past the settling code that would leave a booking outside', async () => {
    const day = monday(5);
    const booked = await insertDirect({ startsAt: local(day, '16:00'), endsAt: local(day, '16:15'), resourceId: r('drCarter') });
    const carterMonday = async () => (await db.sql.query(`SELECT start_minute, end_minute FROM working_hours WHERE resource_id = $1 AND weekday = 1`, [r('drCarter')])).rows;
    const before = await carterMonday();
    const inOneTransaction = async (statements: [string, unknown[]][]) => {
      const client = await db.sql.connect();
      try {
        await client.query('BEGIN');
        for (const [sql, params] of statements) await client.query(sql, params);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    };
    await expect(inOneTransaction([[`UPDATE working_hours SET end_minute = 720 WHERE resource_id = $1 AND weekday = 1`, [r('drCarter')]]])).rejects.toMatchObject({ code: 'FD001' });
    await expect(inOneTransaction([[`DELETE FROM working_hours WHERE resource_id = $1 AND weekday = 1`, [r('drCarter')]]])).rejects.toMatchObject({ code: 'FD001' });
    expect(await carterMonday()).toEqual(before);
    await expect(
      inOneTransaction([[`INSERT INTO working_hours_exception (tenant_id, resource_id, branch_id, date, start_minute, end_minute) VALUES ($1, $2, $3, $4, 540, 720)`, [demo.tenantId, r('drCarter'), demo.branches.east, day]]]),
    ).rejects.toMatchObject({ code: 'FD001' });
    await expect(
      inOneTransaction([[`INSERT INTO time_off (tenant_id, branch_id, kind, starts_at, ends_at, reason) VALUES ($1, $2, 'HOLIDAY', $3, $4, 'unsettled')`, [demo.tenantId, demo.branches.east, local(day, '00:00'), local(day, '23:00')]]]),
    ).rejects.toMatchObject({ code: 'FD001' });
    // The same cut with the booking kept in the same transaction is fine; un-keeping it alone is not.
    await inOneTransaction([
      [`UPDATE working_hours SET end_minute = 720 WHERE resource_id = $1 AND weekday = 1`, [r('drCarter')]],
      [`UPDATE appointment SET kept_outside_hours = true WHERE id = $1`, [booked]],
    ]);
    await expect(inOneTransaction([[`UPDATE appointment SET kept_outside_hours = false WHERE id = $1`, [booked]]])).rejects.toMatchObject({ code: 'FD001' });
    await inOneTransaction([
      [`UPDATE working_hours SET end_minute = 1080 WHERE resource_id = $1 AND weekday = 1`, [r('drCarter')]],
      [`UPDATE appointment SET kept_outside_hours = false WHERE id = $1`, [booked]],
    ]);
    expect(await outsideHours()).toBe(0);
    await db.sql.query(`UPDATE appointment SET status = 'CANCELLED' WHERE id = $1`, [booked]);
  });

  it('a desk whose server has not heard of new hours yet is refused with OUTSIDE_HOURS by the database, nothing written', async () => {
    const day = monday(2);
    const query = { serviceId: demo.services.gp, branchIds: [demo.branches.east], resourceIds: [r('drCarter')], from: iso(day, '15:00'), limit: 1 };
    // The other server reads Dr Carter's Monday afternoon and keeps it for a few seconds.
    expect((await receptionElsewhere.availability.findSlots(query))[0]?.startsAt).toBe(iso(day, '15:00'));
    await manager.schedule.setHours({ resourceId: r('drCarter'), branchId: demo.branches.east, hours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, startMinute: 510, endMinute: weekday === 1 ? 720 : 1080 })) });
    expect((await receptionElsewhere.availability.findSlots(query))[0]?.startsAt).toBe(iso(day, '15:00'));
    const count = async () => (await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM appointment WHERE tenant_id = $1`, [demo.tenantId])).rows[0]!.n;
    const before = await count();
    const [attempt] = await race(1, () => receptionElsewhere.booking.book({ branchId: demo.branches.east, serviceId: demo.services.gp, startsAt: iso(day, '15:00'), resourceIds: [r('drCarter')], patientId: demo.patients[3]! }));
    expect(codeOf(attempt!)).toBe('OUTSIDE_HOURS');
    expect(await count()).toBe(before);
    await manager.schedule.setHours({ resourceId: r('drCarter'), branchId: demo.branches.east, hours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, startMinute: 510, endMinute: 1080 })) });
  });

  it('shows and offers a date exception instead of the weekly hours on its date', async () => {
    const day = monday(3);
    await db.sql.query(`INSERT INTO working_hours_exception (tenant_id, resource_id, branch_id, date, start_minute, end_minute) VALUES ($1, $2, $3, $4, 780, 840)`, [demo.tenantId, r('drCarter'), demo.branches.east, day]);
    db.deps.catalogues.invalidate(demo.tenantId);
    const slots = await manager.availability.findSlots({ serviceId: demo.services.gp, branchIds: [demo.branches.east], resourceIds: [r('drCarter')], from: iso(day, '00:00'), to: iso(day, '23:59'), limit: 20 });
    expect(slots.map((s) => s.startsAt)).toEqual(['13:00', '13:15', '13:30', '13:45'].map((t) => iso(day, t)));
    const sheet = await manager.availability.day({ branchId: demo.branches.east, date: day });
    expect(sheet.resources.find((x) => x.id === r('drCarter'))?.working).toEqual([{ startsAt: iso(day, '13:00'), endsAt: iso(day, '14:00') }]);
    // The next Monday keeps its weekly hours.
    const next = DateTime.fromISO(day).plus({ weeks: 1 }).toISODate()!;
    const weekly = await manager.availability.findSlots({ serviceId: demo.services.gp, branchIds: [demo.branches.east], resourceIds: [r('drCarter')], from: iso(next, '00:00'), limit: 1 });
    expect(weekly[0]!.startsAt).toBe(iso(next, '08:30'));
  });
});

describe('bookings racing a change of hours', () => {
  it('20 bookings on a server with old hours against a cut of the afternoon: each is cancelled by the change or refused; none is left outside hours', async () => {
    const day = monday(4);
    // The other server reads Dr Carter's hours now and keeps them while the race runs.
    expect(await receptionElsewhere.availability.findSlots({ serviceId: demo.services.gp, branchIds: [demo.branches.east], resourceIds: [r('drCarter')], from: iso(day, '12:00'), limit: 1 })).not.toEqual([]);
    const times = Array.from({ length: 20 }, (_, i) => DateTime.fromISO(`${day}T12:00`, { zone: NY }).plus({ minutes: 15 * i }).toUTC().toISO()!);
    const results = await race<unknown>(21, (i) =>
      i === 0
        ? manager.schedule.setHours({
            resourceId: r('drCarter'),
            branchId: demo.branches.east,
            hours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, startMinute: 510, endMinute: weekday === 1 ? 720 : 1080 })),
            resolutions: { all: { action: 'cancel', reason: 'Afternoon clinic closed' } },
          })
        : receptionElsewhere.booking.book({ branchId: demo.branches.east, serviceId: demo.services.gp, startsAt: times[i - 1]!, resourceIds: [r('drCarter'), r('eastRoom1')], patientId: demo.patients[10 + i]! }),
    );
    expect(codeOf(results[0]!)).toBe('OK');
    const bookings = results.slice(1);
    expect(bookings.map(codeOf).filter((c) => c !== 'OK' && c !== 'OUTSIDE_HOURS')).toEqual([]);
    const change = (results[0] as PromiseFulfilledResult<{ settled: { cancelled: string[] } }>).value;
    const booked = bookings.flatMap((b) => (b.status === 'fulfilled' ? [(b.value as { id: string }).id] : []));
    // Every booking that got in before the change was cancelled by it.
    expect([...change.settled.cancelled].sort()).toEqual([...booked].sort());
    const { rows } = await db.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM appointment a JOIN appointment_resource ar ON ar.appointment_id = a.id
        WHERE ar.resource_id = $1 AND ar.active AND a.starts_at >= $2 AND a.starts_at < $3`,
      [r('drCarter'), local(day, '12:00'), local(day, '23:00')],
    );
    expect(rows[0]!.n).toBe(0);
    expect(await outsideHours()).toBe(0);
    await manager.schedule.setHours({ resourceId: r('drCarter'), branchId: demo.branches.east, hours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, startMinute: 510, endMinute: 1080 })) });
  });
});

function inside(within: readonly Interval[], inner: Interval): boolean {
  return within.some((w) => w.start <= inner.start && inner.end <= w.end);
}
