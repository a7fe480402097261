import { beforeAll, describe, expect, it } from 'vitest';
import { DomainError, domainErrorOf, localMinuteToInstant, wallTime, type CreateServiceInput, type ErrorDetails } from '@frontdesk/shared';
import { callerFor, type Caller } from '../testing/callers.js';
import { demoDatabase } from '../testing/file-database.js';
import { monday } from '../testing/dates.js';

// What the service setup means for booking: who may do a service, how long
// it takes with each of them, and what happens to booked appointments when
// a practitioner is taken off it or it is no longer offered.

const NY = 'America/New_York';
const MINUTE = 60_000;
const setup = demoDatabase({ emailDomain: 'service-bookings.test', patients: 30 });
let admin: Caller;
let reception: Caller;
let patientCursor = 0;

beforeAll(async () => {
  admin = await callerFor(setup.db.deps, setup.demo.staff.admin.email, setup.demo.password);
  reception = await callerFor(setup.db.deps, setup.demo.staff.receptionist.email, setup.demo.password);
});

const at = (date: string, hhmm: string) => localMinuteToInstant(date, Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5)), NY);
const iso = (date: string, hhmm: string) => new Date(at(date, hhmm)).toISOString();
const r = (key: string) => setup.demo.resources[key]!;
const minutes = (s: { startsAt: string; endsAt: string }) => (Date.parse(s.endsAt) - Date.parse(s.startsAt)) / MINUTE;

async function refusal(call: Promise<unknown>): Promise<DomainError> {
  try {
    await call;
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof DomainError) return cause;
    const shape = domainErrorOf(error);
    if (shape) return new DomainError(shape.code, shape.message, shape.details as never);
    throw error;
  }
  throw new Error('expected a refusal');
}

/** A dental service at East (a dentist and a dental chair), 45 minutes with 5 before and 10 after, under a fresh name. */
async function dental(over: Partial<CreateServiceInput> = {}) {
  const { service } = await admin.setup.services.create({
    name: `Implant review ${Math.random().toString(36).slice(2, 8)}`,
    durationMin: 45,
    bufferBeforeMin: 5,
    bufferAfterMin: 10,
    requirements: [
      { kind: 'PRACTITIONER', tag: 'dentist' },
      { kind: 'CHAIR', tag: 'dental' },
    ],
    basePriceCents: 20_000,
    ...over,
  });
  return service;
}

function book(serviceId: string, date: string, hhmm: string, resourceIds: string[]) {
  return reception.booking.book({ branchId: setup.demo.branches.east, serviceId, startsAt: iso(date, hhmm), resourceIds, patientId: setup.demo.patients[patientCursor++]! });
}

function slots(serviceId: string, date: string, resourceIds: string[] = []) {
  return reception.availability.findSlots({ serviceId, branchIds: [setup.demo.branches.east], resourceIds, from: iso(date, '00:00'), to: iso(date, '23:59'), limit: 200 });
}

async function appointmentRow(id: string) {
  const { rows } = await setup.db.sql.query<{ status: string; ends_at: Date; cancel_reason: string | null; kept_outside_hours: boolean }>(
    'SELECT status, ends_at, cancel_reason, kept_outside_hours FROM appointment WHERE id = $1',
    [id],
  );
  return rows[0]!;
}

describe('a service with practitioners listed', () => {
  it('is offered only with them: slots name no one else, and a booking with another is refused by name, writing nothing', async () => {
    const service = await dental({ practitioners: [{ resourceId: r('drNair') }] });
    const day = monday(0);
    const found = await slots(service.id, day);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((s) => s.resourceIds.includes(r('drNair')) && !s.resourceIds.includes(r('drKim')))).toBe(true);

    const search = await refusal(slots(service.id, day, [r('drKim')]));
    expect(search).toMatchObject({ code: 'BAD_INPUT', message: `Dr Daniel Kim does not offer ${service.name}.` });
    const booking = await refusal(book(service.id, day, '11:00', [r('drKim')]));
    expect(booking).toMatchObject({ code: 'BAD_INPUT', message: `Dr Daniel Kim does not offer ${service.name}.`, details: { field: 'resourceIds' } });
    const { rows } = await setup.db.sql.query('SELECT count(*)::int AS n FROM appointment WHERE service_id = $1', [service.id]);
    expect(rows[0].n).toBe(0);
  });

  it("with a practitioner's own length: the slots and the booked appointment take it, buffers around it as before", async () => {
    const service = await dental({ practitioners: [{ resourceId: r('drNair'), durationMin: 60 }] });
    const day = monday(0);
    const withNair = await slots(service.id, day, [r('drNair')]);
    expect(withNair.length).toBeGreaterThan(0);
    expect(new Set(withNair.map(minutes))).toEqual(new Set([60]));
    // Dr Nair works 09:00–17:00: with 5 minutes before and 10 after, the last start is 15:50 at 15-minute steps → 15:45.
    expect(wallTime(withNair.at(-1)!.startsAt, NY)).toBe('15:45');

    const booked = await book(service.id, day, '10:00', [r('drNair')]);
    expect(booked.endsAt).toBe(iso(day, '11:00'));
    expect((await appointmentRow(booked.id)).ends_at.toISOString()).toBe(iso(day, '11:00'));
    const { rows } = await setup.db.sql.query<{ resource_id: string; starts_at: Date; ends_at: Date }>(
      'SELECT resource_id, starts_at, ends_at FROM appointment_resource WHERE appointment_id = $1 ORDER BY resource_id',
      [booked.id],
    );
    expect(rows.map((o) => [o.starts_at.toISOString(), o.ends_at.toISOString()])).toEqual(rows.map(() => [iso(day, '09:55'), iso(day, '11:10')]));
    expect(rows.map((o) => o.resource_id)).toContain(r('drNair'));
  });

  it('with no practitioner chosen, each is offered and booked at his own length', async () => {
    const service = await dental({ practitioners: [{ resourceId: r('drNair'), durationMin: 60 }, { resourceId: r('drKim') }] });
    const day = monday(1);
    const found = await slots(service.id, day);
    const lengthWith = (id: string) => new Set(found.filter((s) => s.resourceIds.includes(id)).map(minutes));
    expect(lengthWith(r('drNair'))).toEqual(new Set([60]));
    expect(lengthWith(r('drKim'))).toEqual(new Set([45]));
    expect(found.map((s) => s.startsAt)).toEqual([...found.map((s) => s.startsAt)].sort());

    // 09:15: only Dr Nair is in (Dr Kim starts at 10:00); 17:15: only Dr Kim (Dr Nair ends at 17:00).
    const morning = await book(service.id, day, '09:15', []);
    expect([morning.resources.map((x) => x.resourceId).includes(r('drNair')), morning.endsAt]).toEqual([true, iso(day, '10:15')]);
    const evening = await book(service.id, day, '17:15', []);
    expect([evening.resources.map((x) => x.resourceId).includes(r('drKim')), evening.endsAt]).toEqual([true, iso(day, '18:00')]);
  });
});

describe('a change of a service', () => {
  it('shows in the very next booking: new length and buffers, new price', async () => {
    const service = await dental({ practitioners: [{ resourceId: setup.demo.resources.drNair!, durationMin: 60 }] });
    const day = monday(5);
    await book(service.id, day, '09:15', [r('drNair')]);
    await admin.setup.services.update({
      serviceId: service.id,
      name: service.name,
      durationMin: 45,
      bufferBeforeMin: 0,
      bufferAfterMin: 20,
      requirements: service.requirements,
      practitioners: [{ resourceId: r('drNair'), durationMin: 30 }],
      basePriceCents: 21_000,
    });
    const after = await book(service.id, day, '13:00', [r('drNair')]);
    expect([after.endsAt, after.priceCents]).toEqual([iso(day, '13:30'), 21_000]);
    expect(after.resources.map((x) => [x.startsAt, x.endsAt])).toEqual(after.resources.map(() => [iso(day, '13:00'), iso(day, '13:50')]));
  });
});

describe('changes that meet booked appointments', () => {
  it('deactivating a service with future bookings is refused with the list, changing nothing; sent again with resolutions it is settled', async () => {
    const service = await dental();
    const day = monday(2);
    const keep = await book(service.id, day, '10:00', [r('drNair')]);
    const cancel = await book(service.id, day, '11:00', [r('drKim')]);

    const refused = await refusal(admin.setup.services.deactivate({ serviceId: service.id }));
    expect(refused.code).toBe('AFFECTS_APPOINTMENTS');
    const affected = (refused.details as ErrorDetails['AFFECTS_APPOINTMENTS']).affected;
    expect(affected.map((a) => a.id).sort()).toEqual([keep.id, cancel.id].sort());
    expect(affected[0]!.reason).toMatch(/no longer offered/);
    expect((await admin.setup.services.list()).find((s) => s.id === service.id)?.active).toBe(true);
    expect((await appointmentRow(cancel.id)).status).toBe('BOOKED');

    const { service: after, settled } = await admin.setup.services.deactivate({
      serviceId: service.id,
      resolutions: { each: [{ appointmentId: keep.id, action: 'keep' }, { appointmentId: cancel.id, action: 'cancel', reason: 'Service withdrawn' }] },
    });
    expect(after.active).toBe(false);
    expect(settled).toMatchObject({ kept: [keep.id], cancelled: [cancel.id] });
    expect(await appointmentRow(keep.id)).toMatchObject({ status: 'BOOKED', kept_outside_hours: true });
    expect(await appointmentRow(cancel.id)).toMatchObject({ status: 'CANCELLED', cancel_reason: 'Service withdrawn' });
  });

  it("taking a practitioner off a service meets his bookings of it, not the others'; settled with a resolution for all", async () => {
    const service = await dental({ practitioners: [{ resourceId: r('drNair') }, { resourceId: r('drKim') }] });
    const day = monday(3);
    const kims = await book(service.id, day, '11:00', [r('drKim')]);
    const nairs = await book(service.id, day, '10:00', [r('drNair')]);

    const refused = await refusal(admin.setup.services.setPractitioners({ serviceId: service.id, practitioners: [{ resourceId: r('drNair') }] }));
    expect(refused.code).toBe('AFFECTS_APPOINTMENTS');
    expect((refused.details as ErrorDetails['AFFECTS_APPOINTMENTS']).affected.map((a) => a.id)).toEqual([kims.id]);
    expect((await admin.setup.services.list()).find((s) => s.id === service.id)?.practitioners).toHaveLength(2);

    const { service: after, settled } = await admin.setup.services.setPractitioners({
      serviceId: service.id,
      practitioners: [{ resourceId: r('drNair') }],
      resolutions: { each: [], all: { action: 'cancel', reason: 'Dr Kim no longer does implants' } },
    });
    expect(after.practitioners.map((p) => p.resourceId)).toEqual([r('drNair')]);
    expect(settled.cancelled).toEqual([kims.id]);
    expect(await appointmentRow(kims.id)).toMatchObject({ status: 'CANCELLED', cancel_reason: 'Dr Kim no longer does implants' });
    expect((await appointmentRow(nairs.id)).status).toBe('BOOKED');
  });

  it('listing practitioners where anyone could do it meets the bookings of everyone left off (through update as well)', async () => {
    const service = await dental();
    const day = monday(4);
    const kims = await book(service.id, day, '12:00', [r('drKim')]);
    const definition = {
      serviceId: service.id,
      name: service.name,
      durationMin: service.durationMin,
      bufferBeforeMin: service.bufferBeforeMin,
      bufferAfterMin: service.bufferAfterMin,
      requirements: service.requirements,
      basePriceCents: service.basePriceCents,
      practitioners: [{ resourceId: r('drNair') }],
    };
    const refused = await refusal(admin.setup.services.update(definition));
    expect(refused.code).toBe('AFFECTS_APPOINTMENTS');
    expect((await admin.setup.services.list()).find((s) => s.id === service.id)?.practitioners).toEqual([]);

    const { settled } = await admin.setup.services.update({ ...definition, resolutions: { each: [{ appointmentId: kims.id, action: 'keep' }] } });
    expect(settled.kept).toEqual([kims.id]);
    expect(await appointmentRow(kims.id)).toMatchObject({ status: 'BOOKED', kept_outside_hours: true });
  });
});
