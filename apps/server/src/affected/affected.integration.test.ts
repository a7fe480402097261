// Every way a setup change can meet the appointments it affects: refused with the list, kept, cancelled, moved (or refused into a conflict), holds let go, other branches and tenants out of reach.
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError, domainErrorOf, type AffectedAppointment, type ErrorDetails } from '@frontdesk/shared';
import { seedDemo, type DemoClinic } from '../seed/demo.js';
import { callerFor, type Caller } from '../testing/callers.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { local, monday } from '../testing/dates.js';

let db: TestDatabase;
let demo: DemoClinic;
let other: DemoClinic;
let manager: Caller;
let reception: Caller;
let otherReception: Caller;
let patientCursor = 0;

const iso = (date: string, hhmm: string) => local(date, hhmm).toISOString();
const r = (key: string) => demo.resources[key]!;

function domainOf(error: unknown): DomainError | null {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof DomainError) return cause;
  const shape = domainErrorOf(error);
  return shape ? new DomainError(shape.code, shape.message, shape.details as never) : null;
}

async function refusal(call: Promise<unknown>): Promise<DomainError> {
  try {
    await call;
  } catch (error) {
    const domain = domainOf(error);
    if (domain) return domain;
    throw error;
  }
  throw new Error('expected a refusal');
}

const affectedOf = (e: DomainError) => (e.details as ErrorDetails['AFFECTS_APPOINTMENTS']).affected;

/** A GP booking with Dr Carter in room 1 at the east branch, through the booking command. */
async function bookCarter(date: string, hhmm: string, caller: Caller = reception, clinic: DemoClinic = demo) {
  return caller.booking.book({
    branchId: clinic.branches.east,
    serviceId: clinic.services.gp,
    startsAt: iso(date, hhmm),
    resourceIds: [clinic.resources.drCarter!, clinic.resources.eastRoom1!],
    patientId: clinic.patients[patientCursor++ % clinic.patients.length]!,
  });
}

async function appointment(id: string) {
  const { rows } = await db.sql.query<{ status: string; kept: boolean; starts_at: Date; cancel_reason: string | null; cancel_reason_code: string | null; cancelled_late: boolean; version: number }>(
    `SELECT status::text, kept_outside_hours AS kept, starts_at, cancel_reason, cancel_reason_code, cancelled_late, version FROM appointment WHERE id = $1`,
    [id],
  );
  return rows[0]!;
}

async function eventsOf(aggregateId: string): Promise<string[]> {
  const { rows } = await db.sql.query<{ type: string }>(`SELECT type FROM event WHERE aggregate_id = $1 ORDER BY seq`, [aggregateId]);
  return rows.map((row) => row.type);
}

async function carterHours(): Promise<{ weekday: number; start_minute: number; end_minute: number }[]> {
  const { rows } = await db.sql.query(`SELECT weekday, start_minute, end_minute FROM working_hours WHERE resource_id = $1 ORDER BY weekday, start_minute`, [r('drCarter')]);
  return rows;
}

/** Dr Carter's weekly hours with Monday cut to 08:30–12:00. */
const carterShortMonday = () => [{ weekday: 1, startMinute: 510, endMinute: 720 }, ...[2, 3, 4, 5].map((weekday) => ({ weekday, startMinute: 510, endMinute: 1080 }))];
const carterFullWeek = () => [1, 2, 3, 4, 5].map((weekday) => ({ weekday, startMinute: 510, endMinute: 1080 }));

beforeAll(async () => {
  db = await createTestDatabase();
  demo = await seedDemo(db.owner, { emailDomain: 'affected.test', patients: 40 });
  other = await seedDemo(db.owner, { tenantName: 'Other Clinic', emailDomain: 'affected-other.test', patients: 4 });
  manager = await callerFor(db.deps, demo.staff.manager.email, demo.password);
  reception = await callerFor(db.deps, demo.staff.receptionist.email, demo.password);
  otherReception = await callerFor(db.deps, other.staff.receptionist.email, other.password);
});
afterAll(() => db.drop());

describe('a change that affects appointments', () => {
  it('without resolutions is refused with exactly the affected appointments, and nothing changes', async () => {
    const day = monday(1);
    const inside = await bookCarter(day, '10:00');
    const late = await bookCarter(day, '15:00');
    const later = await bookCarter(day, '17:30');
    const before = await carterHours();
    const error = await refusal(manager.schedule.setHours({ resourceId: r('drCarter'), branchId: demo.branches.east, hours: carterShortMonday() }));
    expect(error.code).toBe('AFFECTS_APPOINTMENTS');
    const listed = affectedOf(error).filter((a) => a.startsAt.startsWith(day.slice(0, 4)) && [late.id, later.id, inside.id].includes(a.id));
    expect(listed.map((a) => a.id)).toEqual([late.id, later.id]);
    expect(listed[0]).toMatchObject<Partial<AffectedAppointment>>({ branchId: demo.branches.east, status: 'BOOKED', serviceName: 'GP consultation', resourceNames: ['Consult room 1', 'Dr James Carter'] });
    expect(listed[0]!.patientName).toBeTruthy();
    expect(listed[0]!.reason).toBe('Dr James Carter does not work at 15:00 on Monday any more');
    // Suggested times come from the hours as they would be: that Monday's only before noon.
    const suggested = listed[0]!.alternatives ?? [];
    expect(suggested.length).toBeGreaterThan(0);
    for (const s of suggested) expect(!s.startsAt.startsWith(day) || Date.parse(s.endsAt) <= local(day, '12:00').getTime()).toBe(true);
    expect(await carterHours()).toEqual(before);
    expect((await appointment(late.id)).kept).toBe(false);
    expect(await eventsOf(r('drCarter'))).not.toContain('hours.changed');
  });

  it('keep: the appointments stay, marked kept with their event, and are not listed by the next change', async () => {
    const day = monday(2);
    const a = await bookCarter(day, '14:00');
    const b = await bookCarter(day, '16:00');
    const first = await refusal(manager.schedule.setHours({ resourceId: r('drCarter'), branchId: demo.branches.east, hours: carterShortMonday() }));
    const ids = affectedOf(first).map((x) => x.id);
    expect(ids).toEqual(expect.arrayContaining([a.id, b.id]));
    const done = await manager.schedule.setHours({ resourceId: r('drCarter'), branchId: demo.branches.east, hours: carterShortMonday(), resolutions: { all: { action: 'keep' } } });
    expect(done.settled.kept).toEqual(expect.arrayContaining([a.id, b.id]));
    expect(done.settled.cancelled).toEqual([]);
    for (const id of [a.id, b.id]) {
      expect(await appointment(id)).toMatchObject({ status: 'BOOKED', kept: true });
      expect(await eventsOf(id)).toEqual(['appointment.booked', 'appointment.kept_outside_hours']);
    }
    // The same cut again: the kept ones are not asked about again.
    const again = await manager.schedule.setHours({ resourceId: r('drCarter'), branchId: demo.branches.east, hours: carterShortMonday() });
    expect(again.settled).toEqual({ kept: [], cancelled: [], moved: [], released: [] });
    const sheet = await manager.availability.day({ branchId: demo.branches.east, date: day });
    expect(sheet.appointments.find((x) => x.id === a.id)?.keptOutsideHours).toBe(true);
    await manager.schedule.setHours({ resourceId: r('drCarter'), branchId: demo.branches.east, hours: carterFullWeek() });
  });

  it('cancel with a reason: cancelled with its event and the reason, the time freed', async () => {
    const day = monday(3);
    const a = await bookCarter(day, '09:00');
    const error = await refusal(manager.schedule.addTimeOff({ branchId: demo.branches.east, resourceId: r('drCarter'), kind: 'LEAVE', startsAt: iso(day, '08:00'), endsAt: iso(day, '12:00'), reason: 'Course' }));
    expect(affectedOf(error)).toEqual([expect.objectContaining({ id: a.id, reason: 'Dr James Carter is off then (Course)' })]);
    expect(await db.sql.query(`SELECT 1 FROM time_off WHERE reason = 'Course'`).then((q) => q.rowCount)).toBe(0);

    const done = await manager.schedule.addTimeOff({
      branchId: demo.branches.east, resourceId: r('drCarter'), kind: 'LEAVE', startsAt: iso(day, '08:00'), endsAt: iso(day, '12:00'), reason: 'Course',
      resolutions: { each: [{ appointmentId: a.id, action: 'cancel', reason: 'Doctor on a course' }] },
    });
    expect(done.settled).toEqual({ kept: [], cancelled: [a.id], moved: [], released: [] });
    expect(await appointment(a.id)).toMatchObject({ status: 'CANCELLED', cancel_reason: 'Doctor on a course', cancel_reason_code: 'CLINIC_RESCHEDULED', cancelled_late: false });
    expect(await eventsOf(a.id)).toEqual(['appointment.booked', 'appointment.cancelled']);
  });

  it('a cancellation needs a reason: an empty one is refused as bad input and nothing changes', async () => {
    const day = monday(4);
    const a = await bookCarter(day, '09:00');
    const call = manager.schedule.addTimeOff({
      branchId: demo.branches.east, resourceId: r('drCarter'), kind: 'LEAVE', startsAt: iso(day, '08:00'), endsAt: iso(day, '12:00'),
      resolutions: { all: { action: 'cancel', reason: '  ' } },
    });
    await expect(call).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect((await appointment(a.id)).status).toBe('BOOKED');
  });

  it('move: to a free time the new schedule allows, with its event; the old time is the leave', async () => {
    const day = monday(5);
    const a = await bookCarter(day, '10:00');
    const done = await manager.schedule.addTimeOff({
      branchId: demo.branches.east, resourceId: r('drCarter'), kind: 'LEAVE', startsAt: iso(day, '08:00'), endsAt: iso(day, '12:00'),
      resolutions: { each: [{ appointmentId: a.id, action: 'move', startsAt: iso(day, '13:00') }] },
    });
    expect(done.settled.moved).toEqual([a.id]);
    const row = await appointment(a.id);
    expect(row).toMatchObject({ status: 'BOOKED', kept: false });
    expect(row.starts_at.toISOString()).toBe(iso(day, '13:00'));
    expect(await eventsOf(a.id)).toEqual(['appointment.booked', 'appointment.moved']);
  });

  it('move into the new time off or into another booking: refused (OUTSIDE_HOURS, SLOT_TAKEN with alternatives), nothing changed', async () => {
    const day = monday(6);
    const a = await bookCarter(day, '10:00');
    const blocker = await bookCarter(day, '13:00');
    const leave = { branchId: demo.branches.east, resourceId: r('drCarter'), kind: 'LEAVE' as const, startsAt: iso(day, '08:00'), endsAt: iso(day, '12:00'), reason: 'Moving test' };

    const intoLeave = await refusal(manager.schedule.addTimeOff({ ...leave, resolutions: { each: [{ appointmentId: a.id, action: 'move', startsAt: iso(day, '11:00') }] } }));
    expect(intoLeave.code).toBe('OUTSIDE_HOURS');

    const taken = await refusal(manager.schedule.addTimeOff({ ...leave, resolutions: { each: [{ appointmentId: a.id, action: 'move', startsAt: iso(day, '13:00'), resourceIds: [r('drCarter'), r('eastRoom1')] }] } }));
    expect(taken.code).toBe('SLOT_TAKEN');
    const alternatives = (taken.details as ErrorDetails['SLOT_TAKEN']).alternatives;
    expect(alternatives.length).toBeGreaterThan(0);
    // Alternatives come from the schedule as it would be: none inside the new leave.
    for (const s of alternatives) expect(Date.parse(s.startsAt) >= local(day, '12:00').getTime() || Date.parse(s.endsAt) <= local(day, '08:00').getTime()).toBe(true);

    expect(await appointment(a.id)).toMatchObject({ status: 'BOOKED', kept: false });
    expect((await appointment(a.id)).starts_at.toISOString()).toBe(iso(day, '10:00'));
    expect((await appointment(blocker.id)).starts_at.toISOString()).toBe(iso(day, '13:00'));
    expect(await db.sql.query(`SELECT 1 FROM time_off WHERE reason = 'Moving test'`).then((q) => q.rowCount)).toBe(0);
    expect(await eventsOf(a.id)).toEqual(['appointment.booked']);
  });

  it('holds in the way are released with their event, without being asked about', async () => {
    const day = monday(7);
    const hold = await reception.booking.hold({ branchId: demo.branches.east, serviceId: demo.services.gp, startsAt: iso(day, '09:30'), resourceIds: [r('drCarter')] });
    const done = await manager.schedule.addTimeOff({ branchId: demo.branches.east, resourceId: r('drCarter'), kind: 'LEAVE', startsAt: iso(day, '08:00'), endsAt: iso(day, '12:00') });
    expect(done.settled).toEqual({ kept: [], cancelled: [], moved: [], released: [hold.id] });
    expect((await appointment(hold.id)).status).toBe('RELEASED');
    expect(await eventsOf(hold.id)).toEqual(['appointment.held', 'appointment.released']);
  });

  it('a whole-branch holiday lists the branch’s appointments only, never another tenant’s', async () => {
    const day = monday(8);
    const mine = await bookCarter(day, '11:00');
    const theirs = await bookCarter(day, '11:00', otherReception, other);
    const error = await refusal(manager.schedule.addTimeOff({ branchId: demo.branches.east, kind: 'HOLIDAY', startsAt: iso(day, '00:00'), endsAt: iso(DateTime.fromISO(day).plus({ days: 1 }).toISODate()!, '00:00'), reason: 'Founders day' }));
    const ids = affectedOf(error).map((a) => a.id);
    expect(ids).toEqual([mine.id]);
    expect(ids).not.toContain(theirs.id);
    expect(affectedOf(error)[0]!.reason).toBe('Midtown (New York) is closed then (Founders day)');
    expect((await appointment(theirs.id)).status).toBe('BOOKED');
  });

  it('a manager whose change would reach an appointment at a branch not his is refused (FORBIDDEN), told nothing of it, and nothing changes', async () => {
    // Dr Rao works in New York on Mondays and in Chicago on Tuesdays; her leave follows her to both.
    const tuesday = DateTime.fromISO(monday(10)).plus({ days: 1 }).toISODate()!;
    const westReception = await callerFor(db.deps, demo.staff.receptionistWest.email, demo.password);
    const chicago = (hhmm: string) => local(tuesday, hhmm, 'America/Chicago').toISOString();
    const west = await westReception.booking.book({ branchId: demo.branches.west, serviceId: demo.services.gp, startsAt: chicago('10:00'), resourceIds: [r('drRao')], patientId: demo.patients[30]! });
    const error = await refusal(manager.schedule.addTimeOff({ branchId: demo.branches.east, resourceId: r('drRao'), kind: 'LEAVE', startsAt: iso(tuesday, '00:00'), endsAt: iso(tuesday, '23:00'), resolutions: { all: { action: 'keep' } } }));
    expect(error.code).toBe('FORBIDDEN');
    expect(JSON.stringify(error.details)).not.toContain(west.id);
    expect(await appointment(west.id)).toMatchObject({ status: 'BOOKED', kept: false });
    expect(await db.sql.query(`SELECT 1 FROM time_off WHERE resource_id = $1 AND starts_at = $2`, [r('drRao'), iso(tuesday, '00:00')]).then((q) => q.rowCount)).toBe(0);
  });

  it('moving a kept appointment back into the schedule clears the mark', async () => {
    const day = monday(9);
    const a = await bookCarter(day, '16:00');
    await manager.schedule.addTimeOff({ branchId: demo.branches.east, resourceId: r('drCarter'), kind: 'BLOCKED', startsAt: iso(day, '15:00'), endsAt: iso(day, '18:00'), resolutions: { all: { action: 'keep' } } });
    expect((await appointment(a.id)).kept).toBe(true);
    const current = await appointment(a.id);
    await reception.booking.move({ appointmentId: a.id, version: current.version, startsAt: iso(day, '10:00') });
    expect(await appointment(a.id)).toMatchObject({ kept: false, status: 'BOOKED' });
  });
});
