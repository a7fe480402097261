// Over 300 lines: the series promises (check, book all-or-nothing and free ones, races, DST, scopes, leave) share one seeded clinic.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError, wallTime, type AffectedAppointment, type SeriesBookInput, type SeriesBookResult } from '@frontdesk/shared';
import { seedDemo, type DemoClinic } from '../seed/demo.js';
import { callerFor, type Caller } from '../testing/callers.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { at, codeOf, race, upcoming } from '../testing/race.js';

const NY = 'America/New_York';
const LONDON = 'Europe/London';
let db: TestDatabase;
let demo: DemoClinic;
let desk: Caller;
let other: Caller;
let manager: Caller;
let patientCursor = 0;

const r = (key: string) => demo.resources[key]!;
const nextPatient = () => demo.patients[patientCursor++ % demo.patients.length]!;
const monday = (weeks: number) => upcoming(1, NY, weeks);
const plusDays = (date: string, n: number) => new Date(Date.parse(`${date}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** A weekly GP series with Dr Carter on Mondays, 4 visits. */
function gpSeries(day: string, time: string, patientId = nextPatient(), extra: Partial<SeriesBookInput> = {}): SeriesBookInput {
  return { branchId: demo.branches.east, serviceId: demo.services.gp, patientId, startsAt: at(day, time, NY), rule: { frequency: 'WEEKLY', count: 4 }, practitionerIds: [r('drCarter')], ...extra };
}

/** Another desk books a single GP visit with Dr Carter. */
function bookCarter(startsAt: string, patientId = nextPatient()) {
  return other.booking.book({ branchId: demo.branches.east, serviceId: demo.services.gp, startsAt, resourceIds: [r('drCarter')], patientId });
}

function booked(result: SeriesBookResult) {
  if (result.outcome !== 'booked') throw new Error(`expected a booked series, got ${JSON.stringify(result)}`);
  return result;
}

async function domainError(call: Promise<unknown>): Promise<DomainError> {
  try {
    await call;
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof DomainError) return cause;
    throw error;
  }
  throw new Error('expected a refusal');
}

async function q<R>(text: string, values: unknown[] = []): Promise<R[]> {
  return (await db.sql.query(text, values)).rows as R[];
}

/** Overlapping active occupancy of any resource, and overlapping live appointments of any patient, read straight from the tables. */
async function overlaps(): Promise<number> {
  const [res] = await q<{ n: number }>(`
    SELECT count(*)::int AS n FROM appointment_resource x JOIN appointment_resource y ON x.resource_id = y.resource_id AND x.appointment_id < y.appointment_id
     WHERE x.active AND y.active AND tstzrange(x.starts_at, x.ends_at, '[)') && tstzrange(y.starts_at, y.ends_at, '[)')`);
  const [pat] = await q<{ n: number }>(`
    SELECT count(*)::int AS n FROM appointment x JOIN appointment y ON x.patient_id = y.patient_id AND x.id < y.id
     WHERE x.status IN ('HELD','BOOKED','CHECKED_IN','IN_CONSULTATION','COMPLETED') AND y.status IN ('HELD','BOOKED','CHECKED_IN','IN_CONSULTATION','COMPLETED')
       AND tstzrange(x.starts_at, x.ends_at, '[)') && tstzrange(y.starts_at, y.ends_at, '[)')`);
  return res!.n + pat!.n;
}

const seriesOfPatient = (patientId: string) => q<{ id: string }>(`SELECT id FROM series WHERE patient_id = $1`, [patientId]);
const occurrencesOfPatient = (patientId: string) =>
  q<{ id: string; series_index: number; status: string; starts_at: Date; version: number }>(
    `SELECT id, series_index, status::text AS status, starts_at, version FROM appointment WHERE patient_id = $1 AND series_id IS NOT NULL ORDER BY series_index`,
    [patientId],
  );
const eventTypes = (aggregateId: string) => q<{ type: string }>(`SELECT type FROM event WHERE aggregate_id = $1 ORDER BY seq`, [aggregateId]).then((rows) => rows.map((x) => x.type));

beforeAll(async () => {
  db = await createTestDatabase();
  demo = await seedDemo(db.owner, { emailDomain: 'series.test', patients: 40 });
  // The west branch keeps London's clocks, which change on the last Sundays of March and October.
  await db.sql.query(`UPDATE branch SET time_zone = $1 WHERE id = $2`, [LONDON, demo.branches.west]);
  desk = await callerFor(db.deps, demo.staff.receptionist.email, demo.password, 'front desk 1');
  other = await callerFor(db.deps, demo.staff.callCentre.email, demo.password, 'call centre');
  manager = await callerFor(db.deps, demo.staff.manager.email, demo.password, 'manager');
});
afterAll(() => db.drop());

describe('checking a series before it is booked', () => {
  it('each occurrence is free, or taken with its nearest alternatives, same day first; nothing is written', async () => {
    const day = monday(2);
    const plan = gpSeries(day, '10:00');
    await bookCarter(at(plusDays(day, 14), '10:00', NY));
    const check = await desk.series.check(plan);
    expect(check.summary).toBe('Every week at 10:00, 4 visits');
    expect(check.occurrences.map((o) => o.state)).toEqual(['free', 'free', 'taken', 'free']);
    expect(check.occurrences.map((o) => wallTime(o.startsAt, NY))).toEqual(['10:00', '10:00', '10:00', '10:00']);
    const taken = check.occurrences[2]!;
    expect(taken.reason).toBe('That time is taken.');
    expect(taken.alternatives.length).toBeGreaterThan(0);
    // The nearest free time is on the same local day, with Dr Carter.
    expect(new Date(taken.alternatives[0]!.startsAt).toLocaleDateString('en-CA', { timeZone: NY })).toBe(plusDays(day, 14));
    expect(taken.alternatives[0]!.resourceIds).toContain(r('drCarter'));
    expect(check.occurrences[0]!.resourceIds).toContain(r('drCarter'));
    expect(await seriesOfPatient(plan.patientId)).toEqual([]);
  });

  it('practitioners in turn: the 1st, 2nd, 1st, 2nd visit each with the next one', async () => {
    const plan = gpSeries(monday(3), '11:00', nextPatient(), { practitionerIds: [r('drCarter'), r('drRao')] });
    const check = await desk.series.check(plan);
    expect(check.occurrences.map((o) => o.practitionerId)).toEqual([r('drCarter'), r('drRao'), r('drCarter'), r('drRao')]);
    const result = booked(await desk.series.book(plan));
    expect(result.booked.map((a) => a.resources.some((x) => x.resourceId === (a.series!.index % 2 === 1 ? r('drCarter') : r('drRao'))))).toEqual([true, true, true, true]);
  });

  it('bad input is refused naming the field, and nothing is written', async () => {
    const plan = gpSeries(monday(3), '12:00');
    await expect(desk.series.check({ ...plan, rule: { frequency: 'WEEKLY' } })).rejects.toThrow(/number of visits or an end date/);
    await expect(desk.series.book({ ...plan, rule: { frequency: 'WEEKLY', count: 61 } })).rejects.toThrow(/at most 60 visits/);
    expect(await seriesOfPatient(plan.patientId)).toEqual([]);
  });
});

describe('booking a series', () => {
  it('all or nothing: one taken occurrence → nothing written, answered with the taken one and its alternatives', async () => {
    const day = monday(4);
    const plan = gpSeries(day, '09:00');
    await bookCarter(at(plusDays(day, 7), '09:00', NY));
    const result = await desk.series.book(plan);
    expect(result.outcome).toBe('taken');
    if (result.outcome !== 'taken') return;
    expect(result.occurrences.map((o) => o.index)).toEqual([2]);
    expect(result.occurrences[0]!.alternatives.length).toBeGreaterThan(0);
    expect(await seriesOfPatient(plan.patientId)).toEqual([]);
    expect(await occurrencesOfPatient(plan.patientId)).toEqual([]);
  });

  it('picking an alternative for the taken one books all four in one go, each with its own events and "n of 4"', async () => {
    const day = monday(5);
    const plan = gpSeries(day, '09:30');
    await bookCarter(at(plusDays(day, 7), '09:30', NY));
    const check = await desk.series.check(plan);
    const alternative = check.occurrences[1]!.alternatives[0]!;
    const result = booked(await desk.series.book({ ...plan, picks: [{ index: 2, action: 'alternative', startsAt: alternative.startsAt, resourceIds: alternative.resourceIds }] }));
    expect(result.booked.map((a) => a.series)).toEqual([1, 2, 3, 4].map((index) => ({ id: result.series.id, index, count: 4 })));
    expect(result.booked[1]!.startsAt).toBe(alternative.startsAt);
    expect(result.unbooked).toEqual([]);
    const rows = await occurrencesOfPatient(plan.patientId);
    expect(rows.map((x) => [x.series_index, x.status, x.version])).toEqual([1, 2, 3, 4].map((i) => [i, 'BOOKED', 1]));
    for (const a of result.booked) expect(await eventTypes(a.id)).toEqual(['appointment.booked']);
    expect(await eventTypes(result.series.id)).toEqual(['series.booked']);
    const view = await desk.series.get({ seriesId: result.series.id });
    expect(view.occurrences.map((o) => o.appointment?.id)).toEqual(result.booked.map((a) => a.id));
    expect(await overlaps()).toBe(0);
  });

  it('book the free ones: the taken one is listed (with alternatives), the series shows its place empty', async () => {
    const day = monday(6);
    const plan = gpSeries(day, '13:00');
    await bookCarter(at(plusDays(day, 21), '13:00', NY));
    const result = booked(await desk.series.book({ ...plan, mode: 'free', picks: [{ index: 2, action: 'skip' }] }));
    expect(result.booked.map((a) => a.series!.index)).toEqual([1, 3]);
    expect(result.unbooked.map((o) => [o.index, o.reason])).toEqual([
      [2, 'Left out.'],
      [4, 'That time is taken.'],
    ]);
    expect(result.unbooked[1]!.alternatives.length).toBeGreaterThan(0);
    expect(result.series.occurrences.map((o) => o.appointment !== null)).toEqual([true, false, true, false]);
  });

  it("from the desk's own hold on the first visit: the check looks past it, the booking releases it in the same transaction", async () => {
    const day = monday(17);
    const plan = gpSeries(day, '16:00');
    const hold = await desk.booking.hold({ branchId: demo.branches.east, serviceId: demo.services.gp, startsAt: plan.startsAt, resourceIds: [r('drCarter')] });
    const without = await desk.series.check(plan);
    expect(without.occurrences[0]!.state).toBe('taken');
    const check = await desk.series.check({ ...plan, replacingHoldId: hold.id });
    expect(check.occurrences.map((o) => o.state)).toEqual(['free', 'free', 'free', 'free']);
    // Another desk's hold is never looked past.
    expect((await other.series.check({ ...plan, replacingHoldId: hold.id })).occurrences[0]!.state).toBe('taken');
    const result = booked(await desk.series.book({ ...plan, replacingHoldId: hold.id }));
    expect(result.booked.length).toBe(4);
    expect((await q<{ status: string }>(`SELECT status::text AS status FROM appointment WHERE id = $1`, [hold.id]))[0]!.status).toBe('RELEASED');
    expect(await overlaps()).toBe(0);
  });

  it('the same idempotency key again answers the first series; nothing is booked twice', async () => {
    const plan = gpSeries(monday(7), '15:00', nextPatient(), { idempotencyKey: 'series-key-0001' });
    const first = booked(await desk.series.book(plan));
    const again = booked(await desk.series.book(plan));
    expect(again.series.id).toBe(first.series.id);
    expect((await seriesOfPatient(plan.patientId)).length).toBe(1);
    expect((await occurrencesOfPatient(plan.patientId)).length).toBe(4);
    await expect(desk.series.book({ ...plan, note: 'different' })).rejects.toThrow(/already used for a different request/);
  });
});

describe('races: no partial series by accident', () => {
  it('another desk takes an occurrence between check and book: all-or-nothing writes nothing and names it', async () => {
    const day = monday(8);
    const plan = gpSeries(day, '10:15');
    const check = await desk.series.check(plan);
    expect(check.occurrences.every((o) => o.state === 'free')).toBe(true);
    await bookCarter(check.occurrences[2]!.startsAt);
    const result = await desk.series.book(plan);
    expect(result.outcome === 'taken' && result.occurrences.map((o) => o.index)).toEqual([3]);
    expect(await occurrencesOfPatient(plan.patientId)).toEqual([]);
    expect(await overlaps()).toBe(0);
  });

  it('a series and single bookings of its times race at once: the series is whole or absent, never overlapping', async () => {
    for (const [k, time] of [
      [9, '14:00'],
      [10, '14:30'],
      [11, '15:30'],
    ] as const) {
      const day = monday(k);
      const plan = gpSeries(day, time);
      const results = await race<unknown>(4, (i) => (i === 0 ? desk.series.book(plan) : bookCarter(at(plusDays(day, 7 * i), time, NY))));
      const series = results[0]!;
      const rows = await occurrencesOfPatient(plan.patientId);
      const singlesWon = results.slice(1).filter((x) => codeOf(x) === 'OK').length;
      if (series.status === 'fulfilled' && (series.value as SeriesBookResult).outcome === 'booked') {
        expect(rows.length).toBe(4);
        expect(singlesWon).toBe(0);
      } else {
        expect(rows).toEqual([]);
        expect(singlesWon).toBeGreaterThan(0);
      }
      expect(await overlaps()).toBe(0);
    }
  });
});

describe('a weekly 09:00 across a clock change', () => {
  it('stays 09:00 local in London across the last Sunday of March; the instants move an hour', async () => {
    // Emily Shaw (physio) works at the London branch Wednesday to Friday 08:00–14:00.
    const plan: SeriesBookInput = { branchId: demo.branches.west, serviceId: demo.services.physio, patientId: nextPatient(), startsAt: at('2027-03-17', '09:00', LONDON), rule: { frequency: 'WEEKLY', count: 4 }, practitionerIds: [r('ptShaw')] };
    const result = booked(await other.series.book(plan));
    expect(result.booked.map((a) => wallTime(a.startsAt, LONDON))).toEqual(['09:00', '09:00', '09:00', '09:00']);
    expect(result.booked.map((a) => a.startsAt)).toEqual(['2027-03-17T09:00:00.000Z', '2027-03-24T09:00:00.000Z', '2027-03-31T08:00:00.000Z', '2027-04-07T08:00:00.000Z']);
  });
});

describe('changing one occurrence, the following, or the whole series', () => {
  async function fresh(k: number, time: string) {
    return booked(await desk.series.book(gpSeries(monday(k), time)));
  }

  it('moving one occurrence moves only it: the others keep their time and version', async () => {
    const s = await fresh(20, '09:00');
    const second = s.booked[1]!;
    await desk.series.move({ appointmentId: second.id, version: second.version, scope: 'this', startsAt: new Date(Date.parse(second.startsAt) + 3_600_000).toISOString() });
    const rows = await occurrencesOfPatient(s.series.patientId);
    expect(rows.map((x) => wallTime(x.starts_at.getTime(), NY))).toEqual(['09:00', '10:00', '09:00', '09:00']);
    expect(rows.map((x) => x.version)).toEqual([1, 2, 1, 1]);
    expect(await eventTypes(second.id)).toEqual(['appointment.booked', 'appointment.moved']);
  });

  it('this and the following: each moves to the new local time, one event each and one series.changed', async () => {
    const s = await fresh(24, '11:00');
    const second = s.booked[1]!;
    const done = await desk.series.move({ appointmentId: second.id, version: second.version, scope: 'following', startsAt: at(plusDays(monday(24), 7), '12:30', NY) });
    expect(done.appointments.map((a) => a.series!.index)).toEqual([2, 3, 4]);
    const rows = await occurrencesOfPatient(s.series.patientId);
    expect(rows.map((x) => wallTime(x.starts_at.getTime(), NY))).toEqual(['11:00', '12:30', '12:30', '12:30']);
    expect(await eventTypes(s.booked[0]!.id)).toEqual(['appointment.booked']);
    for (const a of s.booked.slice(1)) expect(await eventTypes(a.id)).toEqual(['appointment.booked', 'appointment.moved']);
    expect(await eventTypes(s.series.id)).toEqual(['series.booked', 'series.changed']);
  });

  it('the whole series to another practitioner at the same times: every live visit changes hands, each with its own event', async () => {
    const s = await fresh(44, '13:30');
    const done = await desk.series.move({ appointmentId: s.booked[2]!.id, version: 1, scope: 'all', startsAt: s.booked[2]!.startsAt, resourceIds: [r('drRao')] });
    expect(done.appointments.map((a) => a.resources.some((x) => x.resourceId === r('drRao')))).toEqual([true, true, true, true]);
    const rows = await occurrencesOfPatient(s.series.patientId);
    expect(rows.map((x) => [wallTime(x.starts_at.getTime(), NY), x.version])).toEqual([1, 2, 3, 4].map(() => ['13:30', 2]));
    for (const a of s.booked) expect(await eventTypes(a.id)).toEqual(['appointment.booked', 'appointment.moved']);
    expect(await overlaps()).toBe(0);
  });

  it('a move of the following that does not fit anywhere moves none of them, and says which visit', async () => {
    const s = await fresh(28, '09:00');
    await bookCarter(at(plusDays(monday(28), 21), '16:00', NY));
    const error = await domainError(desk.series.move({ appointmentId: s.booked[1]!.id, version: 1, scope: 'following', startsAt: at(plusDays(monday(28), 7), '16:00', NY) }));
    expect(error.code).toBe('SLOT_TAKEN');
    expect(error.message).toMatch(/^Visit 4 /);
    const rows = await occurrencesOfPatient(s.series.patientId);
    expect(rows.map((x) => [wallTime(x.starts_at.getTime(), NY), x.version])).toEqual([1, 2, 3, 4].map(() => ['09:00', 1]));
  });

  it('cancel this and the following: the earlier ones stay booked, the rest cancelled with a reason and an event each', async () => {
    const s = await fresh(32, '10:00');
    const third = s.booked[2]!;
    const done = await desk.series.cancel({ appointmentId: third.id, version: third.version, scope: 'following', reasonCode: 'PATIENT_REQUEST' });
    expect(done.appointments.map((a) => [a.series!.index, a.status])).toEqual([
      [3, 'CANCELLED'],
      [4, 'CANCELLED'],
    ]);
    const rows = await occurrencesOfPatient(s.series.patientId);
    expect(rows.map((x) => x.status)).toEqual(['BOOKED', 'BOOKED', 'CANCELLED', 'CANCELLED']);
    expect(await eventTypes(third.id)).toEqual(['appointment.booked', 'appointment.cancelled']);
    // The freed time can be booked by anyone at once.
    await expect(bookCarter(third.startsAt)).resolves.toMatchObject({ status: 'BOOKED' });
  });

  it('cancel the whole series from any occurrence; an old version is refused as STALE and cancels nothing', async () => {
    const s = await fresh(36, '10:00');
    const last = s.booked[3]!;
    await desk.booking.move({ appointmentId: last.id, version: 1, startsAt: new Date(Date.parse(last.startsAt) + 1_800_000).toISOString() });
    expect((await domainError(desk.series.cancel({ appointmentId: last.id, version: 1, scope: 'all', reason: 'Moving away' }))).code).toBe('STALE');
    expect((await occurrencesOfPatient(s.series.patientId)).map((x) => x.status)).toEqual(['BOOKED', 'BOOKED', 'BOOKED', 'BOOKED']);
    await desk.series.cancel({ appointmentId: last.id, version: 2, scope: 'all', reason: 'Moving away' });
    expect((await occurrencesOfPatient(s.series.patientId)).map((x) => x.status)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED', 'CANCELLED']);
  });
});

describe('leave added later', () => {
  it('lists the occurrences it hits with their place in the series', async () => {
    const s = booked(await desk.series.book(gpSeries(monday(40), '09:00')));
    const day = plusDays(monday(40), 7);
    const error = await domainError(manager.schedule.addTimeOff({ branchId: demo.branches.east, resourceId: r('drCarter'), kind: 'LEAVE', startsAt: at(day, '08:00', NY), endsAt: at(day, '12:00', NY), reason: 'Course' }));
    expect(error.code).toBe('AFFECTS_APPOINTMENTS');
    const affected = (error.details as { affected: AffectedAppointment[] }).affected.find((a) => a.id === s.booked[1]!.id);
    expect(affected?.seriesLabel).toBe('2 of 4');
  });
});
