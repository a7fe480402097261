// Over 300 lines: slot finding, the day sheet and the clock-change days share one seeded clinic; splitting would seed it three times.
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError, domainErrorOf, localDayBounds, wallTime, type SlotView } from '@frontdesk/shared';
import { seedDemo, type DemoClinic } from '../seed/demo.js';
import { callerFor, type Caller } from '../testing/callers.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { local, monday, plusDays } from '../testing/dates.js';
import type { AvailabilityService } from './availability.service.js';
import { inTenantScope } from '../testing/scope.js';

const NY = 'America/New_York';
const CHI = 'America/Chicago';
const HOUR = 3_600_000;

let db: TestDatabase;
let demo: DemoClinic;
let other: DemoClinic;
let availability: AvailabilityService;
let callCentre: Caller;
let receptionist: Caller;
let manager: Caller;
let patientCursor = 0;

const iso = (d: Date) => d.toISOString();
const r = (key: string) => demo.resources[key]!;

function codeOf(error: unknown): string | undefined {
  const cause = (error as { cause?: unknown }).cause;
  const code = domainErrorOf(error)?.code ?? (cause instanceof DomainError ? cause.code : (error as { code?: string }).code);
  // Zod failures surface as tRPC's BAD_REQUEST; the desk sees them as BAD_INPUT.
  return code === 'BAD_REQUEST' ? 'BAD_INPUT' : code;
}

/** Writes an appointment straight to the database, past the booking code. */
async function insertAppointment(o: {
  branchId?: string;
  serviceId?: string;
  status: 'HELD' | 'BOOKED' | 'CANCELLED';
  startsAt: Date;
  endsAt: Date;
  /** Occupied range; defaults to the patient-facing one. */
  occupied?: [Date, Date];
  resourceIds: string[];
  holdExpiresAt?: Date;
}): Promise<string> {
  const patientId = o.status === 'HELD' ? null : demo.patients[patientCursor++ % demo.patients.length]!;
  const { rows } = await db.sql.query<{ id: string }>(
    `INSERT INTO appointment (tenant_id, branch_id, service_id, patient_id, status, starts_at, ends_at, hold_expires_at, price_cents, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 6500, $9) RETURNING id`,
    [demo.tenantId, o.branchId ?? demo.branches.east, o.serviceId ?? demo.services.gp, patientId, o.status, o.startsAt, o.endsAt, o.holdExpiresAt ?? null, demo.staff.receptionist.id],
  );
  const id = rows[0]!.id;
  const [from, to] = o.occupied ?? [o.startsAt, o.endsAt];
  for (const resourceId of o.resourceIds) {
    await db.sql.query(`INSERT INTO appointment_resource (appointment_id, resource_id, tenant_id, starts_at, ends_at) VALUES ($1, $2, $3, $4, $5)`, [id, resourceId, demo.tenantId, from, to]);
  }
  return id;
}

const starts = (slots: SlotView[], zone = NY) => slots.map((s) => wallTime(s.startsAt, zone));

beforeAll(async () => {
  db = await createTestDatabase();
  demo = await seedDemo(db.owner, { emailDomain: 'availability.test', patients: 30 });
  other = await seedDemo(db.owner, { tenantName: 'Other Clinic', emailDomain: 'availability-other.test', patients: 2 });
  availability = inTenantScope(demo.tenantId, db.deps.availability);
  callCentre = await callerFor(db.deps, demo.staff.callCentre.email, demo.password);
  receptionist = await callerFor(db.deps, demo.staff.receptionist.email, demo.password);
  manager = await callerFor(db.deps, demo.staff.manager.email, demo.password);
});
afterAll(() => db.drop());

describe('findSlots', () => {
  it('respects working hours: Dr Rao starts at 09:00 on Monday in New York and not at all there on Tuesday', async () => {
    const day = monday(0);
    const slots = await callCentre.availability.findSlots({ serviceId: demo.services.gp, branchIds: [demo.branches.east], resourceIds: [r('drRao')], from: iso(local(day, '00:00')), limit: 3 });
    expect(starts(slots)).toEqual(['09:00', '09:15', '09:30']);
    expect(slots[0]!.resourceIds[0]).toBe(r('drRao'));
    expect([r('eastRoom1'), r('eastRoom2')]).toContain(slots[0]!.resourceIds[1]);
    expect(slots[0]!.endsAt).toBe(iso(local(day, '09:15')));

    const tuesday = plusDays(day, 1);
    const none = await callCentre.availability.findSlots({ serviceId: demo.services.gp, branchIds: [demo.branches.east], resourceIds: [r('drRao')], from: iso(local(tuesday, '00:00')), to: iso(local(tuesday, '23:59')) });
    expect(none).toEqual([]);
  });

  it('never offers a start in the past', async () => {
    const slots = await callCentre.availability.findSlots({ serviceId: demo.services.gp, from: '2020-01-06T00:00:00Z', limit: 5 });
    expect(slots.length).toBe(5);
    for (const s of slots) expect(Date.parse(s.startsAt)).toBeGreaterThanOrEqual(Date.now() - 60_000);
  });

  it('the last slot ends exactly when the practitioner stops working', async () => {
    const day = monday(0);
    const slots = await availability.search({ tenantId: demo.tenantId, branchIds: [demo.branches.east], serviceId: demo.services.gp, resourceIds: [r('drRao')], from: local(day, '00:00'), to: local(day, '23:59'), limit: 100 });
    expect(slots).toHaveLength(32);
    expect(slots.at(-1)!.endsAt).toBe(iso(local(day, '17:00')));
  });

  it('respects buffers: a physio session needs 5 minutes before it inside the physio’s hours', async () => {
    const slots = await availability.search({ tenantId: demo.tenantId, branchIds: [demo.branches.east], serviceId: demo.services.physio, resourceIds: [r('ptShaw')], from: local(monday(0), '00:00'), to: local(monday(0), '23:59'), limit: 100 });
    expect(starts(slots)[0]).toBe('08:15');
    // Ends by 14:00: the last 60-minute session starts at 13:00.
    expect(starts(slots).at(-1)).toBe('13:00');
  });

  it('respects an existing booking’s buffer: a check-up ending 10:30 keeps the dentist until 10:35', async () => {
    const day = monday(1);
    await insertAppointment({ serviceId: demo.services.checkup, status: 'BOOKED', startsAt: local(day, '10:00'), endsAt: local(day, '10:30'), occupied: [local(day, '10:00'), local(day, '10:35')], resourceIds: [r('drNair'), r('eastChairA')] });
    const base = { tenantId: demo.tenantId, branchId: demo.branches.east, serviceId: demo.services.checkup, resourceIds: [r('drNair')] };
    const taken = await availability.check({ ...base, start: local(day, '10:30') });
    expect(taken).toMatchObject({ ok: false, code: 'SLOT_TAKEN', blockers: [{ resourceId: r('drNair'), kind: 'appointment', startsAt: iso(local(day, '10:00')), endsAt: iso(local(day, '10:35')) }] });
    const free = await availability.check({ ...base, start: local(day, '10:35') });
    expect(free.ok).toBe(true);
    // The check-up's own 5-minute after-buffer must fit in Dr Nair's day (ends 17:00).
    expect((await availability.check({ ...base, start: local(day, '16:30') })).ok).toBe(false);
    expect(await availability.check({ ...base, start: local(day, '16:30') })).toMatchObject({ code: 'OUTSIDE_HOURS' });
    expect((await availability.check({ ...base, start: local(day, '16:25') })).ok).toBe(true);
    // 09:15 ends its buffer at 09:50; 09:30 to 10:30 would run into the booking.
    const search = await availability.search({ ...base, branchIds: [demo.branches.east], from: local(day, '09:15'), to: local(day, '12:00'), limit: 3 });
    expect(starts(search)).toEqual(['09:15', '10:45', '11:00']);
  });

  it('skips existing bookings and live holds, and treats an expired hold as free', async () => {
    const day = monday(2);
    await insertAppointment({ status: 'BOOKED', startsAt: local(day, '08:30'), endsAt: local(day, '08:45'), resourceIds: [r('drCarter'), r('eastRoom1')] });
    await insertAppointment({ status: 'HELD', holdExpiresAt: new Date(Date.now() + HOUR), startsAt: local(day, '08:45'), endsAt: local(day, '09:00'), resourceIds: [r('drCarter'), r('eastRoom1')] });
    await insertAppointment({ status: 'HELD', holdExpiresAt: new Date(Date.now() - 1000), startsAt: local(day, '09:00'), endsAt: local(day, '09:15'), resourceIds: [r('drCarter'), r('eastRoom1')] });
    const slots = await callCentre.availability.findSlots({ serviceId: demo.services.gp, branchIds: [demo.branches.east], resourceIds: [r('drCarter')], from: iso(local(day, '00:00')), limit: 2 });
    expect(starts(slots)).toEqual(['09:00', '09:15']);

    const held = await availability.check({ tenantId: demo.tenantId, branchId: demo.branches.east, serviceId: demo.services.gp, resourceIds: [r('drCarter')], start: local(day, '08:45') });
    expect(held).toMatchObject({ ok: false, code: 'SLOT_TAKEN', blockers: [{ resourceId: r('drCarter'), kind: 'hold' }] });
    // Blockers never carry patient details.
    expect(JSON.stringify(held)).not.toMatch(/patient|phone|name/i);
  });

  it('needs a dentist and a chair together: a busy only chair pushes the first slot although the dentist is free', async () => {
    const day = monday(0);
    await insertAppointment({ branchId: demo.branches.west, serviceId: demo.services.checkup, status: 'BOOKED', startsAt: local(day, '08:00', CHI), endsAt: local(day, '12:00', CHI), resourceIds: [r('westChair')] });
    const slots = await availability.search({ tenantId: demo.tenantId, branchIds: [demo.branches.west], serviceId: demo.services.checkup, from: local(day, '00:00', CHI), to: local(day, '23:59', CHI), limit: 1 });
    expect(starts(slots, CHI)).toEqual(['12:00']);
    expect(slots[0]!.resourceIds).toEqual([r('drGarcia'), r('westChair')]);
    const check = await availability.check({ tenantId: demo.tenantId, branchId: demo.branches.west, serviceId: demo.services.checkup, start: local(day, '09:00', CHI) });
    expect(check).toMatchObject({ ok: false, code: 'SLOT_TAKEN', blockers: [{ resourceId: r('westChair'), kind: 'appointment' }] });
  });

  it('searches across branches earliest first: Dr Rao is in New York on Monday and in Chicago on Tuesday', async () => {
    const day = monday(0);
    const both = [demo.branches.east, demo.branches.west];
    const fromMonday = await callCentre.availability.findSlots({ serviceId: demo.services.gp, branchIds: both, resourceIds: [r('drRao')], from: iso(local(day, '00:00')), limit: 40 });
    expect(fromMonday[0]).toMatchObject({ branchId: demo.branches.east, startsAt: iso(local(day, '09:00')) });
    const fromTuesday = await callCentre.availability.findSlots({ serviceId: demo.services.gp, branchIds: both, resourceIds: [r('drRao')], from: iso(local(plusDays(day, 1), '00:00')), limit: 1 });
    expect(fromTuesday[0]).toMatchObject({ branchId: demo.branches.west, startsAt: iso(local(plusDays(day, 1), '09:00', CHI)) });

    const any = await callCentre.availability.findSlots({ serviceId: demo.services.gp, from: iso(local(day, '00:00')), limit: 60 });
    const times = any.map((s) => Date.parse(s.startsAt));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(new Set(any.map((s) => s.branchId))).toEqual(new Set(both));
    expect(any[0]).toMatchObject({ branchId: demo.branches.east, startsAt: iso(local(day, '08:30')) });
  });

  it('refuses another tenant’s service and resources (NOT_FOUND) and branches outside the actor’s (FORBIDDEN)', async () => {
    const from = iso(local(monday(0), '00:00'));
    await expect(callCentre.availability.findSlots({ serviceId: other.services.gp, from }).catch(codeOf)).resolves.toBe('NOT_FOUND');
    await expect(callCentre.availability.findSlots({ serviceId: demo.services.gp, resourceIds: [other.resources.drRao!], from }).catch(codeOf)).resolves.toBe('NOT_FOUND');
    await expect(callCentre.availability.findSlots({ serviceId: demo.services.gp, branchIds: [other.branches.east], from }).catch(codeOf)).resolves.toBe('FORBIDDEN');
    await expect(receptionist.availability.findSlots({ serviceId: demo.services.gp, branchIds: [demo.branches.west], from }).catch(codeOf)).resolves.toBe('FORBIDDEN');
    await expect(callCentre.availability.day({ branchId: other.branches.east, date: monday(0) }).catch(codeOf)).resolves.toBe('FORBIDDEN');
    // A resource that cannot give the service is bad input, not an empty answer.
    await expect(callCentre.availability.findSlots({ serviceId: demo.services.gp, resourceIds: [r('drNair')], from }).catch(codeOf)).resolves.toBe('BAD_INPUT');
  });

  it('a receptionist searches only her own branch by default', async () => {
    const slots = await receptionist.availability.findSlots({ serviceId: demo.services.gp, from: iso(local(monday(0), '00:00')), limit: 50 });
    expect(new Set(slots.map((s) => s.branchId))).toEqual(new Set([demo.branches.east]));
  });
});

describe('alternatives', () => {
  it('offers the nearest free times with the chosen practitioner, same day first', async () => {
    const day = monday(3);
    await insertAppointment({ status: 'BOOKED', startsAt: local(day, '11:00'), endsAt: local(day, '11:15'), resourceIds: [r('drRao'), r('eastRoom1')] });
    const alts = await availability.alternatives({ tenantId: demo.tenantId, branchId: demo.branches.east, serviceId: demo.services.gp, around: local(day, '11:00'), resourceIds: [r('drRao')], limit: 3 });
    expect(alts.map((a) => wallTime(a.startsAt, NY))).toEqual(['10:45', '11:15', '10:30']);
    for (const a of alts) expect(a.resourceIds[0]).toBe(r('drRao'));
  });
});

describe('day sheet', () => {
  it('shows working resources, appointments with patient and service, time off, and expired holds as EXPIRED', async () => {
    const day = monday(4);
    const before = await db.sql.query<{ seq: string }>(`SELECT coalesce(max(seq), 0)::text AS seq FROM event WHERE tenant_id = $1`, [demo.tenantId]);
    const booked = await insertAppointment({ status: 'BOOKED', startsAt: local(day, '09:00'), endsAt: local(day, '09:15'), resourceIds: [r('drCarter'), r('eastRoom2')] });
    const expired = await insertAppointment({ status: 'HELD', holdExpiresAt: new Date(Date.now() - 1000), startsAt: local(day, '10:00'), endsAt: local(day, '10:15'), resourceIds: [r('drCarter'), r('eastRoom2')] });
    const held = await insertAppointment({ status: 'HELD', holdExpiresAt: new Date(Date.now() + HOUR), startsAt: local(day, '11:00'), endsAt: local(day, '11:15'), resourceIds: [r('drCarter'), r('eastRoom2')] });
    await insertAppointment({ status: 'BOOKED', startsAt: local(plusDays(day, 1), '09:00'), endsAt: local(plusDays(day, 1), '09:15'), resourceIds: [r('drCarter'), r('eastRoom2')] });

    const sheet = await receptionist.availability.day({ branchId: demo.branches.east, date: day });
    expect(sheet.asOfSeq).toBe(before.rows[0]!.seq);
    expect(sheet.timeZone).toBe(NY);
    expect(sheet.endsAt).toBe(iso(local(plusDays(day, 1), '00:00')));
    const byId = new Map(sheet.appointments.map((a) => [a.id, a]));
    expect(sheet.appointments).toHaveLength(3);
    expect(byId.get(booked)).toMatchObject({ status: 'BOOKED', serviceName: 'GP consultation', patient: { id: expect.any(String), name: expect.any(String), phone: expect.any(String) } });
    expect(byId.get(booked)!.resources.map((x) => x.resourceId).sort()).toEqual([r('drCarter'), r('eastRoom2')].sort());
    expect(byId.get(expired)!.status).toBe('EXPIRED');
    expect(byId.get(held)!.status).toBe('HELD');
    const carter = sheet.resources.find((x) => x.id === r('drCarter'))!;
    expect(carter.working).toEqual([{ startsAt: iso(local(day, '08:30')), endsAt: iso(local(day, '18:00')) }]);
    expect(sheet.resources.some((x) => x.id === r('drOkafor'))).toBe(false);
  });

  it('is 23 hours long on the spring-forward day and 25 on the fall-back day', async () => {
    const spring = await callCentre.availability.day({ branchId: demo.branches.east, date: '2026-03-08' });
    expect(Date.parse(spring.endsAt) - Date.parse(spring.startsAt)).toBe(23 * HOUR);
    expect(spring.startsAt).toBe('2026-03-08T05:00:00.000Z');
    const room = spring.resources.find((x) => x.id === r('eastRoom1'))!;
    expect(room.working).toEqual([{ startsAt: spring.startsAt, endsAt: spring.endsAt }]);

    const fall = await callCentre.availability.day({ branchId: demo.branches.east, date: '2026-11-01' });
    expect(Date.parse(fall.endsAt) - Date.parse(fall.startsAt)).toBe(25 * HOUR);
    expect(fall.endsAt).toBe('2026-11-02T05:00:00.000Z');
  });
});

describe('slots on the days clocks change (2027, New York)', () => {
  let drSunday: string;
  beforeAll(async () => {
    const res = await db.owner.resource.create({ data: { tenantId: demo.tenantId, kind: 'PRACTITIONER', name: 'Dr Sunday', tags: ['gp'] }, select: { id: true } });
    drSunday = res.id;
    await db.owner.resourceBranch.create({ data: { tenantId: demo.tenantId, resourceId: drSunday, branchId: demo.branches.east } });
    await db.owner.workingHours.createMany({
      data: [
        { tenantId: demo.tenantId, resourceId: drSunday, branchId: demo.branches.east, weekday: 7, startMinute: 60, endMinute: 240 },
        { tenantId: demo.tenantId, resourceId: drSunday, branchId: demo.branches.east, weekday: 7, startMinute: 540, endMinute: 600 },
      ],
    });
    // Written past the schedule commands, so the cached catalogue is told by hand.
    db.deps.catalogues.invalidate(demo.tenantId);
  });

  const sundaySlots = (date: string) =>
    availability.search({ tenantId: demo.tenantId, branchIds: [demo.branches.east], serviceId: demo.services.gp, resourceIds: [drSunday], from: new Date(localDayBounds(date, NY).start), to: new Date(localDayBounds(date, NY).end), limit: 100 });

  it('spring forward (2027-03-14): 01:00–04:00 holds 8 quarter-hour slots and 09:00 is 13:00Z', async () => {
    const slots = await sundaySlots('2027-03-14');
    const night = slots.filter((s) => Date.parse(s.startsAt) < Date.parse('2027-03-14T12:00:00Z'));
    expect(night).toHaveLength(8);
    expect(starts(night)).toEqual(['01:00', '01:15', '01:30', '01:45', '03:00', '03:15', '03:30', '03:45']);
    expect(night[4]!.startsAt).toBe('2027-03-14T07:00:00.000Z');
    const morning = slots.filter((s) => wallTime(s.startsAt, NY) === '09:00');
    expect(morning.map((s) => s.startsAt)).toEqual(['2027-03-14T13:00:00.000Z']);
  });

  it('fall back (2027-11-07): 01:00–04:00 holds 16 slots (01:00 twice) and 09:00 is 14:00Z', async () => {
    const slots = await sundaySlots('2027-11-07');
    const night = slots.filter((s) => Date.parse(s.startsAt) < Date.parse('2027-11-07T12:00:00Z'));
    expect(night).toHaveLength(16);
    expect(night[0]!.startsAt).toBe('2027-11-07T05:00:00.000Z');
    expect(night.filter((s) => wallTime(s.startsAt, NY) === '01:00')).toHaveLength(2);
    const morning = slots.filter((s) => wallTime(s.startsAt, NY) === '09:00');
    expect(morning.map((s) => s.startsAt)).toEqual(['2027-11-07T14:00:00.000Z']);
  });

  it('check accepts 09:00 local on both days and refuses 02:30 on the spring-forward night (it never happens)', async () => {
    const base = { tenantId: demo.tenantId, branchId: demo.branches.east, serviceId: demo.services.gp, resourceIds: [drSunday] };
    expect(await availability.check({ ...base, start: new Date('2027-03-14T13:00:00Z') })).toMatchObject({ ok: true });
    expect(await availability.check({ ...base, start: new Date('2027-11-07T14:00:00Z') })).toMatchObject({ ok: true });
    expect(await availability.check({ ...base, start: new Date('2027-11-07T13:00:00Z') })).toMatchObject({ ok: false, code: 'OUTSIDE_HOURS' });
  });
});

describe('schedule commands', () => {
  const events = async (type: string) =>
    (await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM event WHERE tenant_id = $1 AND type = $2`, [demo.tenantId, type])).rows[0]!.n;

  it('time off blocks slots, keeps the bookings in it only when told, appends events, and removing it frees the time', async () => {
    const day = monday(5);
    const booked = await insertAppointment({ status: 'BOOKED', startsAt: local(day, '10:00'), endsAt: local(day, '10:15'), resourceIds: [r('drCarter'), r('eastRoom1')] });
    const addedBefore = await events('time_off.added');
    const leave = { branchId: demo.branches.east, resourceId: r('drCarter'), kind: 'LEAVE' as const, startsAt: iso(local(day, '08:00')), endsAt: iso(local(day, '12:00')), reason: 'Conference' };
    await expect(manager.schedule.addTimeOff(leave)).rejects.toSatisfy((e) => codeOf(e) === 'AFFECTS_APPOINTMENTS');
    expect(await events('time_off.added')).toBe(addedBefore);
    const added = await manager.schedule.addTimeOff({ ...leave, resolutions: { each: [{ appointmentId: booked, action: 'keep' }] } });
    expect(added.settled.kept).toEqual([booked]);
    expect(await events('time_off.added')).toBe(addedBefore + 1);
    const row = await db.sql.query(`SELECT kind, reason FROM time_off WHERE id = $1`, [added.timeOff.id]);
    expect(row.rows[0]).toEqual({ kind: 'LEAVE', reason: 'Conference' });

    const query = { serviceId: demo.services.gp, branchIds: [demo.branches.east], resourceIds: [r('drCarter')], from: iso(local(day, '00:00')), limit: 1 };
    expect(starts(await callCentre.availability.findSlots(query))).toEqual(['12:00']);
    const off = await availability.check({ tenantId: demo.tenantId, branchId: demo.branches.east, serviceId: demo.services.gp, resourceIds: [r('drCarter')], start: local(day, '09:00') });
    expect(off).toMatchObject({ ok: false, code: 'OUTSIDE_HOURS', details: { timeOff: [{ reason: 'Conference' }], resourceHours: [{ resourceId: r('drCarter'), branchId: demo.branches.east }] } });

    await manager.schedule.removeTimeOff({ timeOffId: added.timeOff.id });
    expect(await events('time_off.removed')).toBe(1);
    expect(starts(await callCentre.availability.findSlots(query))).toEqual(['08:30']);
  });

  it('a whole-branch holiday closes every resource of the branch', async () => {
    const day = monday(6);
    const holiday = await manager.schedule.addTimeOff({ branchId: demo.branches.east, kind: 'HOLIDAY', startsAt: iso(local(day, '00:00')), endsAt: iso(local(plusDays(day, 1), '00:00')), reason: 'Clinic holiday' });
    const slots = await callCentre.availability.findSlots({ serviceId: demo.services.gp, branchIds: [demo.branches.east], from: iso(local(day, '00:00')), to: iso(local(plusDays(day, 1), '00:00')) });
    expect(slots).toEqual([]);
    const sheet = await manager.availability.day({ branchId: demo.branches.east, date: day });
    expect(sheet.timeOff.map((t) => t.id)).toContain(holiday.timeOff.id);
  });

  it('setHours replaces a resource’s hours at a branch, appends hours.changed, and search sees it at once', async () => {
    const day = monday(7);
    const query = { serviceId: demo.services.derm, branchIds: [demo.branches.east], resourceIds: [r('drIyer')], from: iso(local(day, '00:00')), to: iso(local(plusDays(day, 1), '00:00')), limit: 100 };
    expect(await callCentre.availability.findSlots(query)).toEqual([]); // Dr Iyer does not work on Mondays
    await manager.schedule.setHours({ resourceId: r('drIyer'), branchId: demo.branches.east, hours: [{ weekday: 1, startMinute: 600, endMinute: 660 }] });
    expect(await events('hours.changed')).toBe(1);
    const rows = await db.sql.query(`SELECT weekday, start_minute, end_minute FROM working_hours WHERE resource_id = $1 AND branch_id = $2`, [r('drIyer'), demo.branches.east]);
    expect(rows.rows).toEqual([{ weekday: 1, start_minute: 600, end_minute: 660 }]);
    expect(starts(await callCentre.availability.findSlots(query))).toEqual(['10:00', '10:15', '10:30']);
  });

  it('bad input changes nothing: end before start, minutes out of range, unknown or other-tenant ids', async () => {
    const count = async () => (await db.sql.query<{ n: number }>(`SELECT (SELECT count(*) FROM time_off) + (SELECT count(*) FROM working_hours) + (SELECT count(*) FROM event) AS n`)).rows[0]!.n;
    const before = await count();
    const day = monday(8);
    const attempts = [
      () => manager.schedule.addTimeOff({ branchId: demo.branches.east, kind: 'BLOCKED', startsAt: iso(local(day, '12:00')), endsAt: iso(local(day, '11:00')), reason: '' }),
      () => manager.schedule.setHours({ resourceId: r('drCarter'), branchId: demo.branches.east, hours: [{ weekday: 8, startMinute: 0, endMinute: 60 }] }),
      () => manager.schedule.setHours({ resourceId: r('drCarter'), branchId: demo.branches.east, hours: [{ weekday: 1, startMinute: 600, endMinute: 1500 }] }),
      () => manager.schedule.setHours({ resourceId: r('drCarter'), branchId: demo.branches.east, hours: [{ weekday: 1, startMinute: 700, endMinute: 600 }] }),
    ];
    for (const attempt of attempts) await expect(attempt().catch(codeOf)).resolves.toBe('BAD_INPUT');
    await expect(manager.schedule.setHours({ resourceId: other.resources.drCarter!, branchId: demo.branches.east, hours: [] }).catch(codeOf)).resolves.toBe('NOT_FOUND');
    await expect(manager.schedule.addTimeOff({ branchId: demo.branches.east, resourceId: other.resources.drCarter!, kind: 'LEAVE', startsAt: iso(local(day, '09:00')), endsAt: iso(local(day, '10:00')), reason: '' }).catch(codeOf)).resolves.toBe('NOT_FOUND');
    await expect(manager.schedule.removeTimeOff({ timeOffId: '00000000-0000-4000-8000-000000000000' }).catch(codeOf)).resolves.toBe('NOT_FOUND');
    expect(await count()).toBe(before);
  });

  it('a receptionist calling schedule commands gets FORBIDDEN, as does a manager at another branch; nothing changes', async () => {
    const count = async () => (await db.sql.query<{ n: number }>(`SELECT (SELECT count(*) FROM time_off) + (SELECT count(*) FROM working_hours) + (SELECT count(*) FROM event) AS n`)).rows[0]!.n;
    const before = await count();
    const day = monday(8);
    const timeOff = { branchId: demo.branches.east, kind: 'BLOCKED' as const, startsAt: iso(local(day, '09:00')), endsAt: iso(local(day, '10:00')), reason: 'x' };
    await expect(receptionist.schedule.addTimeOff(timeOff).catch(codeOf)).resolves.toBe('FORBIDDEN');
    await expect(receptionist.schedule.setHours({ resourceId: r('drCarter'), branchId: demo.branches.east, hours: [] }).catch(codeOf)).resolves.toBe('FORBIDDEN');
    await expect(manager.schedule.addTimeOff({ ...timeOff, branchId: demo.branches.west }).catch(codeOf)).resolves.toBe('FORBIDDEN');
    await expect(manager.schedule.setHours({ resourceId: r('drOkafor'), branchId: demo.branches.west, hours: [] }).catch(codeOf)).resolves.toBe('FORBIDDEN');
    expect(await count()).toBe(before);
  });
});

describe('catalogue', () => {
  it('lists the actor’s branches, services with branch prices, resources and products with stock', async () => {
    const branches = await receptionist.catalog.branches();
    expect(branches).toEqual([{ id: demo.branches.east, name: 'Midtown (New York)', timeZone: NY, active: true }]);
    const services = await callCentre.catalog.services();
    const gp = services.find((s) => s.id === demo.services.gp)!;
    expect(gp.prices).toEqual(expect.arrayContaining([{ branchId: demo.branches.east, priceCents: 6500 }, { branchId: demo.branches.west, priceCents: 5500 }]));
    expect(gp.requirements).toEqual(expect.arrayContaining([{ kind: 'PRACTITIONER', tag: 'gp' }, { kind: 'ROOM', tag: 'consult' }]));
    const resources = await receptionist.catalog.resources({});
    expect(resources.find((x) => x.id === r('drRao'))!.branchIds.sort()).toEqual([demo.branches.east, demo.branches.west].sort());
    expect(resources.some((x) => x.id === r('drOkafor'))).toBe(false);
    const products = await receptionist.catalog.products();
    expect(products.find((p) => p.id === demo.products.brush)!.stock).toEqual([{ branchId: demo.branches.east, quantity: 40, lowStock: false }]);
    const sessions = await receptionist.catalog.sessions({ branchId: demo.branches.east, date: DateTime.now().setZone(NY).toISODate()! });
    expect(sessions.map((s) => s.id)).toEqual([demo.sessionId]);
  });

  it('a manager counts stock and sets a price at his branch; stock.changed carries the delta and the reason; other branches are FORBIDDEN', async () => {
    await manager.setup.products.adjustStock({ mode: 'count', productId: demo.products.brush, branchId: demo.branches.east, quantity: 35, reason: 'shelf count' });
    const stock = await db.sql.query(`SELECT quantity FROM product_stock WHERE product_id = $1 AND branch_id = $2`, [demo.products.brush, demo.branches.east]);
    expect(stock.rows[0].quantity).toBe(35);
    const ev = await db.sql.query(`SELECT payload FROM event WHERE tenant_id = $1 AND type = 'stock.changed' ORDER BY seq DESC LIMIT 1`, [demo.tenantId]);
    expect(ev.rows[0].payload).toEqual({ productId: demo.products.brush, branchId: demo.branches.east, quantity: 35, delta: -5, reason: 'shelf count' });
    await manager.catalog.setPrice({ serviceId: demo.services.gp, branchId: demo.branches.east, priceCents: 7000 });
    const services = await manager.catalog.services();
    expect(services.find((s) => s.id === demo.services.gp)!.prices).toEqual([{ branchId: demo.branches.east, priceCents: 7000 }]);
    const priced = await db.sql.query(`SELECT payload FROM event WHERE tenant_id = $1 AND type = 'price.changed' ORDER BY seq DESC LIMIT 1`, [demo.tenantId]);
    expect(priced.rows[0].payload).toEqual({ serviceId: demo.services.gp, branchId: demo.branches.east, priceCents: 7000 });
    const count = { mode: 'count' as const, productId: demo.products.brush, branchId: demo.branches.east, quantity: 1, reason: 'count' };
    await expect(manager.setup.products.adjustStock({ ...count, branchId: demo.branches.west }).catch(codeOf)).resolves.toBe('FORBIDDEN');
    await expect(manager.setup.products.adjustStock({ ...count, productId: other.products.brush }).catch(codeOf)).resolves.toBe('NOT_FOUND');
    await expect(manager.setup.products.adjustStock({ ...count, quantity: -1 }).catch(codeOf)).resolves.toBe('BAD_INPUT');
    await expect(receptionist.catalog.setPrice({ serviceId: demo.services.gp, branchId: demo.branches.east, priceCents: 1 }).catch(codeOf)).resolves.toBe('FORBIDDEN');
  });
});
