import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError, domainErrorOf, localMinuteToInstant, slotKey, type FindSlotsInput, type SlotView } from '@frontdesk/shared';
import { seedDemo, type DemoClinic } from '../seed/demo.js';
import { callerFor, type Caller } from '../testing/callers.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { monday } from '../testing/dates.js';

// The call centre's finder against the demo clinic: time of day, weekdays,
// several practitioners, "show more" pages and each practitioner's earliest.

const NY = 'America/New_York';
const CHI = 'America/Chicago';

let db: TestDatabase;
let demo: DemoClinic;
let callCentre: Caller;

const midnight = (date: string) => new Date(localMinuteToInstant(date, 0, NY)).toISOString();
const r = (key: string) => demo.resources[key]!;
const zoneOf = (s: SlotView) => (s.branchId === demo.branches.east ? NY : CHI);
const localOf = (s: SlotView) => DateTime.fromISO(s.startsAt, { zone: zoneOf(s) });
const find = (q: Partial<FindSlotsInput>) =>
  callCentre.availability.findSlots({ serviceId: demo.services.gp, from: midnight(monday()), to: midnight(monday(2)), limit: 200, ...q });

function codeOf(error: unknown): string | undefined {
  const cause = (error as { cause?: unknown }).cause;
  const code = domainErrorOf(error)?.code ?? (cause instanceof DomainError ? cause.code : (error as { code?: string }).code);
  return code === 'BAD_REQUEST' ? 'BAD_INPUT' : code;
}

beforeAll(async () => {
  db = await createTestDatabase();
  demo = await seedDemo(db.owner, { emailDomain: 'finder.test', patients: 5 });
  callCentre = await callerFor(db.deps, demo.staff.callCentre.email, demo.password);
});
afterAll(() => db.drop());

describe('finder filters', () => {
  it('Tuesday and Thursday afternoons only, each in its own branch zone, at both branches', async () => {
    const slots = await find({ weekdays: [2, 4], timeOfDay: 'afternoon' });
    expect(slots.length).toBeGreaterThan(20);
    for (const s of slots) {
      const t = localOf(s);
      expect([2, 4]).toContain(t.weekday);
      expect(t.hour * 60 + t.minute).toBeGreaterThanOrEqual(12 * 60);
      expect(t.hour * 60 + t.minute).toBeLessThan(17 * 60);
    }
    expect(new Set(slots.map((s) => s.branchId))).toEqual(new Set([demo.branches.east, demo.branches.west]));
  });

  it('a range of 17:00 to 18:00 at Midtown: only Dr Carter works then, on weekdays', async () => {
    const slots = await find({ branchIds: [demo.branches.east], timeOfDay: { fromMin: 17 * 60, toMin: 18 * 60 } });
    expect(slots.length).toBeGreaterThan(0);
    expect(new Set(slots.map((s) => s.resourceIds[0]))).toEqual(new Set([r('drCarter')]));
    expect(new Set(slots.map((s) => localOf(s).toFormat('HH:mm')))).toEqual(new Set(['17:00', '17:15', '17:30', '17:45']));
  });

  it('several practitioners: any of them, never another', async () => {
    const slots = await find({ practitionerIds: [r('drRao'), r('drOkafor')] });
    const who = new Set(slots.map((s) => s.resourceIds[0]));
    expect(who).toEqual(new Set([r('drRao'), r('drOkafor')]));
    expect(slots.map((s) => s.startsAt)).toEqual([...slots.map((s) => s.startsAt)].sort());
  });

  it('"show more" pages carry on where the last stopped, with no slot twice, even with two practitioners at the same times', async () => {
    const query = { branchIds: [demo.branches.east], practitionerIds: [r('drRao'), r('drCarter')], limit: 7 };
    const pages: SlotView[][] = [await find(query)];
    for (let i = 0; i < 3; i++) {
      const last = pages.at(-1)!;
      const seen = pages.flat().filter((s) => s.startsAt === last.at(-1)!.startsAt).map(slotKey);
      pages.push(await find({ ...query, after: { startsAt: last.at(-1)!.startsAt, seen } }));
    }
    const all = pages.flat();
    expect(all).toHaveLength(28);
    expect(new Set(all.map(slotKey)).size).toBe(28);
    // The same as one long page.
    expect(all.map(slotKey)).toEqual((await find({ ...query, limit: 28 })).map(slotKey));
    // Two practitioners at one time: a page boundary fell between them at least once or the keys kept them apart.
    expect(new Set(all.map((s) => s.startsAt)).size).toBeLessThan(28);
  });

  it('earliest per practitioner: one slot each, the first that practitioner has', async () => {
    const grouped = await find({ group: 'earliestPerPractitioner', limit: 20 });
    const who = grouped.map((s) => s.resourceIds[0]);
    expect(new Set(who)).toEqual(new Set([r('drRao'), r('drCarter'), r('drOkafor')]));
    expect(who).toHaveLength(3);
    for (const s of grouped) {
      const [first] = await find({ practitionerIds: [s.resourceIds[0]!], limit: 1 });
      expect(s.startsAt).toBe(first!.startsAt);
    }
    // With a filter too: on Saturdays only Dr Okafor works (Lakeview).
    const saturdays = await find({ group: 'earliestPerPractitioner', weekdays: [6] });
    expect(saturdays.map((s) => s.resourceIds[0])).toEqual([r('drOkafor')]);
    expect(localOf(saturdays[0]!).weekday).toBe(6);
  });

  it('refuses an empty weekday list and a range that ends before it starts, in words', async () => {
    await expect(find({ weekdays: [] }).catch(codeOf)).resolves.toBe('BAD_INPUT');
    await expect(find({ timeOfDay: { fromMin: 600, toMin: 540 } }).catch((e: Error) => e.message)).resolves.toContain('The time range must end after it starts.');
  });
});
