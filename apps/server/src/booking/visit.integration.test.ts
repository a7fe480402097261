// Editing a booking in place, the visit's progress and cancelling with a reason, each checked in the database (Dr Rao works Mon/Wed/Fri).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppointmentView } from '@frontdesk/shared';
import { callerFor, type Caller } from '../testing/callers.js';
import { domainOf, failure } from '../testing/errors.js';
import { demoDatabase } from '../testing/file-database.js';
import { at, upcoming } from '../testing/race.js';

const NY = 'America/New_York';
const setup = demoDatabase({ emailDomain: 'visit.test', patients: 40 });
let desk1: Caller;
let desk2: Caller;
let admin: Caller;
let monday: string;
let tuesday: string;
let wednesday: string;

beforeAll(async () => {
  desk1 = await callerFor(setup.db.deps, setup.demo.staff.receptionist.email, setup.demo.password, 'front desk 1');
  desk2 = await callerFor(setup.db.deps, setup.demo.staff.callCentre.email, setup.demo.password, 'call centre');
  admin = await callerFor(setup.db.deps, setup.demo.staff.admin.email, setup.demo.password, 'admin');
  monday = upcoming(1, NY);
  tuesday = upcoming(2, NY);
  wednesday = upcoming(3, NY);
});
afterAll(async () => {
  await admin.clinic.setVisitSettings({ checkInWindowMin: 60, lateCancelNoticeHours: 24 });
});

const r = (key: string) => setup.demo.resources[key]!;
const patient = (i: number) => setup.demo.patients[i]!;
const rows = async (sql: string, params: unknown[] = []) => (await setup.db.sql.query(sql, params)).rows;
const row = async (id: string) =>
  (await rows(
    `SELECT status::text, service_id, patient_id, note, version, checked_in_at, consultation_started_at, completed_at, cancelled_late, cancel_reason, cancel_reason_code
       FROM appointment WHERE id = $1`,
    [id],
  ))[0] as { status: string; service_id: string; patient_id: string; note: string; version: number; checked_in_at: Date | null; consultation_started_at: Date | null; completed_at: Date | null; cancelled_late: boolean; cancel_reason: string | null; cancel_reason_code: string | null };
const occupancy = async (id: string) => (await rows(`SELECT resource_id FROM appointment_resource WHERE appointment_id = $1 AND active ORDER BY resource_id`, [id])).map((x) => x.resource_id as string);
const eventsOf = async (id: string, type: string) => (await rows(`SELECT desk FROM event WHERE aggregate_id = $1 AND type = $2`, [id, type])).length;

function gp(date: string, hhmm: string, doctor: string, p: number) {
  return desk1.booking.book({ branchId: setup.demo.branches.east, serviceId: setup.demo.services.gp, resourceIds: [r(doctor)], startsAt: at(date, hhmm, NY), patientId: patient(p) });
}

/** Puts a booking's start `minutes` from now (the visit rules read the clock), keeping its length. */
async function startsIn(a: AppointmentView, minutes: number): Promise<void> {
  await rows(`UPDATE appointment SET starts_at = now() + make_interval(mins => $2::int), ends_at = now() + make_interval(mins => $2::int + 15) WHERE id = $1`, [a.id, minutes]);
}

describe('editing a booked appointment', () => {
  it.each(['09:00', '16:00', '16:15', '16:30'])('two desks edit the same booking at once (%s): one wins, the other gets STALE with the appointment as it is now', async (hhmm) => {
    const booked = await gp(monday, hhmm, 'drCarter', 20 + ['09:00', '16:00', '16:15', '16:30'].indexOf(hhmm));
    const results = await Promise.allSettled([
      desk1.booking.edit({ appointmentId: booked.id, version: booked.version, resourceIds: [r('drRao')] }),
      desk2.booking.edit({ appointmentId: booked.id, version: booked.version, note: 'Wheelchair access' }),
    ]);
    const ok = results.filter((x) => x.status === 'fulfilled');
    const stale = results.filter((x) => x.status === 'rejected').map((x) => domainOf((x as PromiseRejectedResult).reason));
    expect(ok).toHaveLength(1);
    expect(stale.map((e) => e?.code)).toEqual(['STALE']);
    const now = await row(booked.id);
    expect(now.version).toBe(booked.version + 1);
    expect(await eventsOf(booked.id, 'appointment.edited')).toBe(1);
    // The winner's change and only it is in the database.
    const won = (ok[0] as PromiseFulfilledResult<AppointmentView>).value;
    expect((stale[0]!.details as { current: AppointmentView }).current.version).toBe(won.version);
    if (won.note === 'Wheelchair access') expect(await occupancy(booked.id)).toContain(r('drCarter'));
    else expect(await occupancy(booked.id)).toContain(r('drRao'));
  });

  it('changes the practitioner in place: same appointment and time, the new doctor occupies it, the old one is free', async () => {
    const booked = await gp(monday, '09:30', 'drCarter', 1);
    const edited = await desk1.booking.edit({ appointmentId: booked.id, version: booked.version, resourceIds: [r('drRao')], note: 'Asked for Dr Rao' });
    expect(edited).toMatchObject({ id: booked.id, startsAt: booked.startsAt, note: 'Asked for Dr Rao', version: booked.version + 1 });
    const occupied = await occupancy(booked.id);
    expect(occupied).toContain(r('drRao'));
    expect(occupied).not.toContain(r('drCarter'));
    // Dr Carter's 09:30 is free again.
    await expect(gp(monday, '09:30', 'drCarter', 2)).resolves.toMatchObject({ status: 'BOOKED' });
  });

  it('into a taken slot: SLOT_TAKEN with alternatives, and nothing changed', async () => {
    await gp(wednesday, '10:00', 'drCarter', 3);
    const mine = await gp(wednesday, '10:00', 'drRao', 4);
    const error = domainOf(await failure(desk1.booking.edit({ appointmentId: mine.id, version: mine.version, resourceIds: [r('drCarter')], note: 'should not stick' })));
    expect(error?.code).toBe('SLOT_TAKEN');
    expect((error!.details as { alternatives: unknown[] }).alternatives.length).toBeGreaterThan(0);
    const now = await row(mine.id);
    expect(now).toMatchObject({ version: mine.version, note: '', status: 'BOOKED' });
    expect(await occupancy(mine.id)).toContain(r('drRao'));
    expect(await occupancy(mine.id)).not.toContain(r('drCarter'));
    expect(await eventsOf(mine.id, 'appointment.edited')).toBe(0);
  });

  it('another patient who is busy then: SLOT_TAKEN naming their appointment, nothing changed', async () => {
    const theirs = await gp(wednesday, '11:00', 'drCarter', 5);
    const mine = await gp(wednesday, '11:00', 'drRao', 6);
    const error = domainOf(await failure(desk1.booking.edit({ appointmentId: mine.id, version: mine.version, patientId: patient(5) })));
    expect(error?.code).toBe('SLOT_TAKEN');
    expect(error?.message).toMatch(/already has an appointment/);
    expect((await row(mine.id)).patient_id).toBe(patient(6));
    expect(theirs.patient?.id).toBe(patient(5));
  });

  it('changes the patient and the service: the new price, length and patient, one event', async () => {
    const booked = await desk1.booking.book({ branchId: setup.demo.branches.east, serviceId: setup.demo.services.checkup, resourceIds: [r('drKim')], startsAt: at(tuesday, '14:00', NY), patientId: patient(7) });
    const edited = await desk1.booking.edit({ appointmentId: booked.id, version: booked.version, serviceId: setup.demo.services.cleaning, patientId: patient(8) });
    expect(edited).toMatchObject({ serviceId: setup.demo.services.cleaning, patient: { id: patient(8) } });
    expect(Date.parse(edited.endsAt) - Date.parse(edited.startsAt)).toBe(45 * 60_000);
    expect(await row(booked.id)).toMatchObject({ service_id: setup.demo.services.cleaning, patient_id: patient(8) });
    expect(await occupancy(booked.id)).toContain(r('drKim'));
  });

  it('a checked-in appointment is not edited here: plain words, nothing changed', async () => {
    const booked = await gp(tuesday, '15:00', 'drCarter', 9);
    await startsIn(booked, 10);
    const arrived = await desk1.booking.checkIn({ appointmentId: booked.id, version: booked.version });
    const error = domainOf(await failure(desk1.booking.edit({ appointmentId: arrived.id, version: arrived.version, note: 'x' })));
    expect(error).toMatchObject({ code: 'INVALID_STATE' });
    expect(error?.message).toMatch(/checked-in appointment cannot be edited/);
  });
});

describe("the visit's progress", () => {
  it('booked → checked in → in consultation → completed, each time recorded in order', async () => {
    const booked = await gp(monday, '11:00', 'drCarter', 10);
    await startsIn(booked, 20);
    const arrived = await desk1.booking.checkIn({ appointmentId: booked.id, version: booked.version });
    expect(arrived.status).toBe('CHECKED_IN');
    expect(arrived.checkedInAt).toBeTruthy();
    const inRoom = await desk2.booking.startConsultation({ appointmentId: booked.id, version: arrived.version });
    expect(inRoom.status).toBe('IN_CONSULTATION');
    const done = await desk1.booking.complete({ appointmentId: booked.id, version: inRoom.version });
    expect(done.status).toBe('COMPLETED');
    const now = await row(booked.id);
    expect(now.status).toBe('COMPLETED');
    expect(now.checked_in_at).not.toBeNull();
    expect(now.consultation_started_at!.getTime()).toBeGreaterThanOrEqual(now.checked_in_at!.getTime());
    expect(now.completed_at!.getTime()).toBeGreaterThanOrEqual(now.consultation_started_at!.getTime());
    // In consultation it still held the doctor's time; completed too.
    expect(await occupancy(booked.id)).toContain(r('drCarter'));
    for (const type of ['appointment.checked_in', 'appointment.consultation_started', 'appointment.completed']) expect(await eventsOf(booked.id, type)).toBe(1);
  });

  it('in consultation occupies the time: another booking over it is refused', async () => {
    const booked = await gp(monday, '11:30', 'drCarter', 11);
    await startsIn(booked, 5);
    const arrived = await desk1.booking.checkIn({ appointmentId: booked.id, version: booked.version });
    await desk1.booking.startConsultation({ appointmentId: booked.id, version: arrived.version });
    const active = await rows(`SELECT bool_and(active) AS all FROM appointment_resource WHERE appointment_id = $1`, [booked.id]);
    expect(active[0].all).toBe(true);
  });

  it('check-in opens at the clinic window before the start; the window is the clinic setting', async () => {
    const booked = await gp(monday, '12:00', 'drCarter', 12);
    await startsIn(booked, 120);
    const early = domainOf(await failure(desk1.booking.checkIn({ appointmentId: booked.id, version: booked.version })));
    expect(early?.code).toBe('INVALID_STATE');
    expect(early?.message).toMatch(/Check-in opens 60 minutes before the appointment; it starts in 2 h|1 h 59 min/);
    expect((await row(booked.id)).status).toBe('BOOKED');
    const settings = await admin.clinic.setVisitSettings({ checkInWindowMin: 180, lateCancelNoticeHours: 24 });
    expect(settings).toMatchObject({ checkInWindowMin: 180, lateCancelNoticeHours: 24 });
    await expect(desk1.booking.checkIn({ appointmentId: booked.id, version: booked.version })).resolves.toMatchObject({ status: 'CHECKED_IN' });
    await admin.clinic.setVisitSettings({ checkInWindowMin: 60, lateCancelNoticeHours: 24 });
  });

  it('only the admin sets the window; a bad value is refused naming the field', async () => {
    expect(domainOf(await failure(desk1.clinic.setVisitSettings({ checkInWindowMin: 30, lateCancelNoticeHours: 24 })))?.code).toBe('FORBIDDEN');
    const bad = await failure(admin.clinic.setVisitSettings({ checkInWindowMin: -5, lateCancelNoticeHours: 24 }));
    expect(JSON.stringify(bad)).toMatch(/check-in window cannot be negative/i);
    expect((await admin.clinic.settings()).checkInWindowMin).toBe(60);
  });

  it('no-show only once the appointment has started', async () => {
    const booked = await gp(monday, '12:30', 'drCarter', 13);
    await startsIn(booked, 30);
    const early = domainOf(await failure(desk1.booking.markNoShow({ appointmentId: booked.id, version: booked.version })));
    expect(early?.code).toBe('INVALID_STATE');
    expect(early?.message).toMatch(/only once the appointment has started/);
    expect((await row(booked.id)).status).toBe('BOOKED');
    await startsIn(booked, -5);
    await expect(desk1.booking.markNoShow({ appointmentId: booked.id, version: booked.version })).resolves.toMatchObject({ status: 'NO_SHOW' });
  });

  it('the consultation starts only after check-in; a stale step is STALE', async () => {
    const booked = await gp(monday, '13:00', 'drCarter', 14);
    await startsIn(booked, 10);
    const notYet = domainOf(await failure(desk1.booking.startConsultation({ appointmentId: booked.id, version: booked.version })));
    expect(notYet?.message).toBe('Check the patient in before the consultation starts.');
    await desk1.booking.checkIn({ appointmentId: booked.id, version: booked.version });
    expect(domainOf(await failure(desk2.booking.checkIn({ appointmentId: booked.id, version: booked.version })))?.code).toBe('STALE');
  });

  it('check-in, cancel and move racing at one version, round after round: exactly one wins and the row, its occupancy and events agree with it', async () => {
    const wins = new Map<string, number>();
    const friday = upcoming(5, NY); // a day no other test here books
    for (let round = 0; round < 6; round++) {
      const booked = await gp(friday, `${String(9 + round).padStart(2, '0')}:00`, 'drRao', 20 + round);
      await startsIn(booked, 20);
      const ref = { appointmentId: booked.id, version: booked.version };
      const outcomes = await Promise.allSettled([
        desk1.booking.checkIn(ref),
        desk2.booking.cancel({ ...ref, reasonCode: 'PATIENT_REQUEST', reason: '' }),
        desk2.booking.move({ ...ref, startsAt: at(friday, `${String(9 + round).padStart(2, '0')}:30`, NY) }),
      ]);
      const won = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [(['CHECKED_IN', 'CANCELLED', 'BOOKED'] as const)[i]!] : []));
      expect(won).toHaveLength(1);
      for (const o of outcomes) if (o.status === 'rejected') expect(domainOf(o.reason)?.code).toBe('STALE');
      wins.set(won[0]!, (wins.get(won[0]!) ?? 0) + 1);
      const now = await row(booked.id);
      expect(now.status).toBe(won[0]);
      expect(now.version).toBe(booked.version + 1);
      // A cancelled appointment holds no time; the others still hold the doctor's (and a room's).
      const held = await occupancy(booked.id);
      if (now.status === 'CANCELLED') expect(held).toEqual([]);
      else expect(held).toContain(r('drRao'));
      const events = await rows(`SELECT type FROM event WHERE aggregate_id = $1 AND type <> 'appointment.booked'`, [booked.id]);
      expect(events.map((e) => e.type)).toEqual([{ CHECKED_IN: 'appointment.checked_in', CANCELLED: 'appointment.cancelled', BOOKED: 'appointment.moved' }[won[0]!]]);
    }
    console.info('check-in/cancel/move race winners:', Object.fromEntries(wins));
  });
});

describe('cancelling with a reason', () => {
  it('inside the notice period: flagged late, the reason from the list and the text stored', async () => {
    const booked = await gp(monday, '14:00', 'drCarter', 15);
    await startsIn(booked, 180);
    const cancelled = await desk1.booking.cancel({ appointmentId: booked.id, version: booked.version, reasonCode: 'ILLNESS', reason: 'Flu' });
    expect(cancelled).toMatchObject({ status: 'CANCELLED', cancelledLate: true, cancelReasonCode: 'ILLNESS', cancelReason: 'Flu' });
    expect(await row(booked.id)).toMatchObject({ cancelled_late: true, cancel_reason_code: 'ILLNESS', cancel_reason: 'Flu' });
  });

  it('with enough notice: not late; a reason from the list alone is enough', async () => {
    const booked = await gp(monday, '14:30', 'drCarter', 16);
    await startsIn(booked, 48 * 60);
    const cancelled = await desk1.booking.cancel({ appointmentId: booked.id, version: booked.version, reasonCode: 'CLINIC_RESCHEDULED' });
    expect(cancelled).toMatchObject({ cancelledLate: false, cancelReason: 'Clinic rescheduled' });
    expect((await row(booked.id)).cancelled_late).toBe(false);
  });

  it('the notice period is the clinic setting', async () => {
    await admin.clinic.setVisitSettings({ checkInWindowMin: 60, lateCancelNoticeHours: 72 });
    const booked = await gp(monday, '15:00', 'drCarter', 17);
    await startsIn(booked, 48 * 60);
    const cancelled = await desk1.booking.cancel({ appointmentId: booked.id, version: booked.version, reasonCode: 'PATIENT_REQUEST' });
    expect(cancelled.cancelledLate).toBe(true);
    await admin.clinic.setVisitSettings({ checkInWindowMin: 60, lateCancelNoticeHours: 24 });
  });

  it('"Other" needs words; refused, nothing changed', async () => {
    const booked = await gp(monday, '15:30', 'drCarter', 18);
    const bad = await failure(desk1.booking.cancel({ appointmentId: booked.id, version: booked.version, reasonCode: 'OTHER' }));
    expect(JSON.stringify(bad)).toMatch(/Say why the appointment is cancelled/);
    expect((await row(booked.id)).status).toBe('BOOKED');
  });
});
