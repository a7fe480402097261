import { beforeAll, describe, expect, it } from 'vitest';
import { RESOURCE_COLOURS, type AffectedAppointment } from '@frontdesk/shared';
import { seedDemo, type DemoClinic } from '../seed/demo.js';
import { callerFor, type Caller } from '../testing/callers.js';
import { domainOf, failure, failureCode } from '../testing/errors.js';
import { demoDatabase } from '../testing/file-database.js';
import { at, upcoming } from '../testing/race.js';

const NY = 'America/New_York';
const CHI = 'America/Chicago';
const h = (weekday: number, from: number, to: number) => ({ weekday, startMinute: from * 60, endMinute: to * 60 });

const setup = demoDatabase({ emailDomain: 'resources.test', patients: 6 });
let other: DemoClinic;
let admin: Caller;
let manager: Caller;
let callCentre: Caller;
let patient = 0;

beforeAll(async () => {
  other = await seedDemo(setup.db.owner, { emailDomain: 'other.resources.test', tenantName: 'Other clinic', patients: 1 });
  const { deps } = setup.db;
  admin = await callerFor(deps, setup.demo.staff.admin.email, setup.demo.password, 'office');
  manager = await callerFor(deps, setup.demo.staff.manager.email, setup.demo.password, 'manager desk');
  callCentre = await callerFor(deps, setup.demo.staff.callCentre.email, setup.demo.password, 'call centre');
});

const r = (key: string) => setup.demo.resources[key]!;
const { east, west } = { east: () => setup.demo.branches.east, west: () => setup.demo.branches.west };

async function rows<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await setup.db.sql.query(sql, params)).rows as T[];
}
const eventsOf = (aggregateId: string) => rows<{ type: string; payload: Record<string, unknown>; actor_id: string; branch_id: string | null }>('SELECT type, payload, actor_id, branch_id FROM event WHERE aggregate_id = $1 ORDER BY seq', [aggregateId]);

function book(branchId: string, resourceIds: string[], startsAt: string) {
  return callCentre.booking.book({ branchId, serviceId: setup.demo.services.gp, resourceIds, startsAt, patientId: setup.demo.patients[patient++ % setup.demo.patients.length]! });
}

function affectedOf(error: unknown): AffectedAppointment[] {
  const domain = domainOf(error);
  expect(domain?.code).toBe('AFFECTS_APPOINTMENTS');
  return domain?.code === 'AFFECTS_APPOINTMENTS' ? domain.details.affected : [];
}

describe('creating resources', () => {
  it('a new practitioner gets the colour used least, shows in the catalogue and as a column of its branch’s day, and its event is written', async () => {
    const uses = (colour: string, list: { colour: string; active: boolean }[]) => list.filter((x) => x.active && x.colour === colour).length;
    const before = await admin.setup.resources.list();
    const { resource } = await admin.setup.resources.create({ kind: 'PRACTITIONER', name: 'Dr Mei Tan', tags: ['GP', ' gp ', 'paediatrics'], branchIds: [east()] });
    expect(resource).toMatchObject({ kind: 'PRACTITIONER', name: 'Dr Mei Tan', tags: ['gp', 'paediatrics'], active: true, branchIds: [east()] });
    expect(RESOURCE_COLOURS).toContain(resource.colour);
    expect(uses(resource.colour, before)).toBe(Math.min(...RESOURCE_COLOURS.map((c) => uses(c, before))));

    const day = await callCentre.availability.day({ branchId: east(), date: upcoming(1, NY) });
    expect(day.resources.find((x) => x.id === resource.id)).toMatchObject({ name: 'Dr Mei Tan', colour: resource.colour, working: [] });
    expect((await callCentre.availability.day({ branchId: west(), date: upcoming(1, NY) })).resources.map((x) => x.id)).not.toContain(resource.id);
    expect((await callCentre.catalog.resources({ branchId: east() })).find((x) => x.id === resource.id)?.colour).toBe(resource.colour);
    expect(await eventsOf(resource.id)).toEqual([expect.objectContaining({ type: 'resource.changed', payload: { resourceId: resource.id, change: 'created' }, actor_id: setup.demo.staff.admin.id, branch_id: null })]);
  });

  it('a room starts open whenever its branch is; a practitioner with no hours until someone sets them', async () => {
    const { branch } = await admin.setup.branches.create({ name: 'Northgate', timeZone: NY, openingHours: [h(1, 9, 13), h(1, 14, 17), h(6, 9, 12)] });
    const { resource: room } = await admin.setup.resources.create({ kind: 'ROOM', name: 'Treatment room', tags: ['consult'], branchIds: [branch.id], colour: '#ABCDEF' });
    expect(room.colour).toBe('#abcdef');
    const hours = await rows('SELECT weekday, start_minute, end_minute FROM working_hours WHERE resource_id = $1 ORDER BY weekday, start_minute', [room.id]);
    expect(hours).toEqual([
      { weekday: 1, start_minute: 540, end_minute: 780 },
      { weekday: 1, start_minute: 840, end_minute: 1020 },
      { weekday: 6, start_minute: 540, end_minute: 720 },
    ]);
    const { resource: doctor } = await admin.setup.resources.create({ kind: 'PRACTITIONER', name: 'Dr North', branchIds: [branch.id] });
    expect(await rows('SELECT 1 FROM working_hours WHERE resource_id = $1', [doctor.id])).toHaveLength(0);
  });

  it('bad input changes nothing: no branch, a wrong colour, no name, an unknown kind, another clinic’s branch', async () => {
    const count = async () => (await rows('SELECT id FROM resource')).length;
    const before = await count();
    const base = { kind: 'ROOM' as const, name: 'Spare room', branchIds: [east()] };
    expect(failureCode(await failure(admin.setup.resources.create({ ...base, branchIds: [] })))).toBe('BAD_REQUEST');
    expect(failureCode(await failure(admin.setup.resources.create({ ...base, colour: 'red' })))).toBe('BAD_REQUEST');
    expect(failureCode(await failure(admin.setup.resources.create({ ...base, name: ' ' })))).toBe('BAD_REQUEST');
    expect(failureCode(await failure(admin.setup.resources.create({ ...base, kind: 'ROBOT' as never })))).toBe('BAD_REQUEST');
    expect(failureCode(await failure(admin.setup.resources.create({ ...base, branchIds: [east(), other.branches.east] })))).toBe('NOT_FOUND');
    expect(await count()).toBe(before);
  });

  it('a manager cannot create, change or even list resources here', async () => {
    expect(failureCode(await failure(manager.setup.resources.list()))).toBe('FORBIDDEN');
    expect(failureCode(await failure(manager.setup.resources.create({ kind: 'ROOM', name: 'Mine', branchIds: [east()] })))).toBe('FORBIDDEN');
    expect(failureCode(await failure(manager.setup.resources.setActive({ resourceId: r('drCarter'), active: false })))).toBe('FORBIDDEN');
    expect(await rows('SELECT 1 FROM resource WHERE name = $1', ['Mine'])).toHaveLength(0);
  });

  it("another clinic's resource is NOT_FOUND to every command", async () => {
    const resourceId = other.resources.drCarter!;
    for (const call of [
      () => admin.setup.resources.update({ resourceId, name: 'Ours now', tags: [], colour: '#2f6fdd' }),
      () => admin.setup.resources.setBranches({ resourceId, branchIds: [east()] }),
      () => admin.setup.resources.setActive({ resourceId, active: false }),
    ]) {
      expect(failureCode(await failure(call()))).toBe('NOT_FOUND');
    }
    expect(await rows('SELECT 1 FROM resource WHERE id = $1 AND active AND name = $2', [resourceId, 'Dr James Carter'])).toHaveLength(1);
  });
});

describe('changing resources', () => {
  it('name, tags and colour change, each change an event', async () => {
    const { resource } = await admin.setup.resources.update({ resourceId: r('drIyer'), name: 'Dr Arjun Iyer (skin)', tags: ['dermatologist', 'Laser'], colour: '#8E44AD' });
    expect(resource).toMatchObject({ name: 'Dr Arjun Iyer (skin)', tags: ['dermatologist', 'laser'], colour: '#8e44ad' });
    expect((await eventsOf(r('drIyer'))).at(-1)).toMatchObject({ type: 'resource.changed', payload: { change: 'updated' } });
    expect(failureCode(await failure(admin.setup.resources.update({ resourceId: r('drIyer'), name: 'x', tags: [], colour: '#12345' })))).toBe('BAD_REQUEST');
  });

  it('taking a practitioner out of a branch with bookings there asks first and changes nothing; cancelled, the branch and its hours there are gone', async () => {
    const monday = upcoming(1, CHI, 2);
    const tuesday = upcoming(2, CHI, 2);
    // Dr Rao works at Lakeview on Tuesdays and Thursdays.
    const booked = await book(west(), [r('drRao'), r('westRoom1')], at(tuesday, '10:00', CHI));
    const affected = affectedOf(await failure(admin.setup.resources.setBranches({ resourceId: r('drRao'), branchIds: [east()] })));
    expect(affected.map((a) => a.id)).toEqual([booked.id]);
    expect(affected[0]?.reason).toContain('no longer works at Lakeview (Chicago)');
    expect(await rows('SELECT branch_id FROM resource_branch WHERE resource_id = $1', [r('drRao')])).toHaveLength(2);

    const done = await admin.setup.resources.setBranches({ resourceId: r('drRao'), branchIds: [east()], resolutions: { all: { action: 'cancel', reason: 'Dr Rao left Lakeview' } } });
    expect(done.resource.branchIds).toEqual([east()]);
    expect(done.settled.cancelled).toEqual([booked.id]);
    expect(await rows('SELECT status, cancel_reason FROM appointment WHERE id = $1', [booked.id])).toEqual([{ status: 'CANCELLED', cancel_reason: 'Dr Rao left Lakeview' }]);
    expect(await rows('SELECT 1 FROM working_hours WHERE resource_id = $1 AND branch_id = $2', [r('drRao'), west()])).toHaveLength(0);
    expect(await rows('SELECT 1 FROM working_hours WHERE resource_id = $1 AND branch_id = $2', [r('drRao'), east()])).toHaveLength(3);
    expect((await callCentre.availability.day({ branchId: west(), date: monday })).resources.map((x) => x.id)).not.toContain(r('drRao'));
    expect((await eventsOf(r('drRao'))).at(-1)).toMatchObject({ type: 'resource.changed', payload: { change: 'branches' } });
    expect((await eventsOf(booked.id)).map((e) => e.type)).toContain('appointment.cancelled');
  });

  it('deactivating a practitioner with bookings asks first; kept, it has no column and is offered for nothing until active again', async () => {
    const monday = upcoming(1, NY, 3);
    const booked = await book(east(), [r('drCarter'), r('eastRoom1')], at(monday, '10:00', NY));
    const refused = affectedOf(await failure(admin.setup.resources.setActive({ resourceId: r('drCarter'), active: false })));
    expect(refused.map((a) => a.id)).toContain(booked.id);
    expect(await rows('SELECT 1 FROM resource WHERE id = $1 AND active', [r('drCarter')])).toHaveLength(1);

    const done = await admin.setup.resources.setActive({ resourceId: r('drCarter'), active: false, resolutions: { all: { action: 'keep' } } });
    expect(done.resource.active).toBe(false);
    expect(done.settled.kept).toContain(booked.id);
    expect(await rows('SELECT kept_outside_hours, status FROM appointment WHERE id = $1', [booked.id])).toEqual([{ kept_outside_hours: true, status: 'BOOKED' }]);
    const day = await callCentre.availability.day({ branchId: east(), date: monday });
    expect(day.resources.map((x) => x.id)).not.toContain(r('drCarter'));
    const search = { serviceId: setup.demo.services.gp, branchIds: [east()], from: at(monday, '08:00', NY) };
    const offered = async () => (await callCentre.availability.findSlots(search)).flatMap((s) => s.resourceIds);
    expect(await offered()).not.toContain(r('drCarter'));
    expect((await callCentre.catalog.resources({ branchId: east() })).map((x) => x.id)).not.toContain(r('drCarter'));
    expect((await eventsOf(r('drCarter'))).at(-1)).toMatchObject({ type: 'resource.changed', payload: { change: 'deactivated' } });

    await admin.setup.resources.setActive({ resourceId: r('drCarter'), active: true });
    expect(await offered()).toContain(r('drCarter'));
    expect((await admin.setup.resources.list()).find((x) => x.id === r('drCarter'))?.active).toBe(true);
  });

  it('joining a branch adds it; the same branches again change nothing and write no event', async () => {
    const before = (await eventsOf(r('drKim'))).length;
    await admin.setup.resources.setBranches({ resourceId: r('drKim'), branchIds: [east()] });
    expect((await eventsOf(r('drKim'))).length).toBe(before);
    const { resource } = await admin.setup.resources.setBranches({ resourceId: r('drKim'), branchIds: [east(), west()] });
    expect(new Set(resource.branchIds)).toEqual(new Set([east(), west()]));
    expect((await callCentre.availability.day({ branchId: west(), date: upcoming(1, CHI) })).resources.map((x) => x.id)).toContain(r('drKim'));
  });
});

describe('the database itself', () => {
  /** An appointment with one occupancy, written past the app; the error's constraint when refused. */
  async function occupy(o: { branchId: string; resourceId: string; startsAt: string; kept?: boolean }): Promise<string | null> {
    const client = await setup.db.sql.connect();
    try {
      await client.query('BEGIN');
      const end = new Date(Date.parse(o.startsAt) + 15 * 60_000);
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO appointment (tenant_id, branch_id, service_id, patient_id, status, starts_at, ends_at, price_cents, created_by, kept_outside_hours)
         VALUES ($1, $2, $3, $4, 'BOOKED', $5, $6, 6500, $7, $8) RETURNING id`,
        [setup.demo.tenantId, o.branchId, setup.demo.services.gp, setup.demo.patients[patient++ % setup.demo.patients.length], o.startsAt, end, setup.demo.staff.admin.id, o.kept ?? false],
      );
      await client.query('INSERT INTO appointment_resource (appointment_id, resource_id, tenant_id, starts_at, ends_at) VALUES ($1, $2, $3, $4, $5)', [rows[0]!.id, o.resourceId, setup.demo.tenantId, o.startsAt, end]);
      await client.query('ROLLBACK');
      return null;
    } catch (error) {
      await client.query('ROLLBACK');
      return (error as { constraint?: string }).constraint ?? String(error);
    } finally {
      client.release();
    }
  }

  it('refuses an occupancy of an inactive resource or at a branch closed for booking, within their hours, unless kept', async () => {
    const nairAtEast = { branchId: east(), resourceId: r('drNair'), startsAt: at(upcoming(1, NY, 6), '10:00', NY) };
    expect(await occupy(nairAtEast)).toBeNull();
    await admin.setup.resources.setActive({ resourceId: r('drNair'), active: false });
    expect(await occupy(nairAtEast)).toBe('appointment_resource_in_use');
    expect(await occupy({ ...nairAtEast, kept: true })).toBeNull();
    await admin.setup.resources.setActive({ resourceId: r('drNair'), active: true });

    const okafor = { branchId: west(), resourceId: r('drOkafor'), startsAt: at(upcoming(1, CHI, 6), '10:00', CHI) };
    expect(await occupy(okafor)).toBeNull();
    await admin.setup.branches.setActive({ branchId: west(), active: false });
    expect(await occupy(okafor)).toBe('appointment_resource_in_use');
    await admin.setup.branches.setActive({ branchId: west(), active: true });
    expect(await occupy(okafor)).toBeNull();
  });
});
