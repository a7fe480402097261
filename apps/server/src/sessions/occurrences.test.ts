import { describe, expect, it } from 'vitest';
import { isoWeekday, occurrences, type TemplateSchedule } from './occurrences.js';

const NY = 'America/New_York';
const OPD: TemplateSchedule = { weekdays: [1, 2, 3, 4, 5], startMinute: 9 * 60, endMinute: 12 * 60, validFrom: '2026-01-01', validUntil: null };
const at = (iso: string) => Date.parse(iso);
const utc = (list: { startsAt: Date; endsAt: Date }[]) => list.map((o) => [o.startsAt.toISOString(), o.endsAt.toISOString()]);

describe('occurrences of a template', () => {
  it('Monday–Friday 09:00–12:00 across the autumn clock change: 09:00 local on both sides, 13:00Z before, 14:00Z after', () => {
    // Wednesday 28 October 2026, 08:00 in New York; clocks go back on Sunday 1 November.
    const list = occurrences(OPD, NY, at('2026-10-28T12:00:00Z'), 7);
    expect(list.map((o) => o.date)).toEqual(['2026-10-28', '2026-10-29', '2026-10-30', '2026-11-02', '2026-11-03']);
    expect(utc(list)).toEqual([
      ['2026-10-28T13:00:00.000Z', '2026-10-28T16:00:00.000Z'],
      ['2026-10-29T13:00:00.000Z', '2026-10-29T16:00:00.000Z'],
      ['2026-10-30T13:00:00.000Z', '2026-10-30T16:00:00.000Z'],
      ['2026-11-02T14:00:00.000Z', '2026-11-02T17:00:00.000Z'],
      ['2026-11-03T14:00:00.000Z', '2026-11-03T17:00:00.000Z'],
    ]);
  });

  it('the spring-forward night: a session over the missing hour is an hour shorter, one inside it moves on with the clock', () => {
    // Clocks go forward at 02:00 on Sunday 14 March 2027 in New York.
    const now = at('2027-03-13T12:00:00Z');
    const over = occurrences({ ...OPD, weekdays: [7], startMinute: 60, endMinute: 4 * 60 }, NY, now, 2);
    expect(utc(over)).toEqual([['2027-03-14T06:00:00.000Z', '2027-03-14T08:00:00.000Z']]);
    const inside = occurrences({ ...OPD, weekdays: [7], startMinute: 2 * 60, endMinute: 2 * 60 + 30 }, NY, now, 2);
    expect(utc(inside)).toEqual([['2027-03-14T07:00:00.000Z', '2027-03-14T07:30:00.000Z']]);
    const morning = occurrences({ ...OPD, weekdays: [6, 7] }, NY, now, 2);
    expect(utc(morning)).toEqual([
      ['2027-03-13T14:00:00.000Z', '2027-03-13T17:00:00.000Z'],
      ['2027-03-14T13:00:00.000Z', '2027-03-14T16:00:00.000Z'],
    ]);
  });

  it('starts from the branch’s today, keeps a session under way, leaves out one already over', () => {
    // 10:30 on Monday 23 November in New York: the 09:00–12:00 session is under way.
    expect(occurrences(OPD, NY, at('2026-11-23T15:30:00Z'), 1).map((o) => o.date)).toEqual(['2026-11-23']);
    // 12:00 exactly: it is over.
    expect(occurrences(OPD, NY, at('2026-11-23T17:00:00Z'), 1)).toEqual([]);
    // 01:00 UTC on Tuesday is still Monday evening in New York: today is Monday, its session over.
    expect(occurrences(OPD, NY, at('2026-11-24T01:00:00Z'), 2).map((o) => o.date)).toEqual(['2026-11-24']);
  });

  it('keeps within the first and last day, and `daysAhead` days', () => {
    const bounded = { ...OPD, weekdays: [1, 2, 3, 4, 5, 6, 7], validFrom: '2026-11-25', validUntil: '2026-11-27' };
    expect(occurrences(bounded, NY, at('2026-11-23T12:00:00Z'), 28).map((o) => o.date)).toEqual(['2026-11-25', '2026-11-26', '2026-11-27']);
    expect(occurrences({ ...OPD, weekdays: [1, 2, 3, 4, 5, 6, 7] }, NY, at('2026-11-23T12:00:00Z'), 28)).toHaveLength(28);
  });

  it('a session to midnight ends at the start of the next local day', () => {
    const evening = occurrences({ ...OPD, startMinute: 20 * 60, endMinute: 1440 }, NY, at('2026-11-23T12:00:00Z'), 1);
    expect(utc(evening)).toEqual([['2026-11-24T01:00:00.000Z', '2026-11-24T05:00:00.000Z']]);
  });

  it('names weekdays the ISO way', () => {
    expect(['2026-11-23', '2026-11-28', '2026-11-29'].map(isoWeekday)).toEqual([1, 6, 7]);
  });
});
