import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type RunningServer } from '../app.js';
import { seedDemo, type DemoClinic } from '../seed/demo.js';
import { anonymousCaller, callerFor, type Caller } from '../testing/callers.js';
import { demoDatabase } from '../testing/file-database.js';
import { postImport } from '../testing/imports.js';

// Resources with their weekly hours from CSV through the real endpoint: rows
// checked against the clinic's branches, duplicates skipped, resource + branch
// + hours written together, bookable at once, and a re-run changes nothing.

const setup = demoDatabase({ emailDomain: 'import-resources.test' });
let other: DemoClinic;
let running: RunningServer;
let admin: string;
let manager: string;
let desk: Caller;

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await setup.db.sql.query<{ n: string }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}
const tenant = () => setup.demo.tenantId;
const tables = async (tenantId = tenant()) => ({
  resources: await count('SELECT count(*) AS n FROM resource WHERE tenant_id = $1', [tenantId]),
  branches: await count('SELECT count(*) AS n FROM resource_branch WHERE tenant_id = $1', [tenantId]),
  hours: await count('SELECT count(*) AS n FROM working_hours WHERE tenant_id = $1', [tenantId]),
  runs: await count('SELECT count(*) AS n FROM import_run WHERE tenant_id = $1', [tenantId]),
  events: await count('SELECT count(*) AS n FROM event WHERE tenant_id = $1', [tenantId]),
});

beforeAll(async () => {
  other = await seedDemo(setup.db.owner, { emailDomain: 'import-resources-other.test', tenantName: 'Other clinic' });
  await setup.db.sql.query(`UPDATE branch SET name = 'Harbourside (Boston)' WHERE id = $1`, [other.branches.east]);
  running = await createServer({ deps: setup.db.deps }).start(0);
  const login = async (email: string) => (await anonymousCaller(setup.db.deps).auth.login({ email, password: setup.demo.password, desk: 'import desk' })).token;
  admin = await login(setup.demo.staff.admin.email);
  manager = await login(setup.demo.staff.manager.email);
  desk = await callerFor(setup.db.deps, setup.demo.staff.callCentre.email, setup.demo.password);
});

afterAll(async () => {
  await running?.stop();
  await setup.db?.deps.logReader.stop();
});

const post = (mode: string, csv: string | Uint8Array, token = admin) => postImport(running.url, token, 'resources', mode, csv);

/** The next Monday 00:00 UTC at least a day ahead: a week of slots to search. */
function nextMonday(): Date {
  const d = new Date(Date.now() + 86_400_000);
  d.setUTCHours(0, 0, 0, 0);
  while (d.getUTCDay() !== 1) d.setUTCDate(d.getUTCDate() + 1);
  return d;
}

describe('importing resources with their hours', () => {
  it('the sample file of the README previews clean against the demo clinic', async () => {
    const sample = readFileSync(new URL('../../../../docs/samples/resources.csv', import.meta.url));
    const result = (await post('preview', sample)).result!;
    expect(result.errors).toEqual([]);
    expect(result.created).toBe(5);
  });

  it('a preview names each faulty row, column and reason (branch, kind, hours, colour, tags) and writes nothing', async () => {
    const before = await tables();
    const csv = [
      'kind,name,branch,tags,colour,hours',
      'practitioner,Dr Ok Row,Midtown (New York),gp,#123abc,mon=09:00-17:00',
      'wizard,Dr Who,Midtown (New York),,,',
      'room,Room X,Uptown,,,',
      'room,Room Y,Midtown (New York),,blue,',
      'chair,Chair Z,Midtown (New York),,,mon=09:00-13:00;tue=9-17',
      'chair,Chair Q,Midtown (New York),,,"mon=09:00-13:00,12:00-15:00"',
      'device,Laser,Midtown (New York),,,fri-mon=10:00-12:00',
      'device,Scanner,Midtown (New York),,,mon=10:00-12:00;monday=13:00-14:00',
    ].join('\n');
    const result = (await post('preview', csv)).result!;
    expect(result.errors.map((e) => [e.line, e.column])).toEqual([
      [3, 'kind'],
      [4, 'branch'],
      [5, 'colour'],
      [6, 'hours'],
      [7, 'hours'],
      [8, 'hours'],
      [9, 'hours'],
    ]);
    expect(result.errors[1]!.reason).toMatch(/no branch named "Uptown"; the branches are Lakeview \(Chicago\), Midtown \(New York\)/);
    expect(result.errors[3]!.reason).toMatch(/"9-17" is not a span of time/);
    expect(result.errors[4]!.reason).toMatch(/09:00–13:00 overlaps 12:00–15:00/);
    expect(result.errors[5]!.reason).toMatch(/runs backwards/);
    expect(result.errors[6]!.reason).toMatch(/Monday is given twice/);
    expect(await tables()).toEqual(before);
  });

  it('skips what the clinic already has and what the file repeats; a resource may take one row per branch', async () => {
    const csv = [
      'Kind,Name,Branch,Tags,Color,Hours',
      'practitioner,dr anita rao,Midtown (New York),gp,,mon=09:00-17:00', // already there (any case)
      'room,Quiet room,Midtown (New York),consult,,mon-fri=08:00-20:00',
      'room,Quiet room,midtown (new york),,,mon-fri=08:00-20:00', // the same room at the same branch again
      'room,Quiet room,Lakeview (Chicago),physio,,sat=09:00-12:00', // the same room at a second branch, but its tags differ from line 3
    ].join('\n');
    const preview = (await post('preview', csv)).result!;
    expect(preview.errors).toEqual([{ line: 5, column: 'tags', reason: expect.stringMatching(/differ from line 3/) }]);
    // A further branch's row may leave the tags empty.
    const fixed = (await post('preview', csv.replace(',physio,', ',,'))).result!;
    expect(fixed).toMatchObject({ errorCount: 0, created: 1, skipped: 2 });
    expect(fixed.duplicates.map((d) => [d.line, d.ofLine, d.existingId])).toEqual([
      [2, null, setup.demo.resources.drRao],
      [4, 3, null],
    ]);
  });

  it('writes resources, their branches and hours in one transaction with one event each, bookable at once; the same file again changes nothing', async () => {
    const monday = nextMonday();
    const to = new Date(monday.getTime() + 7 * 86_400_000);
    // The catalogue is cached: an import must make the new practitioner bookable anyway.
    const earlier = await desk.availability.findSlots({ serviceId: setup.demo.services.gp, branchIds: [setup.demo.branches.east], from: monday.toISOString(), to: to.toISOString(), limit: 200 });
    expect(earlier.length).toBeGreaterThan(0);

    const csv = [
      'kind,name,branch,tags,colour,hours',
      'practitioner,Dr Nova Import,Midtown (New York),GP;Minor surgery,#2E9D61,mon=09:00-12:00 13:00-17:00;wed-fri=10:00 - 14:00',
      'practitioner,Dr Nova Import,Lakeview (Chicago),,,tue=09:00-17:00',
      'room,Import room,Midtown (New York),consult,,mon-sun=00:00-24:00',
      'device,ECG cart,Lakeview (Chicago),ecg,,',
    ].join('\r\n');
    const before = await tables();
    const answer = await post('apply', csv);
    expect(answer.result?.errors).toEqual([]);
    expect(answer.result).toMatchObject({ applied: true, created: 3, skipped: 0, errorCount: 0 });
    expect(await tables()).toEqual({
      resources: before.resources + 3,
      branches: before.branches + 4,
      hours: before.hours + 2 + 3 + 1 + 7,
      runs: before.runs + 1,
      // import.completed and one resource.changed per resource.
      events: before.events + 4,
    });
    const { rows: nova } = await setup.db.sql.query(`SELECT id::text, kind::text, tags, colour, active FROM resource WHERE tenant_id = $1 AND name = 'Dr Nova Import'`, [tenant()]);
    expect(nova).toEqual([{ id: expect.any(String), kind: 'PRACTITIONER', tags: ['gp', 'minor surgery'], colour: '#2e9d61', active: true }]);
    const novaId = nova[0].id as string;
    const { rows: hours } = await setup.db.sql.query(
      `SELECT b.name AS branch, w.weekday, w.start_minute, w.end_minute FROM working_hours w JOIN branch b ON b.id = w.branch_id WHERE w.resource_id = $1 ORDER BY b.name, w.weekday, w.start_minute`,
      [novaId],
    );
    expect(hours).toEqual([
      { branch: 'Lakeview (Chicago)', weekday: 2, start_minute: 540, end_minute: 1020 },
      { branch: 'Midtown (New York)', weekday: 1, start_minute: 540, end_minute: 720 },
      { branch: 'Midtown (New York)', weekday: 1, start_minute: 780, end_minute: 1020 },
      { branch: 'Midtown (New York)', weekday: 3, start_minute: 600, end_minute: 840 },
      { branch: 'Midtown (New York)', weekday: 4, start_minute: 600, end_minute: 840 },
      { branch: 'Midtown (New York)', weekday: 5, start_minute: 600, end_minute: 840 },
    ]);
    // Without a colour of its own, a colour of the palette.
    const { rows: cart } = await setup.db.sql.query(`SELECT colour FROM resource WHERE tenant_id = $1 AND name = 'ECG cart'`, [tenant()]);
    expect(cart[0].colour).toMatch(/^#[0-9a-f]{6}$/);
    const { rows: logged } = await setup.db.sql.query(`SELECT type, payload->>'change' AS change FROM event WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 4`, [tenant()]);
    expect(logged.map((e) => `${e.type}:${e.change ?? ''}`).sort()).toEqual(['import.completed:', 'resource.changed:created', 'resource.changed:created', 'resource.changed:created']);

    const slots = await desk.availability.findSlots({ serviceId: setup.demo.services.gp, resourceIds: [novaId], branchIds: [setup.demo.branches.east], from: monday.toISOString(), to: to.toISOString(), limit: 200 });
    expect(slots.length).toBeGreaterThan(0);
    expect(slots.every((s) => s.resourceIds.includes(novaId))).toBe(true);
    const patientId = setup.demo.patients[0]!;
    const booked = await desk.booking.book({ branchId: setup.demo.branches.east, serviceId: setup.demo.services.gp, startsAt: slots[0]!.startsAt, resourceIds: [novaId], patientId, products: [] });
    expect(booked.status).toBe('BOOKED');
    expect(booked.resources.map((r) => r.resourceId)).toContain(novaId);

    const again = await post('apply', csv);
    expect(again.result).toMatchObject({ applied: false, created: 0, importId: null });
    expect(again.result!.alreadyImported?.importId).toBe(answer.result!.importId);
    const after = await tables();
    expect(after).toEqual({ ...before, resources: before.resources + 3, branches: before.branches + 4, hours: before.hours + 13, runs: before.runs + 1, events: after.events });
    // The booking's events aside, the re-run appended nothing.
    expect(await count(`SELECT count(*) AS n FROM event WHERE tenant_id = $1 AND type IN ('import.completed', 'resource.changed')`, [tenant()])).toBe(4);
  });

  it('hours lie within the branch’s opening hours; a room without hours of its own is open whenever its branch is', async () => {
    // Lakeview opens Monday to Saturday, 08:00–12:00 and 12:00–18:00 (touching: one stretch).
    for (let weekday = 1; weekday <= 6; weekday++) {
      await setup.db.sql.query('INSERT INTO branch_hours (tenant_id, branch_id, weekday, start_minute, end_minute) VALUES ($1, $2, $3, 480, 720), ($1, $2, $3, 720, 1080)', [tenant(), setup.demo.branches.west, weekday]);
    }
    const preview = (await post('preview', ['kind,name,branch,tags,colour,hours', 'device,Early scanner,Lakeview (Chicago),,,mon=07:00-09:00', 'device,Sunday scanner,Lakeview (Chicago),,,sun=10:00-12:00', 'practitioner,Dr Span,Lakeview (Chicago),gp,,tue=10:00-15:00'].join('\n'))).result!;
    expect(preview.errors).toEqual([
      { line: 2, column: 'hours', reason: expect.stringMatching(/^Monday 07:00–09:00 is outside the opening hours of Lakeview \(Chicago\) \(Monday 08:00–12:00, 12:00–18:00\)/) },
      { line: 3, column: 'hours', reason: expect.stringMatching(/^Lakeview \(Chicago\) is closed on Sundays/) },
    ]);
    const applied = await post('apply', 'kind,name,branch,tags\nroom,Open room,Lakeview (Chicago),consult\n');
    expect(applied.result).toMatchObject({ applied: true, created: 1 });
    const { rows } = await setup.db.sql.query(`SELECT count(*)::int AS n, min(w.start_minute) AS first, max(w.end_minute) AS last FROM working_hours w JOIN resource r ON r.id = w.resource_id WHERE r.name = 'Open room'`);
    expect(rows[0]).toEqual({ n: 12, first: 480, last: 1080 });
  });

  it('a branch manager may not import; the other clinic is never touched', async () => {
    const theirs = await tables(other.tenantId);
    const refused = await post('apply', 'kind,name,branch\nroom,Manager room,Midtown (New York)\n', manager);
    expect(refused.status).toBe(403);
    expect(await count(`SELECT count(*) AS n FROM resource WHERE name = 'Manager room'`)).toBe(0);
    // The other clinic's branches are not this clinic's: the name is unknown here.
    const otherBranch = await post('preview', 'kind,name,branch\nroom,Far room,Harbourside (Boston)\n');
    expect(otherBranch.result!.errors[0]).toMatchObject({ line: 2, column: 'branch' });
    expect(await tables(other.tenantId)).toEqual(theirs);
  });
});
