import { describe, expect, it } from 'vitest';
import { DomainError, localMinuteToInstant, wallTime, type WeeklyHours } from '@frontdesk/shared';
import type { Busy, Catalogue, CatalogueResource } from './availability.repository.js';
import { allowedStarts, candidateIds, checkStart, freeSlots, isServable, notServed, planBranch, searchSpan, type BranchPlan, type SlotWindow } from './slot-search.js';

// The slot search on its own: a catalogue, what is busy and a window in, slots out. No database.

const NY = 'America/New_York';
const CHI = 'America/Chicago';
/** A Monday. */
const DAY = '2030-01-07';
const at = (hhmm: string, zone = NY) => localMinuteToInstant(DAY, Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5)), zone);
const mondays = (from: string, to: string): WeeklyHours[] => [{ weekday: 1, startMinute: minuteOf(from), endMinute: minuteOf(to) }];
const minuteOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

const east = { id: 'east', name: 'East', timeZone: NY };
const west = { id: 'west', name: 'West', timeZone: CHI };
const resource = (id: string, kind: CatalogueResource['kind'], tags: string[], hoursByBranch: CatalogueResource['hoursByBranch']): CatalogueResource => ({ id, kind, name: id, tags, hoursByBranch });
const drAda = resource('dr-ada', 'PRACTITIONER', ['gp'], { east: mondays('09:00', '12:00') });
const drBo = resource('dr-bo', 'PRACTITIONER', ['gp'], { east: mondays('09:00', '12:00'), west: mondays('08:00', '12:00') });
const nurse = resource('nurse', 'PRACTITIONER', ['nurse'], { east: mondays('09:00', '12:00') });
const room1 = resource('room-1', 'ROOM', [], { east: mondays('08:00', '18:00') });
const room2 = resource('room-2', 'ROOM', [], { west: mondays('08:00', '18:00') });

/** A 30-minute consult with a GP in a room, at East and West. */
const consult: Catalogue = {
  service: { id: 'consult', name: 'Consult', durationMin: 30, bufferBeforeMin: 0, bufferAfterMin: 0, active: true },
  requirements: [
    { kind: 'PRACTITIONER', tag: 'gp' },
    { kind: 'ROOM', tag: null },
  ],
  branches: [east, west],
  resources: [drAda, drBo, room1, room2],
  practitioners: [],
};
const service = consult.service!;

const booked = (resourceId: string, from: string, to: string, status = 'BOOKED'): Busy => ({
  source: 'appointment',
  resourceId,
  branchId: 'east',
  id: `appt-${resourceId}-${from}`,
  status,
  startsAt: new Date(at(from)),
  endsAt: new Date(at(to)),
  reason: '',
});
const off = (resourceId: string | null, from: string, to: string, reason: string): Busy => ({
  source: 'time_off',
  resourceId,
  branchId: resourceId ? null : 'east',
  id: `off-${resourceId}-${from}`,
  status: 'LEAVE',
  startsAt: new Date(at(from)),
  endsAt: new Date(at(to)),
  reason,
});

const window = (over: Partial<SlotWindow> = {}): SlotWindow => ({ notBefore: at('00:00'), to: at('23:59'), exactStart: false, stepMinutes: 15, limit: 100, ...over });
const plan = (cat: Catalogue, chosen: CatalogueResource[] = [], branch = east): BranchPlan => {
  const p = planBranch(cat, branch, chosen);
  if (!isServable(p)) throw new Error('expected a servable plan');
  return p;
};
const times = (slots: { startsAt: string }[], zone = NY) => slots.map((s) => wallTime(s.startsAt, zone));

describe('free slots', () => {
  it('an empty morning offers every quarter hour from opening to the last start that still ends by closing', () => {
    const slots = freeSlots(service, [plan(consult)], [], window());
    expect(times(slots)).toEqual(['09:00', '09:15', '09:30', '09:45', '10:00', '10:15', '10:30', '10:45', '11:00', '11:15', '11:30']);
    expect(slots[0]).toEqual({ branchId: 'east', startsAt: new Date(at('09:00')).toISOString(), endsAt: new Date(at('09:30')).toISOString(), resourceIds: ['dr-ada', 'room-1'] });
  });

  it('a busy practitioner is swapped for another free one; when both are busy the time is not offered', () => {
    const busy = [booked('dr-ada', '09:00', '10:00'), booked('dr-bo', '09:00', '09:30')];
    const slots = freeSlots(service, [plan(consult)], busy, window({ limit: 3 }));
    expect(slots.map((s) => [wallTime(s.startsAt, NY), s.resourceIds])).toEqual([
      ['09:30', ['dr-bo', 'room-1']],
      ['09:45', ['dr-bo', 'room-1']],
      ['10:00', ['dr-ada', 'room-1']],
    ]);
  });

  it('a chosen practitioner is the only candidate for its requirement and comes first', () => {
    const slots = freeSlots(service, [plan(consult, [drBo])], [booked('dr-bo', '09:00', '11:00')], window());
    expect(times(slots)).toEqual(['11:00', '11:15', '11:30']);
    expect(slots.every((s) => s.resourceIds[0] === 'dr-bo')).toBe(true);
  });

  it('buffers count as occupied: ten minutes of set-up keep a start off the end of the previous appointment', () => {
    const withSetUp = { ...service, bufferBeforeMin: 10 };
    const slots = freeSlots(withSetUp, [plan(consult, [drAda])], [booked('dr-ada', '09:00', '10:00')], window({ limit: 2 }));
    expect(times(slots)).toEqual(['10:15', '10:30']);
  });

  it('time off of the whole branch takes everyone away; time off of one resource only that one', () => {
    const branchClosed = freeSlots(service, [plan(consult)], [off(null, '09:00', '11:00', 'staff meeting')], window());
    expect(times(branchClosed)).toEqual(['11:00', '11:15', '11:30']);
    const adaAway = freeSlots(service, [plan(consult, [drAda])], [off('dr-ada', '09:00', '11:30', 'leave')], window());
    expect(times(adaAway)).toEqual(['11:30']);
  });

  it('never before `notBefore`, never at or after `to`, at most `limit`', () => {
    const slots = freeSlots(service, [plan(consult)], [], window({ notBefore: at('09:20'), to: at('10:30'), limit: 3 }));
    expect(times(slots)).toEqual(['09:30', '09:45', '10:00']);
    expect(freeSlots(service, [plan(consult)], [], window({ notBefore: at('09:20'), to: at('10:30') })).map((s) => wallTime(s.startsAt, NY)).at(-1)).toBe('10:15');
  });

  it('an exact start is tried as given, without rounding to the step', () => {
    const exact = window({ notBefore: at('09:07'), to: at('09:07') + 1, exactStart: true });
    expect(times(freeSlots(service, [plan(consult)], [], exact))).toEqual(['09:07']);
    expect(freeSlots(service, [plan(consult)], [booked('dr-ada', '09:00', '09:10'), booked('dr-bo', '09:30', '10:00')], exact)).toEqual([]);
  });

  it('across branches the earliest comes first, and at the same instant the first branch of the catalogue', () => {
    const plans = [plan(consult, [], east), plan(consult, [], west)];
    const slots = freeSlots(service, plans, [], window({ limit: 4 }));
    // West opens at 08:00 Chicago, which is 09:00 New York.
    expect(slots.map((s) => [s.branchId, wallTime(s.startsAt, NY)])).toEqual([
      ['east', '09:00'],
      ['west', '09:00'],
      ['east', '09:15'],
      ['west', '09:15'],
    ]);
  });

  it('two requirements never share one resource: a service for two GPs needs two of them free', () => {
    const pair: Catalogue = { ...consult, requirements: [{ kind: 'PRACTITIONER', tag: 'gp' }, { kind: 'PRACTITIONER', tag: 'gp' }] };
    expect(times(freeSlots(service, [plan(pair)], [booked('dr-bo', '09:00', '11:30')], window()))).toEqual(['11:30']);
    expect(freeSlots(service, [plan(pair)], [], window({ limit: 1 }))[0]!.resourceIds.sort()).toEqual(['dr-ada', 'dr-bo']);
  });

  it('the busy read covers every instant a start in the window could occupy', () => {
    const withBuffers = { ...service, bufferBeforeMin: 5, bufferAfterMin: 10 };
    expect(searchSpan(withBuffers, { notBefore: at('09:00'), to: at('10:00') })).toEqual({ start: at('08:55'), end: at('10:00') - 1 + 40 * 60_000 });
    expect(candidateIds([plan(consult)]).sort()).toEqual(['dr-ada', 'dr-bo', 'room-1']);
  });
});

describe('one start, and why not', () => {
  it('a free start names the resources it would use', () => {
    expect(checkStart(service, plan(consult), [booked('dr-ada', '10:00', '10:30')], at('10:00'))).toEqual({
      ok: true,
      slot: { branchId: 'east', startsAt: new Date(at('10:00')).toISOString(), endsAt: new Date(at('10:30')).toISOString(), resourceIds: ['dr-bo', 'room-1'] },
    });
  });

  it('taken: SLOT_TAKEN lists each blocker once, a hold as a hold, earliest first', () => {
    const busy = [booked('dr-bo', '10:15', '10:45', 'HELD'), booked('dr-ada', '09:45', '10:15')];
    expect(checkStart(service, plan(consult), busy, at('10:00'))).toEqual({
      ok: false,
      code: 'SLOT_TAKEN',
      blockers: [
        { resourceId: 'dr-ada', kind: 'appointment', startsAt: new Date(at('09:45')).toISOString(), endsAt: new Date(at('10:15')).toISOString() },
        { resourceId: 'dr-bo', kind: 'hold', startsAt: new Date(at('10:15')).toISOString(), endsAt: new Date(at('10:45')).toISOString() },
      ],
    });
  });

  it('before opening: OUTSIDE_HOURS with the hours of everyone who could have done it', () => {
    const result = checkStart(service, plan(consult), [], at('08:30'));
    expect(result).toEqual({
      ok: false,
      code: 'OUTSIDE_HOURS',
      details: {
        resourceHours: [
          { resourceId: 'dr-ada', branchId: 'east', hours: drAda.hoursByBranch.east },
          { resourceId: 'dr-bo', branchId: 'east', hours: drBo.hoursByBranch.east },
        ],
        timeOff: [],
      },
    });
  });

  it('on leave: OUTSIDE_HOURS with the time off that covers the start', () => {
    const result = checkStart(service, plan(consult, [drAda]), [off('dr-ada', '09:00', '12:00', 'conference')], at('10:00'));
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.code === 'OUTSIDE_HOURS' && result.details.timeOff).toEqual([
      { startsAt: new Date(at('09:00')).toISOString(), endsAt: new Date(at('12:00')).toISOString(), reason: 'conference' },
    ]);
  });
});

describe('plans', () => {
  it('a chosen resource that does not work at the branch: no plan, and OUTSIDE_HOURS names it', () => {
    const p = planBranch(consult, west, [drAda]);
    expect(p).toBeNull();
    expect(notServed(west, [drAda], p)).toEqual({ ok: false, code: 'OUTSIDE_HOURS', details: { resourceHours: [{ resourceId: 'dr-ada', branchId: 'west', hours: [] }], timeOff: [] } });
  });

  it('a branch where some requirement has no candidate cannot be served', () => {
    const west2: Catalogue = { ...consult, resources: [drAda, room2] };
    expect(isServable(planBranch(west2, west, []))).toBe(false);
  });

  it('a chosen resource that fits no requirement is refused as BAD_INPUT', () => {
    expect(() => planBranch({ ...consult, resources: [...consult.resources, nurse] }, east, [nurse])).toThrow(DomainError);
  });
});

describe("the finder's filters", () => {
  const everyDay = (from: string, to: string): WeeklyHours[] => [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, startMinute: minuteOf(from), endMinute: minuteOf(to) }));
  const allWeek: Catalogue = { ...consult, resources: [resource('dr-ada', 'PRACTITIONER', ['gp'], { east: everyDay('09:00', '18:00') }), resource('room-1', 'ROOM', [], { east: everyDay('08:00', '18:00') })] };
  const week = (over: Partial<SlotWindow> = {}) => window({ to: at('00:00') + 7 * 86_400_000, limit: 1000, ...over });

  it('a time of day keeps starts inside it, in the branch zone: afternoon is 12:00 up to the last start before 17:00', () => {
    const slots = freeSlots(service, [plan(allWeek)], [], week({ to: at('23:59'), filter: { fromMin: 12 * 60, toMin: 17 * 60 } }));
    expect(times(slots)[0]).toBe('12:00');
    expect(times(slots).at(-1)).toBe('16:45');
    expect(times(slots)).not.toContain('17:00');
  });

  it('a range and weekdays together: only Wednesdays and Fridays, 10:00 to 10:30', () => {
    const slots = freeSlots(service, [plan(allWeek)], [], week({ filter: { fromMin: 600, toMin: 630, weekdays: [3, 5] } }));
    const local = slots.map((s) => new Date(s.startsAt).toLocaleString('en-GB', { timeZone: NY, weekday: 'short', hour: '2-digit', minute: '2-digit' }));
    expect(local).toEqual(['Wed 10:00', 'Wed 10:15', 'Fri 10:00', 'Fri 10:15']);
  });

  it('the limit counts only starts the filter lets through', () => {
    const slots = freeSlots(service, [plan(allWeek)], [], week({ limit: 2, filter: { fromMin: 17 * 60, toMin: 24 * 60 } }));
    expect(times(slots)).toEqual(['17:00', '17:15']);
    expect(slots.map((s) => s.startsAt.slice(0, 10))).toEqual([new Date(at('17:00')).toISOString().slice(0, 10), new Date(at('17:15')).toISOString().slice(0, 10)]);
  });

  it('allowed starts follow the local day across a clock change (New York, first Sunday of November)', () => {
    const day = (date: string, hhmm: string) => localMinuteToInstant(date, minuteOf(hhmm), NY);
    const allowed = allowedStarts({ start: day('2030-11-02', '00:00'), end: day('2030-11-05', '00:00') }, NY, { fromMin: 9 * 60, toMin: 10 * 60, weekdays: [7, 1] });
    expect(allowed.map((i) => [wallTime(i.start, NY), wallTime(i.end, NY), new Date(i.start).toISOString().slice(0, 10)])).toEqual([
      ['09:00', '10:00', '2030-11-03'],
      ['09:00', '10:00', '2030-11-04'],
    ]);
    // Sunday 09:00 New York after the change is 14:00 UTC, Saturday's would have been 13:00.
    expect(new Date(allowed[0]!.start).toISOString()).toBe('2030-11-03T14:00:00.000Z');
  });
});
