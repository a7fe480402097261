// Over 300 lines: the week, exceptions and leave share one seeded clinic and its bookings; splitting would seed it three times.
import { beforeAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { localMinuteToInstant, wallTime, type AffectedAppointment } from '@frontdesk/shared';
import { callerFor, type Caller } from '../testing/callers.js';
import { databaseChecksum } from '../testing/checksum.js';
import { domainOf, failure, failureCode } from '../testing/errors.js';
import { demoDatabase } from '../testing/file-database.js';
import { monday, plusDays } from '../testing/dates.js';

const NY = 'America/New_York';
const setup = demoDatabase({ emailDomain: 'hours.test', patients: 20 });

let manager: Caller;
let admin: Caller;
let reception: Caller;
let patientCursor = 0;

const minute = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const span = (from: string, to: string) => ({ startMinute: minute(from), endMinute: minute(to) });
const at = (date: string, hhmm: string) => new Date(localMinuteToInstant(date, minute(hhmm), NY)).toISOString();
const r = (key: string) => setup.demo.resources[key]!;
const east = () => setup.demo.branches.east;

/** Books a GP consultation (15 min), a dermatology consult (20 min) or a dental check-up with a practitioner, as the east receptionist. */
async function book(service: 'gp' | 'derm' | 'checkup', practitioner: string, date: string, hhmm: string): Promise<string> {
  const patientId = setup.demo.patients[patientCursor++ % setup.demo.patients.length]!;
  const appointment = await reception.booking.book({ branchId: east(), serviceId: setup.demo.services[service], startsAt: at(date, hhmm), resourceIds: [practitioner], patientId });
  return appointment.id;
}

async function gpStarts(practitioner: string, date: string): Promise<string[]> {
  const slots = await reception.availability.findSlots({ serviceId: setup.demo.services.gp, branchIds: [east()], resourceIds: [practitioner], from: at(date, '00:00'), to: at(plusDays(date, 1), '00:00'), limit: 200 });
  return slots.map((s) => wallTime(s.startsAt, NY));
}

async function exceptionRows(resourceId: string, date: string) {
  const { rows } = await setup.db.sql.query<{ start_minute: number; end_minute: number }>(
    `SELECT start_minute, end_minute FROM working_hours_exception WHERE resource_id = $1 AND branch_id = $2 AND date = $3 ORDER BY start_minute`,
    [resourceId, east(), date],
  );
  return rows.map((x) => ({ startMinute: x.start_minute, endMinute: x.end_minute }));
}

async function appointmentRow(id: string) {
  const { rows } = await setup.db.sql.query<{ status: string; kept_outside_hours: boolean; cancel_reason: string | null }>(
    `SELECT status::text, kept_outside_hours, cancel_reason FROM appointment WHERE id = $1`,
    [id],
  );
  return rows[0]!;
}

async function eventsOf(type: string, aggregateId: string) {
  const { rows } = await setup.db.sql.query<{ payload: unknown; actor_id: string }>(`SELECT payload, actor_id FROM event WHERE type = $1 AND aggregate_id = $2 ORDER BY seq`, [type, aggregateId]);
  return rows;
}

/** The words a refusal gives: the domain error's, or the schema's for invalid input. */
function wordsOf(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  return domainOf(error)?.message ?? (cause instanceof ZodError ? cause.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : String(error));
}

/** The call fails with `code` and the database is exactly as it was. */
async function refusedWithoutChange(call: () => Promise<unknown>, code: string): Promise<unknown> {
  const before = await databaseChecksum(setup.db.sql);
  const error = await failure(call());
  expect(error, 'the call succeeded').not.toBeNull();
  expect(failureCode(error) === 'BAD_REQUEST' ? 'BAD_INPUT' : failureCode(error)).toBe(code);
  expect(await databaseChecksum(setup.db.sql)).toEqual(before);
  return error;
}

beforeAll(async () => {
  manager = await callerFor(setup.db.deps, setup.demo.staff.manager.email, setup.demo.password);
  admin = await callerFor(setup.db.deps, setup.demo.staff.admin.email, setup.demo.password);
  reception = await callerFor(setup.db.deps, setup.demo.staff.receptionist.email, setup.demo.password);
});

describe('week', () => {
  it('gives the weekly pattern per day, Monday first, for any date of the week', async () => {
    const week = await manager.setup.hours.week({ resourceId: r('drRao'), branchId: east(), weekOf: plusDays(monday(0), 2) });
    expect(week.weekStart).toBe(monday(0));
    expect(week.resource).toMatchObject({ id: r('drRao'), name: 'Dr Anita Rao', kind: 'PRACTITIONER' });
    expect(week.branch).toMatchObject({ id: east(), timeZone: NY });
    expect(week.days.map((d) => d.weekday)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // Dr Rao works at Midtown on Monday, Wednesday and Friday; Tuesday and Thursday are at the other branch.
    expect(week.days.map((d) => d.intervals)).toEqual([[span('09:00', '17:00')], [], [span('09:00', '17:00')], [], [span('09:00', '17:00')], [], []]);
    expect(week.pattern).toHaveLength(3);
    expect(week.days.every((d) => d.source === 'pattern' && d.appointments === 0)).toBe(true);
  });

  it('counts the appointments of each day and shows leave and exceptions where they fall', async () => {
    const mon = monday(1);
    await book('derm', r('drIyer'), plusDays(mon, 1), '11:00');
    await book('derm', r('drIyer'), plusDays(mon, 1), '11:30');
    await admin.schedule.addTimeOff({ branchId: east(), resourceId: r('drIyer'), kind: 'LEAVE', startsAt: at(plusDays(mon, 3), '00:00'), endsAt: at(plusDays(mon, 4), '00:00'), reason: 'course' });
    await manager.setup.hours.setException({ resourceId: r('drIyer'), branchId: east(), date: plusDays(mon, 2), intervals: [span('08:00', '12:00'), span('13:00', '15:00')] });

    const week = await manager.setup.hours.week({ resourceId: r('drIyer'), branchId: east(), weekOf: mon });
    const [, tue, wed, thu] = week.days;
    expect(tue).toMatchObject({ source: 'pattern', intervals: [span('11:00', '19:00')], appointments: 2, booked: [span('11:00', '11:20'), span('11:30', '11:50')] });
    expect(wed).toMatchObject({ source: 'exception', intervals: [span('08:00', '12:00'), span('13:00', '15:00')], appointments: 0 });
    expect(thu!.timeOff).toEqual([expect.objectContaining({ kind: 'LEAVE', whole: true, reason: 'course', startMinute: 0, endMinute: 1440 })]);
    expect(week.timeOff.map((t) => t.reason)).toEqual(['course']);
  });

  it('refuses a resource that does not work at the branch, a branch not the manager’s, and the front desk', async () => {
    expect(failureCode(await failure(manager.setup.hours.week({ resourceId: r('drOkafor'), branchId: east(), weekOf: monday(0) })))).toBe('NOT_FOUND');
    expect(failureCode(await failure(manager.setup.hours.week({ resourceId: r('drRao'), branchId: setup.demo.branches.west, weekOf: monday(0) })))).toBe('FORBIDDEN');
    expect(failureCode(await failure(reception.setup.hours.week({ resourceId: r('drRao'), branchId: east(), weekOf: monday(0) })))).toBe('FORBIDDEN');
    const west = await admin.setup.hours.week({ resourceId: r('drRao'), branchId: setup.demo.branches.west, weekOf: monday(0) });
    expect(west.days.map((d) => d.intervals.length)).toEqual([0, 1, 0, 1, 0, 0, 0]);
  });
});

describe('setException', () => {
  it('an extra working day: a Saturday becomes bookable for those hours only, with its event', async () => {
    const saturday = plusDays(monday(2), 5);
    expect(await gpStarts(r('drRao'), saturday)).toEqual([]);
    const result = await manager.setup.hours.setException({ resourceId: r('drRao'), branchId: east(), date: saturday, intervals: [span('10:00', '11:00')] });
    expect(result).toMatchObject({ date: saturday, source: 'exception', intervals: [span('10:00', '11:00')], settled: { kept: [], cancelled: [], moved: [], released: [] } });
    expect(await exceptionRows(r('drRao'), saturday)).toEqual([span('10:00', '11:00')]);
    expect(await gpStarts(r('drRao'), saturday)).toEqual(['10:00', '10:15', '10:30', '10:45']);
    const id = await book('gp', r('drRao'), saturday, '10:30');
    expect((await appointmentRow(id)).status).toBe('BOOKED');
    const events = await eventsOf('hours.exception_changed', r('drRao'));
    expect(events.at(-1)!.payload).toEqual({ resourceId: r('drRao'), branchId: east(), dates: [saturday] });
    expect(events.at(-1)!.actor_id).toBe(setup.demo.staff.manager.id);
  });

  it('different hours on one date: a split day replaces the pattern that date only', async () => {
    const mon = monday(3);
    await manager.setup.hours.setException({ resourceId: r('drCarter'), branchId: east(), date: mon, intervals: [span('14:00', '15:00'), span('09:00', '09:30')] });
    expect(await gpStarts(r('drCarter'), mon)).toEqual(['09:00', '09:15', '14:00', '14:15', '14:30', '14:45']);
    // The next Monday keeps the weekly pattern.
    expect((await gpStarts(r('drCarter'), plusDays(mon, 7)))[0]).toBe('08:30');
    expect(await exceptionRows(r('drCarter'), mon)).toEqual([span('09:00', '09:30'), span('14:00', '15:00')]);
  });

  it('an empty list removes the exception: the weekly pattern applies again', async () => {
    const tue = plusDays(monday(3), 1);
    await manager.setup.hours.setException({ resourceId: r('drCarter'), branchId: east(), date: tue, intervals: [span('12:00', '13:00')] });
    expect((await gpStarts(r('drCarter'), tue))[0]).toBe('12:00');
    const removed = await manager.setup.hours.setException({ resourceId: r('drCarter'), branchId: east(), date: tue, intervals: [] });
    expect(removed).toMatchObject({ source: 'pattern', intervals: [] });
    expect(await exceptionRows(r('drCarter'), tue)).toEqual([]);
    expect((await gpStarts(r('drCarter'), tue))[0]).toBe('08:30');
    const week = await manager.setup.hours.week({ resourceId: r('drCarter'), branchId: east(), weekOf: tue });
    expect(week.days[1]).toMatchObject({ source: 'pattern', intervals: [span('08:30', '18:00')] });
  });

  it('the same hours again change nothing and append no event', async () => {
    const wed = plusDays(monday(3), 2);
    await manager.setup.hours.setException({ resourceId: r('drCarter'), branchId: east(), date: wed, intervals: [span('10:00', '12:00')] });
    const before = await databaseChecksum(setup.db.sql);
    await manager.setup.hours.setException({ resourceId: r('drCarter'), branchId: east(), date: wed, intervals: [span('10:00', '12:00')] });
    expect(await databaseChecksum(setup.db.sql)).toEqual(before);
  });

  describe('over booked appointments', () => {
    it('is refused with the appointments it would leave out, and nothing changes', async () => {
      const thu = plusDays(monday(4), 3);
      const early = await book('gp', r('drCarter'), thu, '09:00');
      await book('gp', r('drCarter'), thu, '13:00');
      const error = await refusedWithoutChange(
        () => manager.setup.hours.setException({ resourceId: r('drCarter'), branchId: east(), date: thu, intervals: [span('12:00', '16:00')] }),
        'AFFECTS_APPOINTMENTS',
      );
      const affected = (domainOf(error)!.details as { affected: AffectedAppointment[] }).affected;
      expect(affected.map((a) => a.id)).toEqual([early]);
      expect(affected[0]).toMatchObject({ serviceName: 'GP consultation', resourceNames: expect.arrayContaining(['Dr James Carter']) });
      expect(affected[0]!.patientName).toBeTruthy();
    });

    it('sent again with "keep": the hours change and the appointment stays, marked as kept', async () => {
      const thu = plusDays(monday(4), 3);
      const result = await manager.setup.hours.setException({ resourceId: r('drCarter'), branchId: east(), date: thu, intervals: [span('12:00', '16:00')], resolutions: { all: { action: 'keep' } } });
      expect(result.settled.kept).toHaveLength(1);
      expect(await appointmentRow(result.settled.kept[0]!)).toMatchObject({ status: 'BOOKED', kept_outside_hours: true });
      expect(await exceptionRows(r('drCarter'), thu)).toEqual([span('12:00', '16:00')]);
      expect(await gpStarts(r('drCarter'), thu)).not.toContain('09:00');
    });

    it('sent again with "cancel" for the one affected: it is cancelled with the reason', async () => {
      const fri = plusDays(monday(4), 4);
      const id = await book('gp', r('drCarter'), fri, '17:00');
      const result = await manager.setup.hours.setException({
        resourceId: r('drCarter'),
        branchId: east(),
        date: fri,
        intervals: [span('08:30', '12:00')],
        resolutions: { each: [{ appointmentId: id, action: 'cancel', reason: 'Dr Carter leaves at noon' }] },
      });
      expect(result.settled.cancelled).toEqual([id]);
      expect(await appointmentRow(id)).toMatchObject({ status: 'CANCELLED', cancel_reason: 'Dr Carter leaves at noon' });
    });
  });

  it('is for managers at their own branches: the front desk and other branches are refused, nothing changes', async () => {
    const mon = monday(5);
    const input = { resourceId: r('drRao'), branchId: east(), date: mon, intervals: [span('09:00', '10:00')] };
    await refusedWithoutChange(() => reception.setup.hours.setException(input), 'FORBIDDEN');
    await refusedWithoutChange(() => manager.setup.hours.setException({ ...input, branchId: setup.demo.branches.west, date: plusDays(mon, 1) }), 'FORBIDDEN');
    await refusedWithoutChange(() => manager.setup.hours.setException({ ...input, resourceId: r('drOkafor') }), 'NOT_FOUND');
  });

  it('bad input changes nothing and names the slip: end before start, overlaps, a past date, a date far ahead', async () => {
    const mon = monday(5);
    const base = { resourceId: r('drRao'), branchId: east(), date: mon };
    const backwards = await refusedWithoutChange(() => manager.setup.hours.setException({ ...base, intervals: [{ startMinute: 600, endMinute: 540 }] }), 'BAD_INPUT');
    expect(wordsOf(backwards)).toContain('it must end after it starts');
    const overlap = await refusedWithoutChange(() => manager.setup.hours.setException({ ...base, intervals: [span('09:00', '13:00'), span('12:00', '17:00')] }), 'BAD_INPUT');
    expect(wordsOf(overlap)).toContain('09:00–13:00 overlaps 12:00–17:00');
    const past = await refusedWithoutChange(() => manager.setup.hours.setException({ ...base, date: plusDays(monday(0), -14), intervals: [span('09:00', '10:00')] }), 'BAD_INPUT');
    expect(domainOf(past)).toMatchObject({ details: { field: 'date' } });
    const far = await refusedWithoutChange(() => manager.setup.hours.setException({ ...base, date: plusDays(mon, 3 * 365), intervals: [span('09:00', '10:00')] }), 'BAD_INPUT');
    expect(wordsOf(far)).toMatch(/too far ahead/);
    await refusedWithoutChange(() => manager.setup.hours.setException({ ...base, date: '2300-01-01', intervals: [] }), 'BAD_INPUT');
    await refusedWithoutChange(() => manager.setup.hours.setException({ ...base, intervals: [{ startMinute: 0, endMinute: 1441 }] }), 'BAD_INPUT');
  });
});

describe('the database’s last word', () => {
  it('refuses overlapping hours of one weekday, or of one date, even written past the commands', async () => {
    const args = [setup.demo.tenantId, r('drKim'), east()];
    const date = plusDays(monday(9), 5);
    await expect(
      setup.db.sql.query(`INSERT INTO working_hours_exception (tenant_id, resource_id, branch_id, date, start_minute, end_minute) VALUES ($1, $2, $3, $4, 540, 780), ($1, $2, $3, $4, 720, 1020)`, [...args, date]),
    ).rejects.toMatchObject({ code: '23P01', constraint: 'working_hours_exception_no_overlap' });
    await expect(
      setup.db.sql.query(`INSERT INTO working_hours (tenant_id, resource_id, branch_id, weekday, start_minute, end_minute) VALUES ($1, $2, $3, 1, 720, 780)`, args),
    ).rejects.toMatchObject({ code: '23P01', constraint: 'working_hours_no_overlap' });
    // Touching is not overlapping: a split shift at noon is fine.
    await setup.db.sql.query(`INSERT INTO working_hours_exception (tenant_id, resource_id, branch_id, date, start_minute, end_minute) VALUES ($1, $2, $3, $4, 540, 720), ($1, $2, $3, $4, 720, 1020)`, [...args, date]);
  });
});

describe('weekly pattern (schedule.setHours)', () => {
  it('takes a split shift; overlapping hours of one weekday are refused in plain words', async () => {
    const hours = [
      { weekday: 6, ...span('09:00', '12:00') },
      { weekday: 6, ...span('14:00', '18:00') },
    ];
    await manager.schedule.setHours({ resourceId: r('drIyer'), branchId: east(), hours: [...hours, { weekday: 2, ...span('11:00', '19:00') }, { weekday: 3, ...span('11:00', '19:00') }, { weekday: 4, ...span('11:00', '19:00') }] });
    const week = await manager.setup.hours.week({ resourceId: r('drIyer'), branchId: east(), weekOf: monday(6) });
    expect(week.days[5]!.intervals).toEqual([span('09:00', '12:00'), span('14:00', '18:00')]);
    const error = await refusedWithoutChange(
      () => manager.schedule.setHours({ resourceId: r('drIyer'), branchId: east(), hours: [{ weekday: 1, ...span('09:00', '13:00') }, { weekday: 1, ...span('12:00', '17:00') }] }),
      'BAD_INPUT',
    );
    expect(wordsOf(error)).toMatch(/overlap/);
  });
});

describe('addLeave', () => {
  it('over several days with bookings: refused with them listed, then cancelled on request; whole local days', async () => {
    const mon = monday(7);
    const tueId = await book('checkup', r('drNair'), plusDays(mon, 1), '10:00');
    const wedId = await book('checkup', r('drNair'), plusDays(mon, 2), '15:00');
    const input = { resourceId: r('drNair'), branchId: east(), from: mon, to: plusDays(mon, 2), reason: 'Conference' };
    const error = await refusedWithoutChange(() => manager.setup.hours.addLeave(input), 'AFFECTS_APPOINTMENTS');
    const affected = (domainOf(error)!.details as { affected: AffectedAppointment[] }).affected;
    expect(affected.map((a) => a.id)).toEqual([tueId, wedId]);

    const result = await manager.setup.hours.addLeave({ ...input, resolutions: { all: { action: 'cancel', reason: 'Dr Nair is at a conference' } } });
    expect(result.timeOff).toMatchObject({ kind: 'LEAVE', resourceId: r('drNair'), reason: 'Conference', startsAt: at(mon, '00:00'), endsAt: at(plusDays(mon, 3), '00:00') });
    expect([...result.settled.cancelled].sort()).toEqual([tueId, wedId].sort());
    expect(await appointmentRow(tueId)).toMatchObject({ status: 'CANCELLED', cancel_reason: 'Dr Nair is at a conference' });

    const week = await manager.setup.hours.week({ resourceId: r('drNair'), branchId: east(), weekOf: mon });
    expect(week.days.map((d) => d.timeOff.some((t) => t.whole && t.kind === 'LEAVE'))).toEqual([true, true, true, false, false, false, false]);
    const slots = await reception.availability.findSlots({ serviceId: setup.demo.services.checkup, branchIds: [east()], resourceIds: [r('drNair')], from: at(mon, '00:00'), to: at(plusDays(mon, 3), '00:00') });
    expect(slots).toEqual([]);
  });

  it('with no bookings in the way it is simply added; bad dates change nothing', async () => {
    const mon = monday(8);
    const result = await manager.setup.hours.addLeave({ resourceId: r('ptShaw'), branchId: east(), from: mon, to: mon, reason: '' });
    expect(result.settled).toEqual({ kept: [], cancelled: [], moved: [], released: [] });
    expect(result.timeOff.endsAt).toBe(at(plusDays(mon, 1), '00:00'));
    await refusedWithoutChange(() => manager.setup.hours.addLeave({ resourceId: r('ptShaw'), branchId: east(), from: plusDays(mon, 3), to: mon }), 'BAD_INPUT');
    await refusedWithoutChange(() => manager.setup.hours.addLeave({ resourceId: r('ptShaw'), branchId: east(), from: '2020-01-06', to: '2020-01-08' }), 'BAD_INPUT');
    await refusedWithoutChange(() => manager.setup.hours.addLeave({ resourceId: r('ptShaw'), branchId: east(), from: mon, to: plusDays(mon, 400) }), 'BAD_INPUT');
    await refusedWithoutChange(() => reception.setup.hours.addLeave({ resourceId: r('ptShaw'), branchId: east(), from: mon, to: mon }), 'FORBIDDEN');
    await refusedWithoutChange(() => manager.setup.hours.addLeave({ resourceId: r('drOkafor'), branchId: east(), from: mon, to: mon }), 'NOT_FOUND');
  });
});
