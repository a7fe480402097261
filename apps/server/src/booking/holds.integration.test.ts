// Over 300 lines: a desk's own holds end to end (service change in place, moving on, sign-out, session end,
// "+5 min", the patient clash named), each checked in the database, kept together as the proof.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppointmentView } from '@frontdesk/shared';
import { createServer, type RunningServer } from '../app.js';
import { callerFor, type Caller } from '../testing/callers.js';
import { domainOf, failure } from '../testing/errors.js';
import { demoDatabase } from '../testing/file-database.js';
import { at, upcoming } from '../testing/race.js';
import { clientFor, loginAt } from '../testing/remote.js';

const NY = 'America/New_York';
const setup = demoDatabase({ emailDomain: 'holds.test', patients: 30 });
let desk1: Caller;
let desk2: Caller;
let monday: string;
let tuesday: string;
let wednesday: string;

beforeAll(async () => {
  desk1 = await callerFor(setup.db.deps, setup.demo.staff.receptionist.email, setup.demo.password, 'front desk 1');
  desk2 = await callerFor(setup.db.deps, setup.demo.staff.callCentre.email, setup.demo.password, 'call centre');
  monday = upcoming(1, NY);
  tuesday = upcoming(2, NY);
  wednesday = upcoming(3, NY);
});

const r = (key: string) => setup.demo.resources[key]!;
const rows = async (sql: string, params: unknown[] = []) => (await setup.db.sql.query(sql, params)).rows;
const row = async (id: string) =>
  (await rows(`SELECT status, service_id, starts_at, ends_at, hold_expires_at, version, price_cents FROM appointment WHERE id = $1`, [id]))[0] as {
    status: string;
    service_id: string;
    starts_at: Date;
    ends_at: Date;
    hold_expires_at: Date | null;
    version: number;
    price_cents: number;
  };
const occupancy = async (id: string) =>
  (await rows(`SELECT resource_id, starts_at, ends_at, active FROM appointment_resource WHERE appointment_id = $1 ORDER BY resource_id`, [id])) as { resource_id: string; starts_at: Date; ends_at: Date; active: boolean }[];
const eventsOf = async (id: string) => (await rows(`SELECT type, tx_id::text AS tx, desk FROM event WHERE aggregate_id = $1 ORDER BY seq`, [id])) as { type: string; tx: string; desk: string }[];
const iso = (s: string) => new Date(s).toISOString();

function dental(date: string, hhmm: string, service: 'checkup' | 'cleaning' = 'checkup') {
  return { branchId: setup.demo.branches.east, serviceId: setup.demo.services[service], resourceIds: [r('drKim')], startsAt: at(date, hhmm, NY) };
}

describe('changing the service of a hold', () => {
  it('re-holds in place: same appointment, new length and price, the practitioner kept, one event, the deadline untouched', async () => {
    const hold = await desk1.booking.hold(dental(monday, '10:00'));
    const before = await row(hold.id);
    const changed = await desk1.booking.changeService({ appointmentId: hold.id, version: hold.version, serviceId: setup.demo.services.cleaning });
    expect(changed).toMatchObject({ id: hold.id, status: 'HELD', serviceId: setup.demo.services.cleaning, serviceName: 'Dental cleaning', version: hold.version + 1 });
    expect(changed.endsAt).toBe(iso(at(monday, '10:45', NY)));
    const after = await row(hold.id);
    expect(after.service_id).toBe(setup.demo.services.cleaning);
    expect(after.price_cents).toBe(12000);
    expect(after.hold_expires_at?.toISOString()).toBe(before.hold_expires_at?.toISOString());
    const occupied = await occupancy(hold.id);
    expect(occupied.map((o) => o.resource_id)).toContain(r('drKim'));
    // 45 minutes and the 10-minute buffer after it, on both the dentist and a chair.
    for (const o of occupied) expect([o.starts_at.toISOString(), o.ends_at.toISOString(), o.active]).toEqual([iso(at(monday, '10:00', NY)), iso(at(monday, '10:55', NY)), true]);
    expect((await eventsOf(hold.id)).map((e) => e.type)).toEqual(['appointment.held', 'appointment.service_changed']);
  });

  it('when the new length runs into another booking: SLOT_TAKEN with alternatives for the new service, and the old hold stays exactly as it was', async () => {
    const hold = await desk1.booking.hold(dental(tuesday, '10:00'));
    await desk2.booking.book({ ...dental(tuesday, '10:45'), patientId: setup.demo.patients[1]! });
    const before = { row: await row(hold.id), occupancy: await occupancy(hold.id), events: await eventsOf(hold.id) };

    const error = await failure(desk1.booking.changeService({ appointmentId: hold.id, version: hold.version, serviceId: setup.demo.services.cleaning }));
    const refused = domainOf(error);
    expect(refused?.code).toBe('SLOT_TAKEN');
    const details = refused?.code === 'SLOT_TAKEN' ? refused.details : null;
    expect(details?.alternatives.length).toBeGreaterThan(0);
    // Alternatives are for the new, longer service: each fits 45 minutes.
    for (const a of details!.alternatives) expect(Date.parse(a.endsAt) - Date.parse(a.startsAt)).toBe(45 * 60_000);
    expect(await row(hold.id)).toEqual(before.row);
    expect(await occupancy(hold.id)).toEqual(before.occupancy);
    expect(await eventsOf(hold.id)).toEqual(before.events);
    // Still a live hold the desk can book.
    const booked = await desk1.booking.confirm({ appointmentId: hold.id, version: hold.version, patientId: setup.demo.patients[2]! });
    expect(booked).toMatchObject({ status: 'BOOKED', serviceName: 'Dental check-up' });
  });

  it('a service the practitioner cannot do is refused in plain words and changes nothing; an old version is STALE', async () => {
    const hold = await desk1.booking.hold(dental(wednesday, '10:00'));
    const unfit = domainOf(await failure(desk1.booking.changeService({ appointmentId: hold.id, version: hold.version, serviceId: setup.demo.services.gp })));
    expect(unfit).toMatchObject({ code: 'BAD_INPUT', message: 'That resource cannot provide this service.' });
    expect((await row(hold.id)).version).toBe(hold.version);
    const changed = await desk1.booking.changeService({ appointmentId: hold.id, version: hold.version, serviceId: setup.demo.services.cleaning });
    const stale = domainOf(await failure(desk1.booking.changeService({ appointmentId: hold.id, version: hold.version, serviceId: setup.demo.services.checkup })));
    expect(stale?.code).toBe('STALE');
    expect((await row(hold.id)).version).toBe(changed.version);
  });
});

describe('a desk moving on from its hold', () => {
  it('holding again where its own hold is: the old one is released in the same transaction as the new one goes in', async () => {
    const first = await desk1.booking.hold(dental(monday, '13:00'));
    const second = await desk1.booking.hold({ ...dental(monday, '13:00', 'cleaning'), replacingHoldId: first.id });
    expect(second.status).toBe('HELD');
    expect((await row(first.id)).status).toBe('RELEASED');
    expect((await occupancy(first.id)).every((o) => !o.active)).toBe(true);
    const released = (await eventsOf(first.id)).find((e) => e.type === 'appointment.released')!;
    const held = (await eventsOf(second.id)).find((e) => e.type === 'appointment.held')!;
    expect(released.tx).toBe(held.tx);
  });

  it('another desk cannot release a hold by naming it: its own hold is refused, the other desk keeps its time', async () => {
    const theirs = await desk1.booking.hold(dental(monday, '14:00'));
    const refused = domainOf(await failure(desk2.booking.hold({ ...dental(monday, '14:00'), replacingHoldId: theirs.id })));
    expect(refused?.code).toBe('SLOT_TAKEN');
    expect((await row(theirs.id)).status).toBe('HELD');
  });

  it('when the next slot is refused, the hold it moved on from is released anyway (the desk has moved on)', async () => {
    await desk2.booking.book({ ...dental(monday, '15:00'), patientId: setup.demo.patients[3]! });
    const mine = await desk1.booking.hold(dental(monday, '16:00'));
    const refused = domainOf(await failure(desk1.booking.hold({ ...dental(monday, '15:00'), replacingHoldId: mine.id })));
    expect(refused?.code).toBe('SLOT_TAKEN');
    expect((await row(mine.id)).status).toBe('RELEASED');
  });

  it("a hold never blocks its own move: a held time moves by 15 minutes over itself", async () => {
    const hold = await desk1.booking.hold(dental(tuesday, '13:00'));
    const moved = await desk1.booking.move({ appointmentId: hold.id, version: hold.version, startsAt: at(tuesday, '13:15', NY) });
    expect(moved).toMatchObject({ status: 'HELD', startsAt: iso(at(tuesday, '13:15', NY)) });
  });

  it('release makes a hold RELEASED (not a cancelled appointment), with its event, and frees the time for another desk', async () => {
    const hold = await desk1.booking.hold(dental(tuesday, '15:00'));
    const released = await desk1.booking.release({ appointmentId: hold.id, version: hold.version });
    expect(released.status).toBe('RELEASED');
    expect(released.cancelReason).toBeNull();
    expect((await eventsOf(hold.id)).map((e) => e.type)).toEqual(['appointment.held', 'appointment.released']);
    expect((await desk2.booking.hold(dental(tuesday, '15:00'))).status).toBe('HELD');
  });

  it("releaseMine lets go of this sign-in's holds only (those named, else all), never another desk's", async () => {
    const desk = await callerFor(setup.db.deps, setup.demo.staff.receptionist.email, setup.demo.password, 'front desk 2');
    const a = await desk.booking.hold(dental(wednesday, '13:00'));
    const b = await desk.booking.hold(dental(wednesday, '14:00'));
    const other = await desk2.booking.hold(dental(wednesday, '15:00'));
    expect((await desk.booking.releaseMine({ appointmentIds: [a.id, other.id] })).released.map((v: AppointmentView) => v.id)).toEqual([a.id]);
    expect((await row(b.id)).status).toBe('HELD');
    expect((await desk.booking.releaseMine({})).released.map((v: AppointmentView) => v.id)).toEqual([b.id]);
    expect((await row(other.id)).status).toBe('HELD');
  });
});

describe('holds end with the sign-in that made them', () => {
  const gp = (date: string, hhmm: string) => ({ branchId: setup.demo.branches.east, serviceId: setup.demo.services.gp, resourceIds: [r('drCarter')], startsAt: at(date, hhmm, NY) });

  it('signing out releases that desk\'s holds in the same transaction as the sign-out, each with its event; another desk of the same person keeps its own', async () => {
    const day = upcoming(4, NY);
    const front = await callerFor(setup.db.deps, setup.demo.staff.manager.email, setup.demo.password, 'office');
    const back = await callerFor(setup.db.deps, setup.demo.staff.manager.email, setup.demo.password, 'back office');
    const mine = await front.booking.hold(gp(day, '09:00'));
    const theirs = await back.booking.hold(gp(day, '09:30'));
    await front.auth.logout();
    expect((await row(mine.id)).status).toBe('RELEASED');
    expect((await row(theirs.id)).status).toBe('HELD');
    const released = (await eventsOf(mine.id)).at(-1)!;
    expect(released).toMatchObject({ type: 'appointment.released', desk: 'office' });
    const signOut = await rows(`SELECT tx_id::text AS tx FROM event WHERE type = 'staff.signed_out' AND aggregate_id = $1 ORDER BY seq DESC LIMIT 1`, [setup.demo.staff.manager.id]);
    expect(signOut[0]!.tx).toBe(released.tx);
    // The time is free for anyone at once.
    expect((await desk2.booking.hold(gp(day, '09:00'))).status).toBe('HELD');
    await back.auth.logoutEverywhere();
    expect((await row(theirs.id)).status).toBe('RELEASED');
  });

  it("an admin disabling an account releases that person's holds with the revocation, in one transaction", async () => {
    const day = upcoming(4, 'America/Chicago');
    const west = await callerFor(setup.db.deps, setup.demo.staff.receptionistWest.email, setup.demo.password, 'lakeview desk');
    const hold = await west.booking.hold({ branchId: setup.demo.branches.west, serviceId: setup.demo.services.gp, resourceIds: [r('drOkafor')], startsAt: at(day, '10:00', 'America/Chicago') });
    const admin = await callerFor(setup.db.deps, setup.demo.staff.admin.email, setup.demo.password, 'admin office');
    await admin.admin.staff.disable({ staffId: setup.demo.staff.receptionistWest.id, disabled: true });
    expect((await row(hold.id)).status).toBe('RELEASED');
    const released = (await eventsOf(hold.id)).at(-1)!;
    expect(released).toMatchObject({ type: 'appointment.released', desk: 'admin office' });
    const disabled = await rows(`SELECT tx_id::text AS tx FROM event WHERE type = 'staff.changed' AND aggregate_id = $1 ORDER BY seq DESC LIMIT 1`, [setup.demo.staff.receptionistWest.id]);
    expect(disabled[0]!.tx).toBe(released.tx);
  });

  it('a sign-in that expires (or is revoked elsewhere) has its holds released by the sweeper, as "sign-in ended"', async () => {
    const day = upcoming(4, NY);
    const desk = await callerFor(setup.db.deps, setup.demo.staff.admin.email, setup.demo.password, 'admin desk');
    const hold = await desk.booking.hold(gp(day, '11:00'));
    await setup.db.sql.query(`UPDATE staff_session SET expires_at = now() - interval '1 second' WHERE id = (SELECT hold_session_id FROM appointment WHERE id = $1)`, [hold.id]);
    await setup.db.deps.holdExpiry.expireDue();
    expect((await row(hold.id)).status).toBe('RELEASED');
    expect((await eventsOf(hold.id)).at(-1)).toMatchObject({ type: 'appointment.released', desk: 'sign-in ended' });
  });
});

describe('"+5 min" on a hold', () => {
  it('adds five minutes to the time left, never resets it, and never goes past 30 minutes from now', async () => {
    const hold = await desk1.booking.hold({ ...dental(upcoming(5, NY), '10:00'), holdMinutes: 5 });
    await setup.db.sql.query(`UPDATE appointment SET hold_expires_at = now() + interval '2 minutes' WHERE id = $1`, [hold.id]);
    const extended = await desk1.booking.extendHold({ appointmentId: hold.id, version: hold.version, holdMinutes: 5 });
    const left = (Date.parse(extended.holdExpiresAt!) - Date.now()) / 60_000;
    // 2 minutes left + 5: about 7 (a reset would give 5).
    expect(left).toBeGreaterThan(6.5);
    expect(left).toBeLessThanOrEqual(7.05);
    await setup.db.sql.query(`UPDATE appointment SET hold_expires_at = now() + interval '28 minutes' WHERE id = $1`, [hold.id]);
    const capped = await desk1.booking.extendHold({ appointmentId: hold.id, version: extended.version, holdMinutes: 5 });
    expect((Date.parse(capped.holdExpiresAt!) - Date.now()) / 60_000).toBeLessThanOrEqual(30.05);
  });
});

describe('a patient who already has an appointment then', () => {
  it('hold or book: SLOT_TAKEN naming the existing appointment (time, service, practitioner, branch) with alternatives that miss it', async () => {
    const day = upcoming(2, NY, 2);
    const patientId = setup.demo.patients[10]!;
    const existing = await desk2.booking.book({ branchId: setup.demo.branches.east, serviceId: setup.demo.services.gp, resourceIds: [r('drCarter')], startsAt: at(day, '11:00', NY), patientId });
    const refused = domainOf(await failure(desk1.booking.book({ ...dental(day, '11:00'), patientId })));
    expect(refused?.code).toBe('SLOT_TAKEN');
    expect(refused?.message).toBe('This patient already has an appointment at that time (GP consultation with Dr James Carter and Consult room 1). The nearest free times are listed.');
    const details = refused?.code === 'SLOT_TAKEN' ? refused.details : null;
    expect(details?.blockers).toEqual([
      {
        resourceId: null,
        kind: 'patient',
        startsAt: existing.startsAt,
        endsAt: existing.endsAt,
        existing: expect.objectContaining({ appointmentId: existing.id, serviceName: 'GP consultation', resourceNames: ['Dr James Carter', 'Consult room 1'], branchName: 'Midtown (New York)', timeZone: NY, startsAt: existing.startsAt }),
      },
    ]);
    expect(details!.alternatives.length).toBeGreaterThan(0);
    for (const a of details!.alternatives) expect(Date.parse(a.startsAt) >= Date.parse(existing.endsAt) || Date.parse(a.endsAt) <= Date.parse(existing.startsAt)).toBe(true);
  });

  it('on confirm: the same named clash, and the hold stays', async () => {
    const day = upcoming(3, NY, 2);
    const patientId = setup.demo.patients[11]!;
    await desk2.booking.book({ branchId: setup.demo.branches.east, serviceId: setup.demo.services.gp, resourceIds: [r('drCarter')], startsAt: at(day, '11:00', NY), patientId });
    const hold = await desk1.booking.hold(dental(day, '11:00'));
    const refused = domainOf(await failure(desk1.booking.confirm({ appointmentId: hold.id, version: hold.version, patientId })));
    const details = refused?.code === 'SLOT_TAKEN' ? refused.details : null;
    expect(details?.blockers[0]?.existing?.serviceName).toBe('GP consultation');
    expect((await row(hold.id)).status).toBe('HELD');
  });
});

describe('over HTTP, as a desk sends it', () => {
  let server: RunningServer;
  let token: string;
  beforeAll(async () => {
    server = await createServer({ deps: setup.db.deps }).start(0);
    token = await loginAt(server.url, setup.demo.staff.receptionist.email, setup.demo.password, 'http desk');
  });
  afterAll(() => server.stop());

  it('a short phone number: a sentence naming the field, the field in details', async () => {
    const refused = domainOf(await failure(clientFor(() => server.url, token).patients.create.mutate({ name: 'Short Phone', phone: '12' })));
    expect(refused).toEqual({ code: 'BAD_INPUT', message: 'Enter a phone number with at least 5 digits.', details: { field: 'phone' } });
  });

  it('a limit without a message of its own is still a sentence naming its field', async () => {
    const refused = domainOf(await failure(clientFor(() => server.url, token).booking.hold.mutate({ ...dental(monday, '10:00'), branchId: 'nope' })));
    expect(refused).toEqual({ code: 'BAD_INPUT', message: 'Branch is not a valid id.', details: { field: 'branchId' } });
  });

  it('a window closing: a bare keepalive POST with the session token releases that desk\'s hold', async () => {
    const hold = await clientFor(() => server.url, token).booking.hold.mutate(dental(upcoming(4, NY, 2), '10:00'));
    const response = await fetch(`${server.url}/trpc/booking.releaseMine`, {
      method: 'POST',
      keepalive: true,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ appointmentIds: [hold.id] }),
    });
    expect(response.status).toBe(200);
    expect((await row(hold.id)).status).toBe('RELEASED');
  });
});

describe('history and the clinic clock', () => {
  it('a move reads "Moved … from <start> to <start>" in the audit trail', async () => {
    const day = upcoming(5, NY, 2);
    const booked = await desk1.booking.book({ branchId: setup.demo.branches.east, serviceId: setup.demo.services.gp, resourceIds: [r('drCarter')], startsAt: at(day, '10:00', NY), patientId: setup.demo.patients[12]! });
    await desk1.booking.move({ appointmentId: booked.id, version: booked.version, startsAt: at(day, '10:30', NY) });
    const manager = await callerFor(setup.db.deps, setup.demo.staff.manager.email, setup.demo.password);
    const trail = await manager.admin.audit.appointment({ appointmentId: booked.id });
    expect(trail.map((e: { summary: string }) => e.summary)).toContain(`Moved GP consultation from ${iso(at(day, '10:00', NY))} to ${iso(at(day, '10:30', NY))}`);
  });

  it('the clinic writes times 24-hour until its admin sets 12-hour; every desk hears it; a receptionist may not set it', async () => {
    expect(await desk1.clinic.settings()).toEqual({ name: 'Harbour Health Clinics', timeFormat: '24h', checkInWindowMin: 60, lateCancelNoticeHours: 24 });
    const admin = await callerFor(setup.db.deps, setup.demo.staff.admin.email, setup.demo.password);
    expect(await admin.clinic.setTimeFormat({ timeFormat: '12h' })).toMatchObject({ timeFormat: '12h' });
    expect((await desk1.clinic.settings()).timeFormat).toBe('12h');
    expect(await rows(`SELECT payload FROM event WHERE type = 'clinic.settings_changed' AND tenant_id = $1`, [setup.demo.tenantId])).toEqual([{ payload: { timeFormat: '12h' } }]);
    expect(domainOf(await failure(desk1.clinic.setTimeFormat({ timeFormat: '24h' })))?.code).toBe('FORBIDDEN');
  });
});
