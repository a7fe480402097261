import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError, domainErrorOf, localMinuteToInstant, workingIntervals } from '@frontdesk/shared';
import { seedDemo, type DemoClinic } from '../seed/demo.js';
import { callerFor, type Caller } from '../testing/callers.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { appointmentViewSelect, toAppointmentView } from '../views/appointment.js';
import { sessionSelect, toSessionView } from '../views/session.js';
import { timeOffSelect, toTimeOffView } from '../views/time-off.js';

const NY = 'America/New_York';
let db: TestDatabase;
let demo: DemoClinic;
let other: DemoClinic;
let manager: Caller;
let receptionist: Caller;
let admin: Caller;

// A weekday well ahead, so nothing else is booked on it.
const date = (() => {
  let d = DateTime.now().setZone(NY).startOf('day').plus({ days: 20 });
  while (d.weekday !== 3) d = d.plus({ days: 1 });
  return d.toISODate()!;
})();
const at = (hhmm: string, day = date) => new Date(localMinuteToInstant(day, Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5)), NY));

function codeOf(error: unknown): string | undefined {
  const cause = (error as { cause?: unknown }).cause;
  return domainErrorOf(error)?.code ?? (cause instanceof DomainError ? cause.code : (error as { code?: string }).code);
}

let patientCursor = 0;
/** Writes an appointment straight to the database, with its practitioner and products. */
async function insert(o: { status: string; start: string; resourceId: string; price: number; reason?: string; day?: string; products?: [string, number, number][] }) {
  const startsAt = at(o.start, o.day);
  const endsAt = new Date(startsAt.getTime() + 15 * 60_000);
  const { rows } = await db.sql.query<{ id: string }>(
    `INSERT INTO appointment (tenant_id, branch_id, service_id, patient_id, status, starts_at, ends_at, price_cents, cancel_reason, created_by, hold_expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
    [demo.tenantId, demo.branches.east, demo.services.gp, o.status === 'HELD' ? null : demo.patients[patientCursor++ % demo.patients.length], o.status, startsAt, endsAt, o.price, o.reason ?? null, demo.staff.receptionist.id, ['HELD', 'EXPIRED', 'RELEASED'].includes(o.status) ? startsAt : null],
  );
  const id = rows[0]!.id;
  await db.sql.query(`INSERT INTO appointment_resource (appointment_id, resource_id, tenant_id, starts_at, ends_at, active) VALUES ($1, $2, $3, $4, $5, $6)`, [id, o.resourceId, demo.tenantId, startsAt, endsAt, !['CANCELLED', 'EXPIRED', 'RELEASED'].includes(o.status)]);
  for (const [productId, quantity, unit] of o.products ?? []) {
    await db.sql.query(`INSERT INTO appointment_product (tenant_id, appointment_id, product_id, quantity, unit_price_cents) VALUES ($1, $2, $3, $4, $5)`, [demo.tenantId, id, productId, quantity, unit]);
  }
  return id;
}

beforeAll(async () => {
  db = await createTestDatabase();
  demo = await seedDemo(db.owner, { emailDomain: 'daysheet.test', patients: 12 });
  other = await seedDemo(db.owner, { tenantName: 'Other Clinic', emailDomain: 'daysheet-other.test', patients: 2 });
  manager = await callerFor(db.deps, demo.staff.manager.email, demo.password);
  receptionist = await callerFor(db.deps, demo.staff.receptionist.email, demo.password);
  admin = await callerFor(db.deps, demo.staff.admin.email, demo.password);
  const { drRao, drCarter } = demo.resources as Record<string, string>;
  const { brush, mouthwash } = demo.products;
  await insert({ status: 'BOOKED', start: '09:00', resourceId: drRao!, price: 6500 });
  await insert({ status: 'CHECKED_IN', start: '09:30', resourceId: drRao!, price: 6500, products: [[brush, 2, 450]] });
  await insert({ status: 'COMPLETED', start: '10:00', resourceId: drRao!, price: 8000, products: [[brush, 1, 450], [mouthwash, 1, 700]] });
  await insert({ status: 'NO_SHOW', start: '10:30', resourceId: drRao!, price: 6500 });
  await insert({ status: 'CANCELLED', start: '11:00', resourceId: drRao!, price: 6500, reason: 'Patient unwell' });
  await insert({ status: 'CANCELLED', start: '11:00', resourceId: drCarter!, price: 6500, reason: 'Patient unwell' });
  await insert({ status: 'CANCELLED', start: '11:30', resourceId: drCarter!, price: 6500, reason: 'Clinic closed' });
  // A cancelled appointment's products are not sold.
  await insert({ status: 'CANCELLED', start: '12:00', resourceId: drCarter!, price: 6500, products: [[mouthwash, 3, 700]] });
  await insert({ status: 'COMPLETED', start: '14:00', resourceId: drCarter!, price: 9000 });
  // Holds, lapsed holds and the next day never count.
  await insert({ status: 'HELD', start: '15:00', resourceId: drCarter!, price: 6500 });
  await insert({ status: 'EXPIRED', start: '15:15', resourceId: drCarter!, price: 6500 });
  await insert({ status: 'RELEASED', start: '15:30', resourceId: drCarter!, price: 6500 });
  await insert({ status: 'COMPLETED', start: '09:00', day: DateTime.fromISO(date).plus({ days: 1 }).toISODate()!, resourceId: drCarter!, price: 6500 });
});
afterAll(() => db.drop());

describe('day sheet summary', () => {
  it('counts each state per practitioner, with revenue, cancel reasons and products, as the database does', async () => {
    const s = await manager.availability.daySummary({ branchId: demo.branches.east, date });
    expect(s.totals).toEqual({ booked: 1, arrived: 1, completed: 2, noShows: 1, cancelled: 4, revenueCents: 6500 + 6500 + 900 + 8000 + 1150 + 9000 });
    expect(s.practitioners.map((p) => [p.name, p.totals.cancelled, p.totals.revenueCents])).toEqual([
      ['Dr Anita Rao', 1, 6500 + 6500 + 900 + 8000 + 1150],
      ['Dr James Carter', 3, 9000],
    ]);
    expect(s.cancelReasons).toEqual([
      { reason: 'Patient unwell', count: 2 },
      { reason: 'Clinic closed', count: 1 },
      { reason: 'No reason given', count: 1 },
    ]);
    expect(s.productsSold.map((p) => [p.name, p.quantity, p.revenueCents])).toEqual([
      ['Mouthwash 500 ml', 1, 700],
      ['Toothbrush kit', 3, 1350],
    ]);

    // The same figures straight from SQL.
    const bounds = [at('00:00'), new Date(at('00:00').getTime() + 24 * 3_600_000)];
    const { rows } = await db.sql.query<{ status: string; n: number }>(
      `SELECT status::text, count(*)::int AS n FROM appointment WHERE tenant_id = $1 AND branch_id = $2 AND starts_at >= $3 AND starts_at < $4 GROUP BY status`,
      [demo.tenantId, demo.branches.east, bounds[0], bounds[1]],
    );
    const n = Object.fromEntries(rows.map((r) => [r.status, r.n]));
    expect([s.totals.booked, s.totals.arrived, s.totals.completed, s.totals.noShows, s.totals.cancelled]).toEqual([n.BOOKED, n.CHECKED_IN, n.COMPLETED, n.NO_SHOW, n.CANCELLED]);
    const { rows: money } = await db.sql.query<{ cents: number }>(
      `SELECT (SELECT coalesce(sum(price_cents), 0) FROM appointment a WHERE a.tenant_id = $1 AND a.branch_id = $2 AND a.starts_at >= $3 AND a.starts_at < $4 AND a.status IN ('BOOKED','CHECKED_IN','COMPLETED'))
            + (SELECT coalesce(sum(ap.quantity * ap.unit_price_cents), 0) FROM appointment a JOIN appointment_product ap ON ap.appointment_id = a.id
                WHERE a.tenant_id = $1 AND a.branch_id = $2 AND a.starts_at >= $3 AND a.starts_at < $4 AND a.status IN ('BOOKED','CHECKED_IN','COMPLETED')) AS cents`,
      [demo.tenantId, demo.branches.east, bounds[0], bounds[1]],
    );
    expect(s.totals.revenueCents).toBe(Number(money[0]!.cents));
  });

  it('is for managers of the branch only; another clinic’s branch is not found', async () => {
    await expect(receptionist.availability.daySummary({ branchId: demo.branches.east, date })).rejects.toSatisfy((e) => codeOf(e) === 'FORBIDDEN');
    await expect(manager.availability.daySummary({ branchId: demo.branches.west, date })).rejects.toSatisfy((e) => codeOf(e) === 'FORBIDDEN');
    await expect(manager.availability.daySummary({ branchId: other.branches.east, date })).rejects.toSatisfy((e) => codeOf(e) === 'NOT_FOUND');
    await expect(admin.availability.daySummary({ branchId: other.branches.east, date })).rejects.toSatisfy((e) => codeOf(e) === 'NOT_FOUND');
    const west = await admin.availability.daySummary({ branchId: demo.branches.west, date });
    expect(west.totals).toEqual({ booked: 0, arrived: 0, completed: 0, noShows: 0, cancelled: 0, revenueCents: 0 });
  });
});

describe('day sheet', () => {
  it('reads the day’s appointments in one statement exactly as the relation reads build them: states, holds without a patient, products, series', async () => {
    // One appointment in a series of two, so the series' fields are read too.
    const { rows } = await db.sql.query<{ id: string }>(`SELECT id FROM appointment WHERE tenant_id = $1 AND status = 'COMPLETED' AND branch_id = $2 ORDER BY starts_at LIMIT 1`, [demo.tenantId, demo.branches.east]);
    const seriesId = (await db.sql.query<{ id: string }>(
      `INSERT INTO series (tenant_id, branch_id, service_id, patient_id, rule, local_start, time_zone, practitioner_ids, occurrence_count, created_by)
       VALUES ($1, $2, $3, $4, 'FREQ=WEEKLY;COUNT=2', $5, $6, ARRAY[$7]::uuid[], 2, $8) RETURNING id`,
      [demo.tenantId, demo.branches.east, demo.services.gp, demo.patients[0], `${date}T10:00`, NY, (demo.resources as Record<string, string>).drRao, demo.staff.receptionist.id],
    )).rows[0]!.id;
    await db.sql.query(`UPDATE appointment SET series_id = $1, series_index = 1 WHERE id = $2`, [seriesId, rows[0]!.id]);

    const sheet = await receptionist.availability.day({ branchId: demo.branches.east, date });
    const from = new Date(sheet.startsAt);
    const to = new Date(sheet.endsAt);
    const expected = (
      await db.owner.appointment.findMany({
        where: { tenantId: demo.tenantId, branchId: demo.branches.east, startsAt: { lt: to }, endsAt: { gt: from } },
        select: appointmentViewSelect,
        orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
      })
    ).map((row) => toAppointmentView(row, new Date()));
    // Neither read gave an appointment's resources or products an order of their own: compared sorted.
    const sorted = <T extends { resources: { resourceId: string }[]; products: { productId: string }[] }>(a: T) => ({
      ...a,
      resources: [...a.resources].sort((x, y) => x.resourceId.localeCompare(y.resourceId)),
      products: [...a.products].sort((x, y) => x.productId.localeCompare(y.productId)),
    });
    expect(sheet.appointments.length).toBe(12);
    expect(sheet.appointments.map(sorted)).toEqual(expected.map(sorted));
    expect(sheet.appointments.find((a) => a.series)?.series).toEqual({ id: seriesId, index: 1, count: 2 });
    expect(sheet.appointments.find((a) => a.status === 'HELD' || a.status === 'EXPIRED')?.patient).toBeNull();
    expect(sheet.appointments.find((a) => a.products.length === 2)?.products).toHaveLength(2);
  });
  it('reads the resources with their hours and exceptions, the time off and the sessions in the same statement exactly as the relation reads give them', async () => {
    const { drRao, drCarter } = demo.resources as Record<string, string>;
    const q = (sql: string, values: unknown[]) => db.sql.query(sql, values);
    // Branch-wide time off, a practitioner's own (entered at another branch: it follows her), another branch's, and another clinic's.
    await q(`INSERT INTO time_off (tenant_id, branch_id, resource_id, kind, starts_at, ends_at, reason) VALUES ($1, $2, NULL, 'HOLIDAY', $3, $4, 'Staff training')`, [demo.tenantId, demo.branches.east, at('12:00'), at('13:00')]);
    await q(`INSERT INTO time_off (tenant_id, branch_id, resource_id, kind, starts_at, ends_at, reason) VALUES ($1, $2, $3, 'LEAVE', $4, $5, 'Dentist')`, [demo.tenantId, demo.branches.west, drRao, at('16:00'), at('17:00')]);
    await q(`INSERT INTO time_off (tenant_id, branch_id, resource_id, kind, starts_at, ends_at, reason) VALUES ($1, $2, NULL, 'HOLIDAY', $3, $4, 'West only')`, [demo.tenantId, demo.branches.west, at('12:00'), at('13:00')]);
    await q(`INSERT INTO time_off (tenant_id, branch_id, resource_id, kind, starts_at, ends_at, reason) VALUES ($1, $2, NULL, 'HOLIDAY', $3, $4, 'Not ours')`, [other.tenantId, other.branches.east, at('12:00'), at('13:00')]);
    await q(`INSERT INTO capacity_session (tenant_id, branch_id, resource_id, name, starts_at, ends_at, capacity, issued, now_serving) VALUES ($1, $2, $3, 'Flu clinic', $4, $5, 30, 4, 2)`, [demo.tenantId, demo.branches.east, drCarter, at('08:00'), at('10:00')]);
    await q(`INSERT INTO working_hours_exception (tenant_id, resource_id, branch_id, date, start_minute, end_minute) VALUES ($1, $2, $3, $4, 480, 720), ($1, $2, $3, $4, 780, 960)`, [demo.tenantId, drCarter, demo.branches.east, date]);

    const sheet = await receptionist.availability.day({ branchId: demo.branches.east, date });
    const from = new Date(sheet.startsAt);
    const to = new Date(sheet.endsAt);
    const during = { startsAt: { lt: to }, endsAt: { gt: from } };
    const resources = await db.owner.resource.findMany({
      where: { tenantId: demo.tenantId, active: true, branches: { some: { branchId: demo.branches.east } } },
      select: { id: true, kind: true, name: true, tags: true, colour: true },
      orderBy: [{ kind: 'asc' }, { name: 'asc' }, { id: 'asc' }],
    });
    expect(sheet.resources.map(({ working: _, ...r }) => r)).toEqual(resources);
    // Every resource's working time from its weekly hours (or that date's exceptions) read the relation way.
    const bounds = { start: from.getTime(), end: to.getTime() };
    for (const r of sheet.resources) {
      const hours = await db.owner.workingHours.findMany({ where: { resourceId: r.id, branchId: demo.branches.east }, select: { weekday: true, startMinute: true, endMinute: true } });
      const exceptions = await db.owner.workingHoursException.findMany({ where: { resourceId: r.id, branchId: demo.branches.east, date: new Date(`${date}T00:00:00Z`) }, select: { startMinute: true, endMinute: true }, orderBy: { startMinute: 'asc' } });
      const working = workingIntervals(bounds, hours, NY, exceptions.length > 0 ? { [date]: exceptions } : undefined);
      expect(r.working).toEqual(working.map((i) => ({ startsAt: new Date(i.start).toISOString(), endsAt: new Date(i.end).toISOString() })));
    }
    expect(sheet.resources.find((r) => r.id === drRao)?.working.length).toBeGreaterThan(0);
    // Dr Carter's exception replaces his weekly hours that day: 08:00–12:00 and 13:00–16:00.
    expect(sheet.resources.find((r) => r.id === drCarter)?.working).toEqual([
      { startsAt: at('08:00').toISOString(), endsAt: at('12:00').toISOString() },
      { startsAt: at('13:00').toISOString(), endsAt: at('16:00').toISOString() },
    ]);
    const expectedTimeOff = (
      await db.owner.timeOff.findMany({
        where: { tenantId: demo.tenantId, ...during, OR: [{ resourceId: null, branchId: demo.branches.east }, { resourceId: { in: resources.map((r) => r.id) } }] },
        select: timeOffSelect,
        orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
      })
    ).map(toTimeOffView);
    expect(sheet.timeOff.map((t) => t.reason)).toEqual(expect.arrayContaining(['Staff training', 'Dentist']));
    expect(sheet.timeOff.map((t) => t.reason)).not.toContain('West only');
    expect(sheet.timeOff.map((t) => t.reason)).not.toContain('Not ours');
    expect(sheet.timeOff).toEqual(expectedTimeOff);
    const expectedSessions = (
      await db.owner.capacitySession.findMany({ where: { tenantId: demo.tenantId, branchId: demo.branches.east, ...during }, select: sessionSelect, orderBy: [{ startsAt: 'asc' }, { id: 'asc' }] })
    ).map(toSessionView);
    expect(sheet.sessions.some((c) => c.name === 'Flu clinic' && c.issued === 4 && c.nowServing === 2)).toBe(true);
    expect(sheet.sessions).toEqual(expectedSessions);
    // The log position is the clinic's head when the day was read.
    const head = await q(`SELECT coalesce(max(seq), 0)::text AS seq FROM "event" WHERE tenant_id = $1`, [demo.tenantId]);
    expect(sheet.asOfSeq).toBe((head.rows[0] as { seq: string }).seq);
  });
});
