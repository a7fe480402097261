import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wallTime, type SlotView } from '@frontdesk/shared';
import { seedDemo, type DemoClinic } from '../seed/demo.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { local, monday, plusDays } from '../testing/dates.js';
import { inTenantScope } from '../testing/scope.js';
import type { Db, Tx } from '../db/tx.js';
import { AvailabilityRepository, type BusyTime } from './availability.repository.js';
import { AvailabilityService, type SlotQuery } from './availability.service.js';
import { CatalogueCache } from './catalogue-cache.js';

// The slot search reads busy time merged in SQL (busyTimes): runs of
// appointments with gaps too short for any start come back as one interval.
// Every answer here is compared with the same search reading every
// appointment row as it is (the way it always did), and must be identical:
// same slots, same order, same resources.

const NY = 'America/New_York';
const CHI = 'America/Chicago';

/** Reads busy time row by row, unmerged: the reference the merged read must agree with. */
class RowByRowRepository extends AvailabilityRepository {
  override busyTimes(db: Db | Tx, q: Parameters<AvailabilityRepository['busyTimes']>[1]): Promise<BusyTime[]> {
    return this.busy(db, q);
  }
}

let db: TestDatabase;
let demo: DemoClinic;
let merged: AvailabilityService;
let rowByRow: AvailabilityService;
let rowByRowCatalogues: CatalogueCache;
/** A patient of their own per appointment: one patient cannot be in two places at once. */
let patients: string[] = [];

const r = (key: string) => demo.resources[key]!;
const starts = (slots: SlotView[], zone = NY) => slots.map((s) => `${DateTime.fromISO(s.startsAt, { zone }).toISODate()} ${wallTime(s.startsAt, zone)}`);

/** Occupies the resources over each [from, to) local range of `date`, as appointments written straight to the database. */
async function occupy(date: string, ranges: [string, string][], resourceIds: string[], o: { zone?: string; branchId?: string; status?: 'BOOKED' | 'HELD'; holdExpiresAt?: Date } = {}): Promise<string[]> {
  if (ranges.length === 0) return [];
  const status = o.status ?? 'BOOKED';
  const startsAt = ranges.map(([from]) => local(date, from, o.zone));
  const endsAt = ranges.map(([, to]) => local(date, to, o.zone));
  const patientIds = ranges.map(() => (status === 'HELD' ? null : patients.pop()!));
  const { rows } = await db.sql.query<{ id: string; starts_at: Date; ends_at: Date }>(
    `INSERT INTO appointment (tenant_id, branch_id, service_id, patient_id, status, starts_at, ends_at, hold_expires_at, price_cents, created_by)
     SELECT $1, $2, $3, p, $5, s, e, $8, 6500, $9 FROM unnest($4::uuid[], $6::timestamptz[], $7::timestamptz[]) AS x(p, s, e)
     RETURNING id, starts_at, ends_at`,
    [demo.tenantId, o.branchId ?? demo.branches.east, demo.services.gp, patientIds, status, startsAt, endsAt, o.holdExpiresAt ?? null, demo.staff.receptionist.id],
  );
  await db.sql.query(
    `INSERT INTO appointment_resource (appointment_id, resource_id, tenant_id, starts_at, ends_at)
     SELECT a.id, r.id, $3, a.s, a.e FROM unnest($1::uuid[], $4::timestamptz[], $5::timestamptz[]) AS a(id, s, e), unnest($2::uuid[]) AS r(id)`,
    [rows.map((x) => x.id), resourceIds, demo.tenantId, rows.map((x) => x.starts_at), rows.map((x) => x.ends_at)],
  );
  return rows.map((x) => x.id);
}

/** Back-to-back visits of `minutes` with `gap` minutes between them, from `from` until `to`. */
function packed(from: string, to: string, minutes: number, gap: number): [string, string][] {
  const out: [string, string][] = [];
  const m = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  const hhmm = (n: number) => `${String(Math.floor(n / 60)).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}`;
  for (let t = m(from); t + minutes <= m(to); t += minutes + gap) out.push([hhmm(t), hhmm(t + minutes)]);
  return out;
}

/** The search, merged and row by row: the answers must be the same; returns the merged one. */
async function search(q: Omit<SlotQuery, 'tenantId'>): Promise<SlotView[]> {
  const query = { tenantId: demo.tenantId, ...q };
  const answer = await merged.search(query);
  expect(answer).toEqual(await rowByRow.search(query));
  return answer;
}

/** Both searches see a change to hours or practitioners at once. */
function settingsChanged(): void {
  db.deps.catalogues.invalidate(demo.tenantId);
  rowByRowCatalogues.invalidate(demo.tenantId);
}

beforeAll(async () => {
  db = await createTestDatabase();
  demo = await seedDemo(db.owner, { emailDomain: 'busy-times.test', patients: 2 });
  const made = await db.sql.query<{ id: string }>(`INSERT INTO patient (tenant_id, name, phone) SELECT $1, 'Patient ' || g, '+1 212 ' || lpad(g::text, 7, '0') FROM generate_series(1, 3000) g RETURNING id`, [demo.tenantId]);
  patients = made.rows.map((p) => p.id);
  merged = inTenantScope(demo.tenantId, db.deps.availability);
  const reference = new RowByRowRepository();
  rowByRowCatalogues = new CatalogueCache(db.deps.db, reference);
  rowByRow = inTenantScope(demo.tenantId, new AvailabilityService(db.deps.db, reference, rowByRowCatalogues));
});
afterAll(() => db.drop());

describe('merged busy time answers as every row would', () => {
  it('a month booked solid but for one gap of exactly the service’s length on its last working day: that one start, nothing else', async () => {
    // Dr Iyer (dermatology, 20 minutes) works Tuesday to Thursday, 11:00–19:00, at Midtown; 20-minute visits 10 minutes apart leave no room.
    const first = plusDays(monday(0), 1);
    const days = Array.from({ length: 4 }, (_, w) => [0, 1, 2].map((d) => plusDays(first, w * 7 + d))).flat();
    for (const day of days.slice(0, -1)) await occupy(day, packed('11:00', '19:00', 20, 10), [r('drIyer')]);
    const last = days.at(-1)!;
    await occupy(last, [['11:00', '14:00'], ['14:20', '19:00']], [r('drIyer')]);

    const slots = await search({ branchIds: [demo.branches.east], serviceId: demo.services.derm, from: local(first, '00:00'), to: local(plusDays(last, 1), '00:00'), limit: 20 });
    expect(starts(slots)).toEqual([`${last} 14:00`]);
    expect(slots[0]!.endsAt).toBe(local(last, '14:20').toISOString());

    // A gap one minute short of the length offers nothing.
    const next = plusDays(last, 7);
    await occupy(next, [['11:00', '14:00'], ['14:19', '19:00']], [r('drIyer')]);
    expect(await search({ branchIds: [demo.branches.east], serviceId: demo.services.derm, from: local(next, '00:00'), to: local(plusDays(next, 1), '00:00'), limit: 20 })).toEqual([]);
  });

  it('buffers count in the length a gap must have: 5 minutes before a 60-minute physio session need a gap of 65', async () => {
    const day = monday(1);
    // Emily Shaw works Mondays 08:00–14:00 at Midtown.
    await occupy(day, [['08:00', '08:55'], ['10:00', '14:00']], [r('ptShaw')]);
    const slots = await search({ branchIds: [demo.branches.east], serviceId: demo.services.physio, from: local(day, '00:00'), to: local(day, '23:59'), limit: 20 });
    expect(starts(slots)).toEqual([`${day} 09:00`]);

    const tuesday = plusDays(day, 1);
    await occupy(tuesday, [['08:00', '08:56'], ['10:00', '14:00']], [r('ptShaw')]);
    expect(await search({ branchIds: [demo.branches.east], serviceId: demo.services.physio, from: local(tuesday, '00:00'), to: local(tuesday, '23:59'), limit: 20 })).toEqual([]);
  });

  it('practitioners with their own lengths: a gap fits the shorter one’s visits, not the longer one’s', async () => {
    // GP visits take 15 minutes; Dr Carter takes 45.
    await db.sql.query(`INSERT INTO service_practitioner (tenant_id, service_id, resource_id, duration_min) VALUES ($1, $2, $3, NULL), ($1, $2, $4, 45)`, [demo.tenantId, demo.services.gp, r('drRao'), r('drCarter')]);
    settingsChanged();
    try {
      const day = monday(2);
      // Both have a 30-minute gap at 10:00 and a 45-minute one at 13:00; otherwise booked through their hours.
      await occupy(day, [['08:30', '10:00'], ['10:30', '13:00'], ['13:45', '18:00']], [r('drCarter')]);
      await occupy(day, [['09:00', '10:00'], ['10:30', '13:00'], ['13:45', '17:00']], [r('drRao')]);
      const slots = await search({ branchIds: [demo.branches.east], serviceId: demo.services.gp, from: local(day, '00:00'), to: local(day, '23:59'), limit: 50 });
      expect(slots.map((s) => `${wallTime(s.startsAt, NY)}-${wallTime(s.endsAt, NY)} ${s.resourceIds[0] === r('drCarter') ? 'Carter' : 'Rao'}`)).toEqual([
        '10:00-10:15 Rao',
        '10:15-10:30 Rao',
        '13:00-13:15 Rao',
        '13:00-13:45 Carter',
        '13:15-13:30 Rao',
        '13:30-13:45 Rao',
      ]);
    } finally {
      await db.sql.query(`DELETE FROM service_practitioner WHERE tenant_id = $1 AND service_id = $2`, [demo.tenantId, demo.services.gp]);
      settingsChanged();
    }
  });

  it('across a clock change: a night shift over the spring-forward hour keeps its quarter hours, short gaps or not', async () => {
    // Dr Okafor works all Saturday night into Sunday at Lakeview (Chicago), over the 2027 spring-forward (02:00 → 03:00 on 14 March).
    const saturday = '2027-03-13';
    const sunday = '2027-03-14';
    const hours = await db.sql.query<{ id: string }>(
      `INSERT INTO working_hours (tenant_id, resource_id, branch_id, weekday, start_minute, end_minute)
       VALUES ($1, $2, $3, 6, 1200, 1440), ($1, $2, $3, 7, 0, 360) RETURNING id`,
      [demo.tenantId, r('drOkafor'), demo.branches.west],
    );
    settingsChanged();
    const made: string[] = [];
    try {
      made.push(...(await occupy(saturday, [['20:00', '21:00'], ['21:10', '22:00']], [r('drOkafor')], { zone: CHI, branchId: demo.branches.west })));
      // The free time from 01:50 to 03:05 is 15 minutes of real time across the jump.
      made.push(...(await occupy(sunday, [['00:00', '01:00'], ['01:05', '01:50'], ['03:05', '04:00'], ['04:20', '05:00']], [r('drOkafor')], { zone: CHI, branchId: demo.branches.west })));
      const slots = await search({ branchIds: [demo.branches.west], serviceId: demo.services.gp, resourceIds: [r('drOkafor')], from: local(saturday, '17:00', CHI), to: local(sunday, '12:00', CHI), limit: 50 });
      expect(starts(slots, CHI)).toEqual([
        `${saturday} 22:00`,
        `${saturday} 22:15`,
        `${saturday} 22:30`,
        `${saturday} 22:45`,
        `${saturday} 23:00`,
        `${saturday} 23:15`,
        `${saturday} 23:30`,
        `${saturday} 23:45`,
        `${sunday} 04:00`,
        `${sunday} 05:00`,
        `${sunday} 05:15`,
        `${sunday} 05:30`,
        `${sunday} 05:45`,
      ]);
    } finally {
      await db.sql.query(`DELETE FROM appointment WHERE tenant_id = $1 AND id = ANY ($2::uuid[])`, [demo.tenantId, made]);
      await db.sql.query(`DELETE FROM working_hours WHERE id = ANY ($1::uuid[])`, [hours.rows.map((h) => h.id)]);
      settingsChanged();
    }
  });

  it('a step that does not divide the hour keeps short gaps: where a free stretch begins decides its starts', async () => {
    // Monday: Dr Rao is free 09:50–10:00 only (too short for 15 minutes), Dr Carter 10:00–11:00. With 25-minute steps the
    // stretch from 09:50 offers 10:15 and 10:40; read from 10:00 it would offer 10:00 and 10:25.
    const day = monday(3);
    await occupy(day, [['09:00', '09:50'], ['10:00', '17:00']], [r('drRao')]);
    await occupy(day, [['08:30', '10:00'], ['11:00', '18:00']], [r('drCarter')]);
    const slots = await search({ branchIds: [demo.branches.east], serviceId: demo.services.gp, from: local(day, '00:00'), to: local(day, '23:59'), limit: 20, stepMinutes: 25 });
    expect(starts(slots)).toEqual([`${day} 10:15`, `${day} 10:40`]);
  });

  it('an expired hold is free time, a live one is not, and a moved appointment does not block itself', async () => {
    const day = plusDays(monday(6), 2);
    // Dr Iyer, Wednesday: booked solid but 14:00–15:00, where a hold sits at 14:00–14:30.
    await occupy(day, [['11:00', '14:00'], ['15:00', '19:00']], [r('drIyer')]);
    const [hold] = await occupy(day, [['14:00', '14:30']], [r('drIyer')], { status: 'HELD', holdExpiresAt: new Date(Date.now() + 600_000) });
    const q = { branchIds: [demo.branches.east], serviceId: demo.services.derm, from: local(day, '00:00'), to: local(day, '23:59'), limit: 20 };
    expect(starts(await search(q))).toEqual([`${day} 14:30`]);
    expect(starts(await search({ ...q, excludeAppointmentId: hold }))).toEqual([`${day} 14:00`, `${day} 14:15`, `${day} 14:30`]);
    await db.sql.query(`UPDATE appointment SET hold_expires_at = now() - interval '1 minute' WHERE tenant_id = $1 AND id = $2`, [demo.tenantId, hold]);
    expect(starts(await search(q))).toEqual([`${day} 14:00`, `${day} 14:15`, `${day} 14:30`]);
  });

  it('every start of a busy fortnight at both branches, all services, with and without a chosen practitioner', async () => {
    // Irregular bookings inside each one's hours: visits of 10 to 50 minutes with gaps of 0 to 40, rooms and chairs too.
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647) % 1000;
    const hhmm = (n: number) => `${String(Math.floor(n / 60)).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}`;
    const from = monday(4);
    const who = ['drRao', 'drCarter', 'drKim', 'drNair', 'eastRoom1', 'eastChairA', 'drOkafor', 'drGarcia', 'ptShaw', 'westRoom1', 'westGym'].map(r);
    const { rows: hours } = await db.sql.query<{ resource_id: string; branch_id: string; weekday: number; start_minute: number; end_minute: number }>(
      `SELECT resource_id, branch_id, weekday, start_minute, end_minute FROM working_hours WHERE tenant_id = $1 AND resource_id = ANY ($2::uuid[])`,
      [demo.tenantId, who],
    );
    for (let d = 0; d < 14; d++) {
      const day = plusDays(from, d);
      const weekday = DateTime.fromISO(day).weekday;
      for (const h of hours.filter((x) => x.weekday === weekday)) {
        const ranges: [string, string][] = [];
        // Rooms and chairs work all day: their bookings keep to the daytime.
        const [open, close] = [Math.max(h.start_minute, 7 * 60), Math.min(h.end_minute, 20 * 60)];
        for (let t = open + (next() % 40); ; ) {
          const length = 10 + (next() % 41);
          if (t + length > close) break;
          ranges.push([hhmm(t), hhmm(t + length)]);
          t += length + (next() % 41);
        }
        await occupy(day, ranges, [h.resource_id], { zone: h.branch_id === demo.branches.east ? NY : CHI, branchId: h.branch_id });
      }
    }
    const window = { from: local(from, '00:00'), to: local(plusDays(from, 14), '00:00') };
    const both = [demo.branches.east, demo.branches.west];
    for (const serviceId of Object.values(demo.services)) {
      await search({ branchIds: both, serviceId, ...window, limit: 400 });
      await search({ branchIds: both, serviceId, ...window, limit: 7 });
    }
    await search({ branchIds: both, serviceId: demo.services.gp, resourceIds: [r('drRao')], ...window, limit: 400 });
    await search({ branchIds: [demo.branches.west], serviceId: demo.services.physio, resourceIds: [r('ptShaw')], ...window, limit: 400 });
    await search({ branchIds: both, serviceId: demo.services.gp, ...window, limit: 400, stepMinutes: 25 });
    await search({ branchIds: both, serviceId: demo.services.gp, ...window, limit: 400, filter: { fromMin: 12 * 60, toMin: 17 * 60, weekdays: [2, 4] } });
    const some = await search({ branchIds: both, serviceId: demo.services.gp, ...window, limit: 400 });
    expect(some.length).toBeGreaterThan(50);
    expect(some.length).toBeLessThan(400);
  });
});
