// The FHIR R4 scheduling API against a running server on a real Postgres: a
// system registered as an API client finds, holds and books through the same
// commands (and constraints) as a desk. Every resource it answers with is
// checked against the FHIR R4 JSON schema.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import JSONSchemaValidator from '@asymmetrik/fhir-json-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError, localMinuteToInstant } from '@frontdesk/shared';
import { createServer, type RunningServer } from '../app.js';
import { databaseForFile } from '../testing/file-database.js';
import { callerFor, type Caller } from '../testing/callers.js';
import { seedDemo } from '../seed/demo.js';
import { fhirHandler } from './fhir.http.js';
import { monday } from '../testing/dates.js';

const NY = 'America/New_York';
const validator = new JSONSchemaValidator();

const setup = databaseForFile(async (db) => ({
  demo: await seedDemo(db.owner, { emailDomain: 'fhir.test', patients: 12 }),
  other: await seedDemo(db.owner, { emailDomain: 'fhir-other.test', tenantName: 'Other Clinic', patients: 2 }),
}));

let server: RunningServer;
let base: string;
let admin: Caller;
let desk: Caller;
let client: { clientId: string; clientSecret: string; name: string };
let token: string;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- FHIR answers are read loosely here; the R4 schema validator checks their shape
type Json = Record<string, any>;

function valid(resource: unknown): void {
  const errors = validator.validate(resource);
  expect(errors, JSON.stringify(errors).slice(0, 800)).toEqual([]);
}

async function call(path: string, init: { method?: string; body?: unknown; token?: string | null; headers?: Record<string, string> } = {}): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      accept: 'application/fhir+json',
      ...(init.body !== undefined ? { 'content-type': 'application/fhir+json' } : {}),
      ...(init.token === null ? {} : { authorization: `Bearer ${init.token ?? token}` }),
      ...init.headers,
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : {}, headers: res.headers };
}

async function tokenFor(c: { clientId: string; clientSecret: string }): Promise<string> {
  const res = await fetch(`${base}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

const at = (date: string, hhmm: string) => new Date(localMinuteToInstant(date, Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5)), NY));

function proposalFor(o: { start: Date; patientId?: string; resources?: string[] }): Json {
  const d = setup.demo;
  return {
    resourceType: 'Appointment',
    status: 'proposed',
    start: o.start.toISOString(),
    participant: [
      ...(o.patientId ? [{ actor: { reference: `Patient/${o.patientId}` }, status: 'needs-action' }] : []),
      ...(o.resources ?? [d.resources.drCarter!, d.resources.eastRoom1!]).map((id) => ({ actor: { reference: `${id === d.resources.drCarter ? 'Practitioner' : 'Device'}/${id}` }, status: 'needs-action' })),
      { actor: { reference: `Location/${d.branches.east}` }, status: 'needs-action' },
      { actor: { reference: `HealthcareService/${d.services.gp}` }, status: 'needs-action' },
    ],
  };
}
const params = (name: string, value: Json) => ({ resourceType: 'Parameters', parameter: [{ name, ...value }] });

beforeAll(async () => {
  server = await createServer({ deps: setup.db.deps }).start(0);
  base = `${server.url}/fhir/R4`;
  admin = await callerFor(setup.db.deps, setup.demo.staff.admin.email, setup.demo.password, 'Admin office');
  desk = await callerFor(setup.db.deps, setup.demo.staff.receptionist.email, setup.demo.password, 'Front desk 1');
  const made = await admin.setup.apiClients.create({ name: 'Harbour Patient Portal', branchIds: [setup.demo.branches.east, setup.demo.branches.west], scopes: ['system/Slot.read', 'system/Appointment.read', 'system/Appointment.write', 'system/Location.read', 'system/Schedule.read', 'system/Practitioner.read', 'system/HealthcareService.read', 'system/Patient.read', 'system/Patient.write'] });
  client = { clientId: made.clientId, clientSecret: made.clientSecret, name: made.client.name };
  token = await tokenFor(client);
});

afterAll(() => server?.stop());

describe('discovery and sign-in', () => {
  it('answers the CapabilityStatement without a token, a valid R4 resource naming $find, $hold and $book', async () => {
    const { status, body, headers } = await call('/metadata', { token: null });
    expect(status).toBe(200);
    expect(headers.get('content-type')).toContain('application/fhir+json');
    // The packaged R4 schema's fhirVersion list stops at 4.0.0; R4's published version is 4.0.1.
    expect(body.fhirVersion).toBe('4.0.1');
    valid({ ...body, fhirVersion: '4.0.0' });
    const appointment = body.rest[0].resource.find((r: Json) => r.type === 'Appointment');
    expect(appointment.operation.map((o: Json) => o.name)).toEqual(['find', 'hold', 'book']);
  });

  it('refuses a wrong secret and a request without a token, as OAuth2 and FHIR say', async () => {
    const wrong = await fetch(`${base}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `grant_type=client_credentials&client_id=${client.clientId}&client_secret=nope` });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' });
    const anonymous = await call('/Location', { token: null });
    expect(anonymous.status).toBe(401);
    valid(anonymous.body);
    expect(anonymous.body.issue[0].details.coding[0].code).toBe('UNAUTHORIZED');
  });

  it('stores only a hash of the secret and of the token', async () => {
    const { rows } = await setup.db.sql.query<{ secret_hash: string }>('SELECT secret_hash FROM api_client WHERE id = $1', [client.clientId]);
    expect(rows[0]!.secret_hash).not.toContain(client.clientSecret);
    const tokens = await setup.db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM api_client_token WHERE token_hash = $1', [token]);
    expect(tokens.rows[0]!.n).toBe(0);
  });
});

describe('reads', () => {
  it('lists the branches, practitioners, services and schedules as searchset Bundles of valid resources', async () => {
    for (const type of ['Location', 'Practitioner', 'PractitionerRole', 'HealthcareService', 'Schedule']) {
      const { status, body } = await call(`/${type}`);
      expect(status, type).toBe(200);
      expect(body).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
      expect(body.entry.length, type).toBeGreaterThan(0);
      valid(body);
    }
    const locations = await call('/Location');
    expect(locations.body.entry.map((e: Json) => e.resource.name).sort()).toEqual(['Lakeview (Chicago)', 'Midtown (New York)']);
  });

  it('computes free and busy Slots of a schedule, with slot-capacity and a booking link, and reads one back by its id', async () => {
    const schedules = await call(`/Schedule?actor=Practitioner/${setup.demo.resources.drCarter}`);
    const schedule = schedules.body.entry[0].resource;
    const day = monday(1);
    const { status, body } = await call(`/Slot?schedule=Schedule/${schedule.id}&service-type=HealthcareService/${setup.demo.services.gp}&start=ge${at(day, '00:00').toISOString()}&start=lt${at(day, '23:59').toISOString()}`);
    expect(status).toBe(200);
    valid(body);
    const slots = body.entry.map((e: Json) => e.resource);
    expect(slots.length).toBeGreaterThan(10);
    expect(slots[0].status).toBe('free');
    expect(slots[0].extension.map((x: Json) => x.url)).toContain('http://fhir-registry.smarthealthit.org/StructureDefinition/slot-capacity');
    const one = await call(`/Slot/${slots[0].id}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(slots[0]);
  });

  it('refuses bad search input in plain words naming the parameter', async () => {
    const { status, body } = await call('/Slot?start=ge2026-13-45');
    expect(status).toBe(400);
    valid(body);
    expect(body.issue[0]).toMatchObject({ code: 'invalid', expression: ['start'] });
  });
});

describe('find → hold → book', () => {
  it('finds proposed times, holds one (pending, with its expiry), then books it; the desk’s log shows the system as the desk', async () => {
    const day = monday(2);
    const patientId = setup.demo.patients[0]!;
    const found = await call(`/Appointment/$find?start=${at(day, '09:00').toISOString()}&end=${at(day, '12:00').toISOString()}&service-type=HealthcareService/${setup.demo.services.gp}&practitioner=Practitioner/${setup.demo.resources.drCarter}&location=Location/${setup.demo.branches.east}&patient=Patient/${patientId}`);
    expect(found.status).toBe(200);
    valid(found.body);
    const proposed = found.body.entry[0].resource;
    expect(proposed).toMatchObject({ resourceType: 'Appointment', status: 'proposed', start: at(day, '09:00').toISOString() });

    const held = await call('/Appointment/$hold', { method: 'POST', body: params('appointment-resource', { resource: proposed }) });
    expect(held.status).toBe(201);
    valid(held.body);
    const appointment = held.body.entry[0].resource;
    expect(appointment.status).toBe('pending');
    const expiry = appointment.extension.find((x: Json) => x.url.endsWith('hold-expires')).valueInstant;
    expect(Date.parse(expiry)).toBeGreaterThan(Date.now());
    expect(held.headers.get('etag')).toBe('W/"1"');

    const booked = await call('/Appointment/$book', { method: 'POST', body: params('appointment-reference', { valueReference: { reference: `Appointment/${appointment.id}` } }), headers: { 'if-match': 'W/"1"' } });
    expect(booked.status).toBe(200);
    valid(booked.body);
    expect(booked.body.entry[0].resource).toMatchObject({ id: appointment.id, status: 'booked' });

    const { rows } = await setup.db.sql.query<{ status: string; created_by: string }>('SELECT status, created_by FROM appointment WHERE id = $1', [appointment.id]);
    expect(rows[0]!.status).toBe('BOOKED');
    const events = await setup.db.sql.query<{ type: string; desk: string; actor_id: string }>('SELECT type, desk, actor_id FROM event WHERE aggregate_id = $1 ORDER BY seq', [appointment.id]);
    expect(events.rows.map((e) => [e.type, e.desk])).toEqual([
      ['appointment.held', client.name],
      ['appointment.booked', client.name],
    ]);
    const staff = await setup.db.sql.query<{ name: string; disabled: boolean }>('SELECT name, disabled FROM staff WHERE id = $1', [events.rows[0]!.actor_id]);
    expect(staff.rows[0]).toEqual({ name: client.name, disabled: true });
    expect(rows[0]!.created_by).toBe(events.rows[0]!.actor_id);

    const read = await call(`/Appointment/${appointment.id}`);
    expect(read.headers.get('etag')).toBe('W/"2"');
    valid(read.body);
  });

  it('books a proposed time at once with $book, and registers and finds a patient first', async () => {
    const created = await call('/Patient', { method: 'POST', body: { resourceType: 'Patient', name: [{ given: ['Ines'], family: 'Moreau' }], telecom: [{ system: 'phone', value: '+12125550199' }], birthDate: '1984-03-09' } });
    expect(created.status).toBe(201);
    valid(created.body);
    const found = await call('/Patient?name=Ines&birthdate=1984-03-09');
    expect(found.body.entry.map((e: Json) => e.resource.id)).toEqual([created.body.id]);
    valid(found.body);
    const booked = await call('/Appointment/$book', { method: 'POST', body: params('appointment-resource', { resource: proposalFor({ start: at(monday(2), '13:00'), patientId: created.body.id }) }) });
    expect(booked.status).toBe(201);
    expect(booked.body.entry[0].resource.status).toBe('booked');
  });

  it('a $book retried with the same Idempotency-Key answers the first booking, never a second one', async () => {
    const body = params('appointment-resource', { resource: proposalFor({ start: at(monday(2), '15:00'), patientId: setup.demo.patients[4]! }) });
    const headers = { 'idempotency-key': 'portal-retry-0001' };
    const [first, second] = [await call('/Appointment/$book', { method: 'POST', body, headers }), await call('/Appointment/$book', { method: 'POST', body, headers })];
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.entry[0].resource.id).toBe(first.body.entry[0].resource.id);
    const { rows } = await setup.db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM appointment WHERE patient_id = $1', [setup.demo.patients[4]]);
    expect(rows[0]!.n).toBe(1);
  });
});

describe('the desk and the API reach for the same time', () => {
  it('exactly one wins; the API’s loss is a 409 OperationOutcome with proposed alternatives, and the database holds one appointment', async () => {
    for (let round = 0; round < 3; round++) {
      const start = at(monday(3), `${String(9 + round).padStart(2, '0')}:00`);
      const resources = [setup.demo.resources.drCarter!, setup.demo.resources.eastRoom1!];
      const [deskResult, api] = await Promise.all([
        desk.booking.book({ branchId: setup.demo.branches.east, serviceId: setup.demo.services.gp, startsAt: start.toISOString(), resourceIds: resources, patientId: setup.demo.patients[1 + round]! }).then(
          (v) => ({ ok: true as const, id: v.id }),
          (e: unknown) => ({ ok: false as const, error: e }),
        ),
        call('/Appointment/$book', { method: 'POST', body: params('appointment-resource', { resource: proposalFor({ start, patientId: setup.demo.patients[5 + round]! }) }) }),
      ]);
      const apiWon = api.status === 201;
      expect([deskResult.ok, apiWon].filter(Boolean)).toHaveLength(1);
      if (apiWon) {
        const cause = (deskResult as { error: { cause?: unknown } }).error.cause;
        expect(cause instanceof DomainError ? cause.code : null).toBe('SLOT_TAKEN');
      } else {
        expect(api.status).toBe(409);
        valid(api.body);
        expect(api.body.issue[0]).toMatchObject({ code: 'conflict', details: { coding: [{ code: 'SLOT_TAKEN' }] } });
        expect(api.body.contained.length).toBeGreaterThan(0);
        expect(api.body.contained[0]).toMatchObject({ resourceType: 'Appointment', status: 'proposed' });
      }
      const { rows } = await setup.db.sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM appointment a JOIN appointment_resource ar ON ar.appointment_id = a.id
          WHERE ar.resource_id = $1 AND ar.active AND a.starts_at = $2`,
        [setup.demo.resources.drCarter, start],
      );
      expect(rows[0]!.n).toBe(1);
    }
  });
});

describe('changes at a version', () => {
  it('an update sent with an old ETag is refused with 412 and the current version; sent with the current one, it cancels', async () => {
    const booked = await call('/Appointment/$book', { method: 'POST', body: params('appointment-resource', { resource: proposalFor({ start: at(monday(4), '10:00'), patientId: setup.demo.patients[9]! }) }) });
    const appointment = booked.body.entry[0].resource;
    const read = await call(`/Appointment/${appointment.id}`);
    const etag = read.headers.get('etag')!;
    // The desk moves it meanwhile.
    await desk.booking.move({ appointmentId: appointment.id, version: 1, startsAt: at(monday(4), '11:00').toISOString() });

    const stale = await call(`/Appointment/${appointment.id}`, { method: 'PATCH', body: [{ op: 'replace', path: '/status', value: 'cancelled' }], headers: { 'content-type': 'application/json-patch+json', 'if-match': etag } });
    expect(stale.status).toBe(412);
    valid(stale.body);
    expect(stale.body.issue[0].details.coding[0].code).toBe('STALE');
    expect(stale.body.contained[0]).toMatchObject({ id: appointment.id, meta: { versionId: '2' }, start: at(monday(4), '11:00').toISOString() });
    expect(stale.headers.get('etag')).toBe('W/"2"');
    expect((await setup.db.sql.query('SELECT status FROM appointment WHERE id = $1', [appointment.id])).rows[0]).toEqual({ status: 'BOOKED' });

    const cancelled = await call(`/Appointment/${appointment.id}`, { method: 'PUT', body: { ...stale.body.contained[0], status: 'cancelled', cancelationReason: { text: 'The patient rebooked online.' } }, headers: { 'if-match': 'W/"2"' } });
    expect(cancelled.status).toBe(200);
    valid(cancelled.body);
    expect(cancelled.body.status).toBe('cancelled');
    const row = await setup.db.sql.query('SELECT status, cancel_reason FROM appointment WHERE id = $1', [appointment.id]);
    expect(row.rows[0]).toEqual({ status: 'CANCELLED', cancel_reason: 'The patient rebooked online.' });
  });

  it('a PATCH of the start moves the appointment; onto a taken time it is refused with the nearest free times', async () => {
    const book = (hhmm: string, patient: number) => call('/Appointment/$book', { method: 'POST', body: params('appointment-resource', { resource: proposalFor({ start: at(monday(5), hhmm), patientId: setup.demo.patients[patient]! }) }) });
    const first = (await book('09:00', 8)).body.entry[0].resource;
    await book('10:00', 2);
    const moved = await call(`/Appointment/${first.id}`, { method: 'PATCH', body: [{ op: 'replace', path: '/start', value: at(monday(5), '09:30').toISOString() }], headers: { 'content-type': 'application/json-patch+json', 'if-match': 'W/"1"' } });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ start: at(monday(5), '09:30').toISOString(), meta: { versionId: '2' } });
    const taken = await call(`/Appointment/${first.id}`, { method: 'PATCH', body: [{ op: 'replace', path: '/start', value: at(monday(5), '10:00').toISOString() }], headers: { 'content-type': 'application/json-patch+json', 'if-match': 'W/"2"' } });
    expect(taken.status).toBe(409);
    valid(taken.body);
    expect(taken.body.issue[0].details.coding[0].code).toBe('SLOT_TAKEN');
    expect(taken.body.contained[0]).toMatchObject({ resourceType: 'Appointment', status: 'proposed' });
    const { rows } = await setup.db.sql.query<{ starts_at: Date }>('SELECT starts_at FROM appointment WHERE id = $1', [first.id]);
    expect(rows[0]!.starts_at.toISOString()).toBe(at(monday(5), '09:30').toISOString());
  });

  it('an update without If-Match is refused and changes nothing', async () => {
    const booked = await call('/Appointment/$book', { method: 'POST', body: params('appointment-resource', { resource: proposalFor({ start: at(monday(4), '14:00'), patientId: setup.demo.patients[10]! }) }) });
    const id = booked.body.entry[0].resource.id;
    const refused = await call(`/Appointment/${id}`, { method: 'PUT', body: { resourceType: 'Appointment', status: 'cancelled' } });
    expect(refused.status).toBe(428);
    expect((await setup.db.sql.query('SELECT status FROM appointment WHERE id = $1', [id])).rows[0]).toEqual({ status: 'BOOKED' });
  });
});

describe('what a system may do', () => {
  it('a client with read scopes only is refused a hold (403) and nothing is written', async () => {
    const made = await admin.setup.apiClients.create({ name: 'Read-only directory', branchIds: [setup.demo.branches.east], scopes: ['system/Slot.read'] });
    const readOnly = await tokenFor(made);
    const before = await setup.db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM appointment');
    const refused = await call('/Appointment/$hold', { method: 'POST', token: readOnly, body: proposalFor({ start: at(monday(4), '15:00') }) });
    expect(refused.status).toBe(403);
    valid(refused.body);
    expect(refused.body.issue[0]).toMatchObject({ code: 'forbidden', details: { coding: [{ code: 'FORBIDDEN' }] } });
    expect((await setup.db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM appointment')).rows[0]!.n).toBe(before.rows[0]!.n);
    // Nor may it read what its scopes leave out.
    const west = await call(`/Location/${setup.demo.branches.west}`, { token: await tokenFor({ clientId: made.clientId, clientSecret: made.clientSecret }) });
    expect(west.status).toBe(403);
  });

  it('a disabled client’s token stops working, and a rotated secret replaces the old one', async () => {
    const made = await admin.setup.apiClients.create({ name: 'Call centre partner', branchIds: [setup.demo.branches.east], scopes: ['system/Location.read'] });
    const first = await tokenFor(made);
    expect((await call('/Location', { token: first })).status).toBe(200);
    const rotated = await admin.setup.apiClients.rotate({ clientId: made.clientId });
    expect((await call('/Location', { token: first })).status).toBe(401);
    const second = await tokenFor(rotated);
    await admin.setup.apiClients.disable({ clientId: made.clientId });
    expect((await call('/Location', { token: second })).status).toBe(401);
    const again = await fetch(`${base}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'client_credentials', client_id: rotated.clientId, client_secret: rotated.clientSecret }) });
    expect(again.status).toBe(401);
  });

  it('a system sending faster than its rate is told 429 with an OperationOutcome and Retry-After', async () => {
    const limited = http.createServer(fhirHandler(setup.db.deps, { rate: { burst: 3, perSecond: 0.01 } }));
    await new Promise<void>((resolve) => limited.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(limited.address() as AddressInfo).port}/fhir/R4/Location`;
      const statuses: number[] = [];
      let last: Json = {};
      let retryAfter: string | null = null;
      for (let i = 0; i < 5; i++) {
        const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
        statuses.push(res.status);
        last = (await res.json()) as Json;
        retryAfter = res.headers.get('retry-after');
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      valid(last);
      expect(last.issue[0].code).toBe('throttled');
      expect(Number(retryAfter)).toBeGreaterThan(0);
    } finally {
      await new Promise((resolve) => limited.close(resolve));
    }
  });
});

describe('tenant isolation', () => {
  it('a client of another clinic never sees this clinic’s branches, appointments or patients', async () => {
    const otherAdmin = await callerFor(setup.db.deps, setup.other.staff.admin.email, setup.other.password);
    const made = await otherAdmin.setup.apiClients.create({ name: 'Other portal', branchIds: [setup.other.branches.east], scopes: ['system/Location.read', 'system/Appointment.read', 'system/Patient.read', 'system/Slot.read', 'system/Schedule.read'] });
    const theirs = await tokenFor(made);
    const locations = await call('/Location', { token: theirs });
    expect(locations.body.entry.map((e: Json) => e.resource.id)).toEqual([setup.other.branches.east]);
    const mine = await call('/Appointment?date=ge2000-01-01', { token });
    expect(mine.body.entry.length).toBeGreaterThan(0);
    const id = mine.body.entry[0].resource.id;
    expect((await call(`/Appointment/${id}`, { token: theirs })).status).toBe(404);
    expect((await call('/Appointment?date=ge2000-01-01', { token: theirs })).body.entry).toEqual([]);
    expect((await call(`/Patient/${setup.demo.patients[0]}`, { token: theirs })).status).toBe(404);
    expect((await call(`/Location/${setup.demo.branches.east}`, { token: theirs })).status).toBe(404);
    // And an admin of this clinic cannot touch the other clinic's client.
    await expect(admin.setup.apiClients.disable({ clientId: made.clientId })).rejects.toThrow();
  });
});

describe('SMART Scheduling Links', () => {
  it('publishes a manifest and NDJSON files of Locations, Schedules and Slots; with _since, only the schedules the log says changed', async () => {
    const manifest = await call('/$bulk-publish');
    expect(manifest.status).toBe(200);
    expect(manifest.body.output.map((o: Json) => o.type)).toEqual(['Location', 'Schedule', 'Slot']);
    expect(manifest.body.requiresAccessToken).toBe(true);
    const ndjson = async (url: string) => {
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      expect(res.headers.get('content-type')).toContain('application/fhir+ndjson');
      return (await res.text()).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Json);
    };
    const locations = await ndjson(manifest.body.output[0].url);
    expect(locations).toHaveLength(2);
    const schedules = await ndjson(manifest.body.output[1].url);
    for (const r of [...locations, ...schedules]) valid(r);
    const slots = await ndjson(manifest.body.output[2].url);
    expect(slots.length).toBeGreaterThan(100);
    valid(slots[0]);
    expect(slots.find((s) => s.status === 'free')?.extension.map((x: Json) => x.url)).toEqual(expect.arrayContaining(['http://fhir-registry.smarthealthit.org/StructureDefinition/slot-capacity', 'http://fhir-registry.smarthealthit.org/StructureDefinition/booking-deep-link']));

    const since = new Date().toISOString();
    const nothing = await call(`/$bulk-publish?_since=${encodeURIComponent(since)}`);
    expect(await ndjson(nothing.body.output[2].url)).toEqual([]);
    // Dr Kim is booked by a desk: only his schedule's slots are published again.
    await desk.booking.book({ branchId: setup.demo.branches.east, serviceId: setup.demo.services.checkup, startsAt: at(monday(1), '10:00').toISOString(), resourceIds: [setup.demo.resources.drKim!], patientId: setup.demo.patients[11]! });
    const changed = await call(`/$bulk-publish?_since=${encodeURIComponent(since)}`);
    const again = await ndjson(changed.body.output[2].url);
    const kimSchedule = schedules.find((s) => s.actor.some((a: Json) => a.reference === `Practitioner/${setup.demo.resources.drKim}`))!;
    expect(again.length).toBeGreaterThan(0);
    expect(new Set(again.map((s) => s.schedule.reference))).toEqual(new Set([`Schedule/${kimSchedule.id}`]));
    expect(await ndjson(changed.body.output[1].url)).toEqual([]);
  });
});
