import { beforeAll, describe, expect, it } from 'vitest';
import { localDayBounds, type AffectedAppointment } from '@frontdesk/shared';
import { seedDemo, type DemoClinic } from '../seed/demo.js';
import { callerFor, type Caller } from '../testing/callers.js';
import { domainOf, failure, failureCode } from '../testing/errors.js';
import { demoDatabase } from '../testing/file-database.js';
import { at, upcoming } from '../testing/race.js';

const NY = 'America/New_York';
const CHI = 'America/Chicago';
const h = (weekday: number, from: number, to: number) => ({ weekday, startMinute: from * 60, endMinute: to * 60 });
const plusDays = (date: string, n: number) => new Date(Date.parse(`${date}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const weekdays = (from: number, to: number) => [1, 2, 3, 4, 5].map((d) => h(d, from, to));

const setup = demoDatabase({ emailDomain: 'branches.test', patients: 6 });
let other: DemoClinic;
let admin: Caller;
let manager: Caller;
let receptionist: Caller;
let callCentre: Caller;
let patient = 0;

beforeAll(async () => {
  other = await seedDemo(setup.db.owner, { emailDomain: 'other.branches.test', tenantName: 'Other clinic', patients: 1 });
  const { deps } = setup.db;
  admin = await callerFor(deps, setup.demo.staff.admin.email, setup.demo.password, 'office');
  manager = await callerFor(deps, setup.demo.staff.manager.email, setup.demo.password, 'manager desk');
  receptionist = await callerFor(deps, setup.demo.staff.receptionist.email, setup.demo.password, 'front desk');
  callCentre = await callerFor(deps, setup.demo.staff.callCentre.email, setup.demo.password, 'call centre');
});

const r = (key: string) => setup.demo.resources[key]!;

async function rows<T>(sql: string, params: unknown[]): Promise<T[]> {
  return (await setup.db.sql.query(sql, params)).rows as T[];
}

const eventsOf = (aggregateId: string) =>
  rows<{ type: string; payload: Record<string, unknown>; actor_id: string; desk: string }>('SELECT type, payload, actor_id, desk FROM event WHERE aggregate_id = $1 ORDER BY seq', [aggregateId]);

/** A GP booking at Midtown with Dr Carter, or at Lakeview with Dr Okafor. */
function book(where: 'east' | 'west', date: string, hhmm: string) {
  const east = where === 'east';
  return callCentre.booking.book({
    branchId: east ? setup.demo.branches.east : setup.demo.branches.west,
    serviceId: setup.demo.services.gp,
    resourceIds: east ? [r('drCarter'), r('eastRoom1')] : [r('drOkafor'), r('westRoom1')],
    startsAt: at(date, hhmm, east ? NY : CHI),
    patientId: setup.demo.patients[patient++ % setup.demo.patients.length]!,
  });
}

function affectedOf(error: unknown): AffectedAppointment[] {
  const domain = domainOf(error);
  expect(domain?.code).toBe('AFFECTS_APPOINTMENTS');
  return domain?.code === 'AFFECTS_APPOINTMENTS' ? domain.details.affected : [];
}

describe('creating and listing branches', () => {
  it('an admin creates a branch with details and split opening hours; it is listed and its event names who did it', async () => {
    const { branch } = await admin.setup.branches.create({
      name: 'Harbourside (London)',
      timeZone: 'Europe/London',
      address: '1 Quay Street, London',
      phone: '+44 20 7946 0000',
      openingHours: [h(1, 14, 18), h(1, 9, 13), h(2, 9, 17)],
    });
    expect(branch).toMatchObject({ name: 'Harbourside (London)', timeZone: 'Europe/London', address: '1 Quay Street, London', phone: '+44 20 7946 0000', active: true });
    expect(branch.openingHours).toEqual([h(1, 9, 13), h(1, 14, 18), h(2, 9, 17)]);
    const listed = await admin.setup.branches.list();
    expect(listed.map((b) => b.name)).toEqual(['Midtown (New York)', 'Lakeview (Chicago)', 'Harbourside (London)']);
    expect((await admin.catalog.branches()).map((b) => b.id)).toContain(branch.id);
    const events = await eventsOf(branch.id);
    expect(events).toEqual([expect.objectContaining({ type: 'branch.changed', payload: { branchId: branch.id, change: 'created' }, actor_id: setup.demo.staff.admin.id, desk: 'office' })]);
  });

  it('bad input changes nothing: an unknown time zone, overlapping hours, no name, a name in use', async () => {
    const before = await rows('SELECT id FROM branch', []);
    const base = { name: 'Riverside', timeZone: 'Europe/Berlin' };
    expect(failureCode(await failure(admin.setup.branches.create({ ...base, timeZone: 'Mars/Olympus_Mons' })))).toBe('BAD_REQUEST');
    expect(failureCode(await failure(admin.setup.branches.create({ ...base, openingHours: [h(1, 9, 13), h(1, 12, 17)] })))).toBe('BAD_REQUEST');
    expect(failureCode(await failure(admin.setup.branches.create({ ...base, name: '  ' })))).toBe('BAD_REQUEST');
    expect(failureCode(await failure(admin.setup.branches.create({ ...base, phone: 'call me maybe' })))).toBe('BAD_REQUEST');
    const taken = domainOf(await failure(admin.setup.branches.create({ ...base, name: 'midtown (new york)' })));
    expect(taken).toMatchObject({ code: 'BAD_INPUT', details: { field: 'name' } });
    expect(taken?.message).toBe('There is already a branch called midtown (new york).');
    expect(await rows('SELECT id FROM branch', [])).toHaveLength(before.length);
  });

  it('UTC and another name of a listed zone are accepted', async () => {
    const { branch } = await admin.setup.branches.create({ name: 'Remote desk', timeZone: 'UTC' });
    expect(branch.timeZone).toBe('UTC');
    const kolkata = await admin.setup.branches.create({ name: 'Bengaluru', timeZone: 'Asia/Kolkata' });
    expect(kolkata.branch.timeZone).toBe('Asia/Kolkata');
  });

  it('a manager sees only their branches and cannot create or change details; a receptionist has no branch setup', async () => {
    expect((await manager.setup.branches.list()).map((b) => b.id)).toEqual([setup.demo.branches.east]);
    expect(failureCode(await failure(manager.setup.branches.create({ name: 'Mine', timeZone: NY })))).toBe('FORBIDDEN');
    expect(failureCode(await failure(manager.setup.branches.update({ branchId: setup.demo.branches.east, name: 'Renamed', timeZone: NY })))).toBe('FORBIDDEN');
    expect(failureCode(await failure(manager.setup.branches.setActive({ branchId: setup.demo.branches.east, active: false })))).toBe('FORBIDDEN');
    expect(failureCode(await failure(receptionist.setup.branches.list()))).toBe('FORBIDDEN');
    expect((await rows<{ name: string }>('SELECT name FROM branch WHERE id = $1', [setup.demo.branches.east]))[0]?.name).toBe('Midtown (New York)');
  });

  it("another clinic's branch is NOT_FOUND to every command", async () => {
    const branchId = other.branches.east;
    const monday = upcoming(1, NY, 3);
    for (const call of [
      () => admin.setup.branches.update({ branchId, name: 'Taken over', timeZone: NY }),
      () => admin.setup.branches.setActive({ branchId, active: false }),
      () => admin.setup.branches.setOpeningHours({ branchId, hours: weekdays(9, 17) }),
      () => admin.setup.branches.addClosure({ branchId, kind: 'HOLIDAY', name: 'Not ours', from: monday, to: monday }),
      () => admin.setup.branches.closures({ branchId }),
    ]) {
      expect(failureCode(await failure(call()))).toBe('NOT_FOUND');
    }
    expect(await rows('SELECT 1 FROM branch_hours WHERE branch_id = $1', [branchId])).toHaveLength(0);
    expect(await rows('SELECT 1 FROM branch WHERE id = $1 AND active AND name = $2', [branchId, 'Midtown (New York)'])).toHaveLength(1);
  });
});

describe('changing details', () => {
  it('name, address and phone change; the time zone is refused in plain words while appointments lie ahead', async () => {
    const booked = await book('east', upcoming(1, NY, 4), '15:00');
    const branchId = setup.demo.branches.east;
    const refused = domainOf(await failure(admin.setup.branches.update({ branchId, name: 'Midtown (New York)', timeZone: CHI })));
    expect(refused).toMatchObject({ code: 'BAD_INPUT', details: { field: 'timeZone' } });
    expect(refused?.message).toMatch(/^Midtown \(New York\) has \d+ appointments? .*ahead; their local times would shift if its time zone changed\./);
    expect((await rows<{ time_zone: string }>('SELECT time_zone FROM branch WHERE id = $1', [branchId]))[0]?.time_zone).toBe(NY);

    const { branch } = await admin.setup.branches.update({ branchId, name: 'Midtown (New York)', timeZone: NY, address: '350 5th Ave', phone: '+1 212 555 0100' });
    expect(branch).toMatchObject({ address: '350 5th Ave', phone: '+1 212 555 0100', timeZone: NY });
    expect((await eventsOf(branchId)).map((e) => e.payload.change)).toContain('updated');
    expect(booked.status).toBe('BOOKED');
  });

  it('with nothing booked ahead the zone changes, and whole-day closures move to the new local days', async () => {
    const { branch } = await admin.setup.branches.create({ name: 'Lisbon', timeZone: 'Europe/Lisbon' });
    const day = upcoming(3, 'Europe/Lisbon', 2);
    const { closure } = await admin.setup.branches.addClosure({ branchId: branch.id, kind: 'CLOSURE', name: 'Painting', from: day, to: day });
    const { branch: moved } = await admin.setup.branches.update({ branchId: branch.id, name: 'Lisbon', timeZone: 'Asia/Tokyo' });
    expect(moved.timeZone).toBe('Asia/Tokyo');
    const [row] = await rows<{ starts_at: Date; ends_at: Date }>('SELECT starts_at, ends_at FROM time_off WHERE id = $1', [closure.id]);
    const tokyo = localDayBounds(day, 'Asia/Tokyo');
    expect([row?.starts_at.getTime(), row?.ends_at.getTime()]).toEqual([tokyo.start, tokyo.end]);
  });
});

describe('opening hours', () => {
  it('a manager sets them at their own branch only', async () => {
    expect(failureCode(await failure(manager.setup.branches.setOpeningHours({ branchId: setup.demo.branches.west, hours: weekdays(9, 17) })))).toBe('FORBIDDEN');
    expect(await rows('SELECT 1 FROM branch_hours WHERE branch_id = $1', [setup.demo.branches.west])).toHaveLength(0);
  });

  it('shrinking them over a booking is refused with the list and changes nothing; kept, everyone is trimmed to fit and the booking stays, kept', async () => {
    const branchId = setup.demo.branches.east;
    const monday = upcoming(1, NY, 2);
    const booked = await book('east', monday, '14:00');
    const carterBefore = await rows('SELECT weekday, start_minute, end_minute FROM working_hours WHERE resource_id = $1 AND branch_id = $2 ORDER BY weekday', [r('drCarter'), branchId]);

    const refused = await failure(manager.setup.branches.setOpeningHours({ branchId, hours: weekdays(8, 13) }));
    const affected = affectedOf(refused);
    expect(affected.map((a) => a.id)).toContain(booked.id);
    expect(affected.find((a) => a.id === booked.id)?.reason).toContain('does not work at 14:00 on Monday');
    expect(await rows('SELECT 1 FROM branch_hours WHERE branch_id = $1', [branchId])).toHaveLength(0);
    expect(await rows('SELECT weekday, start_minute, end_minute FROM working_hours WHERE resource_id = $1 AND branch_id = $2 ORDER BY weekday', [r('drCarter'), branchId])).toEqual(carterBefore);

    const done = await manager.setup.branches.setOpeningHours({ branchId, hours: weekdays(8, 13), resolutions: { all: { action: 'keep' } } });
    expect(done.branch.openingHours).toEqual(weekdays(8, 13));
    expect(done.settled.kept).toContain(booked.id);
    expect(done.trimmed.map((t) => t.resourceId)).toEqual(expect.arrayContaining([r('drCarter'), r('eastRoom1'), r('drKim')]));
    const carter = await rows<{ start_minute: number; end_minute: number }>('SELECT start_minute, end_minute FROM working_hours WHERE resource_id = $1 AND branch_id = $2', [r('drCarter'), branchId]);
    expect(carter.every((w) => w.start_minute === 8 * 60 + 30 && w.end_minute === 13 * 60)).toBe(true);
    // The rooms, open all day, now open with the branch: weekdays 08:00–13:00, closed at the weekend.
    expect(await rows('SELECT weekday, start_minute, end_minute FROM working_hours WHERE resource_id = $1 ORDER BY weekday', [r('eastRoom1')])).toEqual(
      weekdays(8, 13).map((w) => ({ weekday: w.weekday, start_minute: w.startMinute, end_minute: w.endMinute })),
    );
    expect((await rows<{ kept_outside_hours: boolean }>('SELECT kept_outside_hours FROM appointment WHERE id = $1', [booked.id]))[0]?.kept_outside_hours).toBe(true);
    expect((await eventsOf(r('drCarter'))).map((e) => e.type)).toContain('hours.changed');
    expect((await eventsOf(booked.id)).map((e) => e.type)).toContain('appointment.kept_outside_hours');
    expect((await eventsOf(branchId)).at(-1)).toMatchObject({ type: 'branch.changed', payload: { change: 'opening_hours' }, actor_id: setup.demo.staff.manager.id });
  });

  it('widened again, rooms that opened with the branch follow it; people keep their own hours', async () => {
    const branchId = setup.demo.branches.east;
    await manager.setup.branches.setOpeningHours({ branchId, hours: weekdays(8, 18) });
    expect(await rows('SELECT weekday FROM working_hours WHERE resource_id = $1 AND start_minute = 480 AND end_minute = 1080', [r('eastRoom2')])).toHaveLength(5);
    expect(await rows('SELECT 1 FROM working_hours WHERE resource_id = $1 AND end_minute = 780', [r('drCarter')])).toHaveLength(5);
  });
});

describe('open or closed for booking', () => {
  it('closing a branch over a booking asks first; cancelled, nothing is offered there until it opens again', async () => {
    const branchId = setup.demo.branches.west;
    const monday = upcoming(1, CHI, 2);
    const booked = await book('west', monday, '10:00');
    expect(affectedOf(await failure(admin.setup.branches.setActive({ branchId, active: false })))[0]?.reason).toContain('is closed for booking');
    expect(await rows('SELECT 1 FROM branch WHERE id = $1 AND active', [branchId])).toHaveLength(1);

    const done = await admin.setup.branches.setActive({ branchId, active: false, resolutions: { all: { action: 'cancel', reason: 'Branch closing' } } });
    expect(done.branch.active).toBe(false);
    expect(done.settled.cancelled).toContain(booked.id);
    expect(await rows('SELECT status, cancel_reason FROM appointment WHERE id = $1', [booked.id])).toEqual([{ status: 'CANCELLED', cancel_reason: 'Branch closing' }]);
    const search = { serviceId: setup.demo.services.gp, branchIds: [branchId], from: at(monday, '08:00', CHI) };
    expect(await admin.availability.findSlots(search)).toEqual([]);
    // A desk that still tries to book there is told why, in words.
    const refused = await failure(callCentre.booking.hold({ branchId, serviceId: setup.demo.services.gp, startsAt: at(monday, '11:00', CHI) }));
    expect(domainOf(refused)).toMatchObject({ code: 'BAD_INPUT', message: 'Lakeview (Chicago) is closed for booking.' });
    expect((await eventsOf(branchId)).at(-1)).toMatchObject({ type: 'branch.changed', payload: { change: 'deactivated' } });

    await admin.setup.branches.setActive({ branchId, active: true });
    expect((await admin.availability.findSlots(search)).length).toBeGreaterThan(0);
  });
});

describe('holidays and closures', () => {
  it('a holiday over a booked day asks first; with the booking kept it is listed in local days, and removed again', async () => {
    const branchId = setup.demo.branches.east;
    const monday = upcoming(1, NY, 5);
    const tuesday = plusDays(monday, 1);
    const booked = await book('east', monday, '10:00');
    const holiday = { branchId, kind: 'HOLIDAY' as const, name: 'Founders day', from: monday, to: tuesday };
    expect(affectedOf(await failure(manager.setup.branches.addClosure(holiday))).map((a) => a.id)).toEqual([booked.id]);
    expect(await rows('SELECT 1 FROM time_off WHERE branch_id = $1 AND reason = $2', [branchId, 'Founders day'])).toHaveLength(0);

    const { closure, settled } = await manager.setup.branches.addClosure({ ...holiday, resolutions: { each: [{ appointmentId: booked.id, action: 'keep' }] } });
    expect(closure).toMatchObject({ kind: 'HOLIDAY', name: 'Founders day', from: monday, to: tuesday });
    expect([Date.parse(closure.startsAt), Date.parse(closure.endsAt)]).toEqual([localDayBounds(monday, NY).start, localDayBounds(tuesday, NY).end]);
    expect(settled.kept).toEqual([booked.id]);
    expect((await manager.setup.branches.closures({ branchId })).map((c) => c.id)).toContain(closure.id);
    expect((await eventsOf(closure.id)).map((e) => e.type)).toEqual(['time_off.added']);

    await manager.schedule.removeTimeOff({ timeOffId: closure.id });
    expect((await manager.setup.branches.closures({ branchId })).map((c) => c.id)).not.toContain(closure.id);
  });

  it('refuses days that have passed, a last day before the first, and branches that are not the manager’s', async () => {
    const branchId = setup.demo.branches.east;
    const count = async () => (await rows('SELECT id FROM time_off', [])).length;
    const before = await count();
    expect(domainOf(await failure(manager.setup.branches.addClosure({ branchId, kind: 'CLOSURE', name: 'Flood', from: '2020-01-01', to: '2020-01-02' })))).toMatchObject({
      code: 'BAD_INPUT',
      details: { field: 'to' },
    });
    const day = upcoming(3, NY, 6);
    expect(failureCode(await failure(manager.setup.branches.addClosure({ branchId, kind: 'CLOSURE', name: 'Flood', from: day, to: plusDays(day, -1) })))).toBe('BAD_REQUEST');
    expect(failureCode(await failure(manager.setup.branches.addClosure({ branchId, kind: 'CLOSURE', name: '', from: day, to: day })))).toBe('BAD_REQUEST');
    expect(failureCode(await failure(manager.setup.branches.addClosure({ branchId: setup.demo.branches.west, kind: 'CLOSURE', name: 'Flood', from: day, to: day })))).toBe('FORBIDDEN');
    expect(await count()).toBe(before);
  });
});
