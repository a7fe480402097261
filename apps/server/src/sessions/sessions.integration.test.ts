// Over 300 lines: each template command and the daily job, with the clock-change week and the races, share one pair of seeded clinics.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ZodError } from 'zod';
import { localDateOf } from '@frontdesk/shared';
import type { Actor } from '../auth/scope.js';
import { createLogger } from '../logger.js';
import { seedDemo, type DemoClinic } from '../seed/demo.js';
import { anonymousCaller, callerFor, type Caller } from '../testing/callers.js';
import { domainOf, failure, failureCode } from '../testing/errors.js';
import { databaseForFile } from '../testing/file-database.js';
import { codeOf, race } from '../testing/race.js';
import { startSessionGenerator } from './session-generator.js';
import { SessionsRepository } from './sessions.repository.js';
import { SessionTemplatesService } from './sessions.service.js';

const NY = 'America/New_York';
const setup = databaseForFile(
  async (db) => ({
    demo: await seedDemo(db.owner, { emailDomain: 'sessions.test', patients: 30 }),
    other: await seedDemo(db.owner, { tenantName: 'Other clinic', emailDomain: 'sessions-other.test', patients: 2 }),
  }),
  { poolSize: 30 },
);

let demo: DemoClinic;
let manager: Caller;
let admin: Caller;
let receptionist: Caller;
let managerActor: Actor;
let patientCursor = 0;

/** The service on a clock of the test's choosing. */
const serviceAt = (iso: string, daysAhead = 28) => new SessionTemplatesService(setup.db.deps.db, new SessionsRepository(), () => new Date(iso), daysAhead);

async function actorOf(email: string): Promise<Actor> {
  const { token } = await anonymousCaller(setup.db.deps).auth.login({ email, password: demo.password, desk: 'manager office' });
  return (await setup.db.deps.auth.authenticate(token))!;
}

const sql = async <T = Record<string, unknown>>(text: string, params: unknown[] = []) => (await setup.db.sql.query(text, params)).rows as T[];
/** The sessions of a template as the branch reads them: local date, weekday and times. */
const sessionsOf = (templateId: string) =>
  sql<{ id: string; date: string; dow: number; start: string; end: string; starts_at: Date; capacity: number; name: string; issued: number }>(
    `SELECT id, to_char(starts_at AT TIME ZONE $2, 'YYYY-MM-DD') AS date, extract(isodow FROM starts_at AT TIME ZONE $2)::int AS dow,
            to_char(starts_at AT TIME ZONE $2, 'HH24:MI') AS start, to_char(ends_at AT TIME ZONE $2, 'HH24:MI') AS "end", starts_at, capacity, name, issued
       FROM capacity_session WHERE template_id = $1 ORDER BY starts_at`,
    [templateId, NY],
  );
const snapshot = () =>
  sql(`SELECT (SELECT count(*) FROM session_template)::int AS templates, (SELECT count(*) FROM capacity_session)::int AS sessions,
              (SELECT count(*) FROM event)::int AS events, (SELECT string_agg(name || capacity || active, ',' ORDER BY id) FROM session_template) AS rows`);

function badInputField(error: unknown): string | null {
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (cause instanceof ZodError) return cause.issues[0]!.path.join('.');
  const domain = domainOf(error);
  return domain?.code === 'BAD_INPUT' ? (domain.details.field ?? '') : null;
}

const OPD = { name: 'OPD', resourceId: null, weekdays: [1, 2, 3, 4, 5], startMinute: 9 * 60, endMinute: 12 * 60, capacity: 30, validFrom: '2026-01-01', validUntil: null };

beforeAll(async () => {
  demo = setup.demo;
  manager = await callerFor(setup.db.deps, demo.staff.manager.email, demo.password, 'manager office');
  admin = await callerFor(setup.db.deps, demo.staff.admin.email, demo.password, 'admin office');
  receptionist = await callerFor(setup.db.deps, demo.staff.receptionist.email, demo.password, 'front desk 1');
  managerActor = await actorOf(demo.staff.manager.email);
});

describe('a template makes its sessions ahead', () => {
  it('Monday–Friday OPD 09:00–12:00: a session on each of those days for 28 days, at 09:00 local, shown on the desk as any session is', async () => {
    const result = await manager.setup.sessions.create({ ...OPD, branchId: demo.branches.east, resourceId: demo.resources.drCarter! });
    const rows = await sessionsOf(result.template.id);
    // Counted apart from the code: the weekdays from the branch's today for 28 days whose session is not over yet.
    const [counted] = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM generate_series((now() AT TIME ZONE $1)::date, (now() AT TIME ZONE $1)::date + 27, interval '1 day') d
        WHERE extract(isodow FROM d) BETWEEN 1 AND 5 AND ((d::date + time '12:00') AT TIME ZONE $1) > now()`,
      [NY],
    );
    const expected = counted!.n;
    expect(rows).toHaveLength(expected);
    expect(result.generated).toBe(expected);
    expect(rows.every((r) => r.dow >= 1 && r.dow <= 5 && r.start === '09:00' && r.end === '12:00' && r.capacity === 30 && r.name === 'OPD')).toBe(true);
    expect(new Set(rows.map((r) => r.date)).size).toBe(rows.length);
    expect(result.template).toMatchObject({ name: 'OPD', weekdays: [1, 2, 3, 4, 5], startMinute: 540, endMinute: 720, capacity: 30, active: true, resourceName: 'Dr James Carter' });
    expect(result.template.upcoming).toHaveLength(5);
    const [event] = await sql<{ payload: object; actor_id: string; desk: string }>(`SELECT payload, actor_id, desk FROM event WHERE type = 'session_template.changed' AND aggregate_id = $1`, [result.template.id]);
    expect(event).toEqual({ payload: { templateId: result.template.id, change: 'created', generated: expected, removed: 0, kept: 0 }, actor_id: demo.staff.manager.id, desk: 'manager office' });

    // The desk's existing reads show them with no change of their own, and tokens are issued from them.
    const next = rows.at(-1)!;
    const listed = await receptionist.catalog.sessions({ branchId: demo.branches.east, date: next.date });
    expect(listed.map((s) => s.id)).toContain(next.id);
    const day = await receptionist.availability.day({ branchId: demo.branches.east, date: next.date });
    expect(day.sessions.map((s) => s.id)).toContain(next.id);
    const issued = await receptionist.booking.issueToken({ sessionId: next.id, patientId: demo.patients[patientCursor++]! });
    expect(issued.token.number).toBe(1);
  });

  it('across the autumn clock change the sessions stay at 09:00 local: 13:00 UTC before, 14:00 UTC after', async () => {
    // Wednesday 28 October 2026, 08:00 in New York; clocks go back on Sunday 1 November.
    const service = serviceAt('2026-10-28T12:00:00Z', 7);
    const result = await service.create(managerActor, { ...OPD, name: 'DST week', weekdays: [1, 2, 3, 4, 5, 6, 7], branchId: demo.branches.east });
    const rows = await sessionsOf(result.template.id);
    expect(rows.map((r) => [r.date, r.start, r.end, r.starts_at.toISOString()])).toEqual([
      ['2026-10-28', '09:00', '12:00', '2026-10-28T13:00:00.000Z'],
      ['2026-10-29', '09:00', '12:00', '2026-10-29T13:00:00.000Z'],
      ['2026-10-30', '09:00', '12:00', '2026-10-30T13:00:00.000Z'],
      ['2026-10-31', '09:00', '12:00', '2026-10-31T13:00:00.000Z'],
      ['2026-11-01', '09:00', '12:00', '2026-11-01T14:00:00.000Z'],
      ['2026-11-02', '09:00', '12:00', '2026-11-02T14:00:00.000Z'],
      ['2026-11-03', '09:00', '12:00', '2026-11-03T14:00:00.000Z'],
    ]);
  });

  it('runs again without duplicates: the daily job, and an update that changes nothing, make no new sessions', async () => {
    const service = serviceAt('2027-02-01T12:00:00Z');
    const { template, generated } = await service.create(managerActor, { ...OPD, name: 'Idempotent', branchId: demo.branches.east });
    expect(generated).toBe(20);
    await service.generateAll(); // other tests' templates may still have days to fill at this clock
    expect(await service.generateAll()).toBe(0);
    expect(await sessionsOf(template.id)).toHaveLength(20);
    const again = await service.update(managerActor, { ...OPD, name: 'Idempotent', templateId: template.id });
    expect(again).toMatchObject({ generated: 0, removed: 0, kept: [], message: null });
    // Two updates at once (and the job beside them): still one session per day.
    await race<unknown>(3, (i) => (i < 2 ? service.update(managerActor, { ...OPD, name: 'Idempotent', templateId: template.id }) : service.generateAll()));
    const rows = await sessionsOf(template.id);
    expect(rows).toHaveLength(20);
    expect(new Set(rows.map((r) => r.date)).size).toBe(20);
  });
});

describe('changing a template', () => {
  it('fewer weekdays and shorter validity take away the future sessions without tokens; a renamed template renames its sessions', async () => {
    const service = serviceAt('2027-03-01T12:00:00Z');
    const { template } = await service.create(managerActor, { ...OPD, name: 'Physio walk-in', branchId: demo.branches.east });
    expect(await sessionsOf(template.id)).toHaveLength(20);
    const changed = await service.update(managerActor, { ...OPD, name: 'Physio drop-in', capacity: 12, weekdays: [1, 3], validUntil: '2027-03-14', templateId: template.id });
    const rows = await sessionsOf(template.id);
    expect(rows.map((r) => r.date)).toEqual(['2027-03-01', '2027-03-03', '2027-03-08', '2027-03-10']);
    expect(rows.every((r) => r.name === 'Physio drop-in' && r.capacity === 12)).toBe(true);
    expect(changed).toMatchObject({ generated: 0, removed: 16, kept: [], message: null });
    const [event] = await sql<{ payload: object }>(`SELECT payload FROM event WHERE type = 'session_template.changed' AND aggregate_id = $1 ORDER BY seq DESC LIMIT 1`, [template.id]);
    expect(event!.payload).toEqual({ templateId: template.id, change: 'updated', generated: 0, removed: 16, kept: 0 });
  });

  it('deactivating keeps the sessions with tokens (and says so in plain words), takes away the rest, and leaves started ones alone', async () => {
    const service = serviceAt('2027-04-05T14:00:00Z'); // Monday 5 April 2027, 10:00 in New York: today's session is under way
    const { template } = await service.create(managerActor, { ...OPD, name: 'Evening OPD', branchId: demo.branches.east });
    const rows = await sessionsOf(template.id);
    expect(rows[0]!.date).toBe('2027-04-05');
    const withTokens = rows[3]!; // Thursday 8 April
    await receptionist.booking.issueToken({ sessionId: withTokens.id, patientId: demo.patients[patientCursor++]! });
    await receptionist.booking.issueToken({ sessionId: withTokens.id, patientId: demo.patients[patientCursor++]! });

    const result = await service.setActive(managerActor, template.id, false);
    expect(result.removed).toBe(rows.length - 2);
    expect(result.kept).toEqual([{ id: withTokens.id, startsAt: withTokens.starts_at.toISOString(), endsAt: expect.any(String), issued: 2 }]);
    expect(result.message).toBe('1 session already has tokens and was kept: Thu 8 Apr, 09:00 (2 tokens). Tell the patients holding them, or run the session as planned.');
    expect((await sessionsOf(template.id)).map((r) => r.id)).toEqual([rows[0]!.id, withTokens.id]);
    expect(result.template).toMatchObject({ active: false });
    // The daily job leaves an inactive template alone.
    await service.generateAll();
    expect(await sessionsOf(template.id)).toHaveLength(2);
    // Active again: the days come back, the kept session is not doubled.
    const back = await service.setActive(managerActor, template.id, true);
    expect(back.generated).toBe(rows.length - 2);
    expect(await sessionsOf(template.id)).toHaveLength(rows.length);
  });

  it('a token drawn while the template is deactivated: either the session is kept with its token, or it is gone and the token refused', async () => {
    const service = serviceAt(new Date().toISOString());
    const { template } = await manager.setup.sessions.create({ ...OPD, name: 'Race OPD', weekdays: [1, 2, 3, 4, 5, 6, 7], branchId: demo.branches.east });
    const target = (await sessionsOf(template.id)).at(-1)!;
    const patientId = demo.patients[patientCursor++]!;
    const [token, deactivated] = await race<unknown>(2, (i) =>
      i === 0 ? receptionist.booking.issueToken({ sessionId: target.id, patientId }) : service.setActive(managerActor, template.id, false),
    );
    expect(codeOf(deactivated!)).toBe('OK');
    const left = await sql<{ issued: number }>('SELECT issued FROM capacity_session WHERE id = $1', [target.id]);
    const tokens = await sql('SELECT 1 FROM token WHERE session_id = $1', [target.id]);
    if (codeOf(token!) === 'OK') {
      expect(left).toEqual([{ issued: 1 }]);
      expect(tokens).toHaveLength(1);
      expect((deactivated as PromiseFulfilledResult<{ kept: unknown[] }>).value.kept).toHaveLength(1);
    } else {
      expect(left).toEqual([]);
      expect(tokens).toEqual([]);
    }
  });

  it('bad input is refused naming the field, and changes nothing', async () => {
    const before = await snapshot();
    const east = { ...OPD, branchId: demo.branches.east };
    const refusals: [() => Promise<unknown>, string][] = [
      [() => manager.setup.sessions.create({ ...east, name: ' ' }), 'name'],
      [() => manager.setup.sessions.create({ ...east, weekdays: [] }), 'weekdays'],
      [() => manager.setup.sessions.create({ ...east, weekdays: [1, 8] }), 'weekdays.1'],
      [() => manager.setup.sessions.create({ ...east, weekdays: [2, 2] }), 'weekdays'],
      [() => manager.setup.sessions.create({ ...east, startMinute: 720, endMinute: 540 }), 'endMinute'],
      [() => manager.setup.sessions.create({ ...east, endMinute: 1441 }), 'endMinute'],
      [() => manager.setup.sessions.create({ ...east, capacity: 0 }), 'capacity'],
      [() => manager.setup.sessions.create({ ...east, validFrom: '2027-02-01', validUntil: '2027-01-31' }), 'validUntil'],
      [() => manager.setup.sessions.create({ ...east, resourceId: demo.resources.drOkafor! }), 'resourceId'],
    ];
    for (const [call, field] of refusals) expect(badInputField(await failure(call())), field).toBe(field);
    expect(await snapshot()).toEqual(before);
  });

  it('only at the manager’s branches: a receptionist is FORBIDDEN, another branch FORBIDDEN or NOT_FOUND, another clinic NOT_FOUND; nothing changes', async () => {
    const west = await admin.setup.sessions.create({ ...OPD, name: 'West OPD', branchId: demo.branches.west, validFrom: '2030-01-01' });
    const before = await snapshot();
    expect(failureCode(await failure(receptionist.setup.sessions.list({})))).toBe('FORBIDDEN');
    expect(failureCode(await failure(receptionist.setup.sessions.create({ ...OPD, branchId: demo.branches.east })))).toBe('FORBIDDEN');
    expect(failureCode(await failure(manager.setup.sessions.create({ ...OPD, branchId: demo.branches.west })))).toBe('FORBIDDEN');
    expect(failureCode(await failure(manager.setup.sessions.update({ ...OPD, templateId: west.template.id })))).toBe('NOT_FOUND');
    expect(failureCode(await failure(manager.setup.sessions.deactivate({ templateId: west.template.id })))).toBe('NOT_FOUND');
    expect(failureCode(await failure(manager.setup.sessions.list({ branchId: demo.branches.west })))).toBe('FORBIDDEN');
    const otherAdmin = await callerFor(setup.db.deps, setup.other.staff.admin.email, setup.other.password);
    expect(failureCode(await failure(otherAdmin.setup.sessions.deactivate({ templateId: west.template.id })))).toBe('NOT_FOUND');
    expect(await snapshot()).toEqual(before);
    expect((await manager.setup.sessions.list({})).some((t) => t.id === west.template.id)).toBe(false);
    expect((await admin.setup.sessions.list({})).some((t) => t.id === west.template.id)).toBe(true);
  });
});

describe('the daily job', () => {
  it('makes the sessions of every tenant’s active templates, each with a generated event from the generator; run again, none', async () => {
    const insertTemplate = async (c: DemoClinic, name: string, active = true) =>
      (await sql<{ id: string }>(
        `INSERT INTO session_template (tenant_id, branch_id, name, weekdays, start_minute, end_minute, capacity, valid_from, active)
         VALUES ($1, $2, $3, '{1,2,3,4,5}', 540, 720, 20, '2026-01-01', $4) RETURNING id`,
        [c.tenantId, c.branches.west, name, active],
      ))[0]!.id;
    const mine = await insertTemplate(demo, 'Job OPD');
    const theirs = await insertTemplate(setup.other, 'Their OPD');
    const asleep = await insertTemplate(setup.other, 'Paused OPD', false);
    const service = serviceAt('2028-06-05T12:00:00Z', 14); // a Monday
    expect(await service.generateAll()).toBeGreaterThanOrEqual(20);
    for (const id of [mine, theirs]) expect(await sessionsOf(id)).toHaveLength(10);
    expect(await sessionsOf(asleep)).toHaveLength(0);
    const events = await sql<{ tenant_id: string; payload: { change: string; generated: number }; actor_id: string | null; desk: string }>(
      `SELECT tenant_id, payload, actor_id, desk FROM event WHERE type = 'session_template.changed' AND aggregate_id = ANY($1)`,
      [[mine, theirs, asleep]],
    );
    expect(events.map((e) => [e.tenant_id, e.payload.change, e.payload.generated, e.actor_id, e.desk]).sort()).toEqual(
      [
        [demo.tenantId, 'generated', 10, null, 'session generator'],
        [setup.other.tenantId, 'generated', 10, null, 'session generator'],
      ].sort(),
    );
    expect(await service.generateAll()).toBe(0);
    // A day later the horizon moves on by one weekday.
    expect(await serviceAt('2028-06-06T12:00:00Z', 14).generateAll()).toBeGreaterThanOrEqual(2);
    expect(await sessionsOf(mine)).toHaveLength(11);
  });

  it('runs in the background from the start, for the tenants it finds', async () => {
    const id = (await sql<{ id: string }>(
      `INSERT INTO session_template (tenant_id, branch_id, name, weekdays, start_minute, end_minute, capacity, valid_from)
       VALUES ($1, $2, 'Background OPD', '{1,2,3,4,5,6,7}', 600, 660, 5, '2026-01-01') RETURNING id`,
      [setup.other.tenantId, setup.other.branches.east],
    ))[0]!.id;
    const generator = startSessionGenerator(serviceAt('2029-01-01T12:00:00Z', 3), createLogger('silent'));
    try {
      await vi.waitFor(async () => expect(await sessionsOf(id)).toHaveLength(3), { timeout: 20_000, interval: 100 });
    } finally {
      await generator.stop();
    }
    expect(localDateOf((await sessionsOf(id))[0]!.starts_at.getTime(), NY)).toBe('2029-01-01');
  });
});
