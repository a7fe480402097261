import { describe, expect, it } from 'vitest';
import { localMinuteToInstant, wallTime } from '@frontdesk/shared';
import { expand, plannedStarts } from './rule.js';

const LONDON = 'Europe/London';
const at = (date: string, hhmm: string, zone: string) => new Date(localMinuteToInstant(date, Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)), zone));
const rule = (r: Partial<Parameters<typeof expand>[1]>) => ({ frequency: 'WEEKLY' as const, interval: 1, monthlyBy: 'date' as const, ...r });

describe('a series rule read in the branch zone', () => {
  it('a weekly 09:00 stays 09:00 local across the spring and autumn clock changes in London', () => {
    const spring = expand(at('2027-03-17', '09:00', LONDON), rule({ count: 4 }), LONDON);
    expect(spring.starts.map((s) => wallTime(s.getTime(), LONDON))).toEqual(['09:00', '09:00', '09:00', '09:00']);
    // 28 March 2027 the clocks go forward: 09:00 GMT is 09:00Z before, 09:00 BST is 08:00Z after.
    expect(spring.starts.map((s) => s.toISOString())).toEqual(['2027-03-17T09:00:00.000Z', '2027-03-24T09:00:00.000Z', '2027-03-31T08:00:00.000Z', '2027-04-07T08:00:00.000Z']);
    const autumn = expand(at('2027-10-20', '09:00', LONDON), rule({ count: 3 }), LONDON);
    expect(autumn.starts.map((s) => s.toISOString())).toEqual(['2027-10-20T08:00:00.000Z', '2027-10-27T08:00:00.000Z', '2027-11-03T09:00:00.000Z']);
  });

  it('monthly by weekday keeps "the 2nd Tuesday"; by date keeps the day of the month', () => {
    const byWeekday = expand(at('2027-03-09', '10:30', LONDON), rule({ frequency: 'MONTHLY', monthlyBy: 'weekday', count: 4 }), LONDON);
    expect(byWeekday.starts.map((s) => s.toISOString().slice(0, 10))).toEqual(['2027-03-09', '2027-04-13', '2027-05-11', '2027-06-08']);
    expect(byWeekday.rule).toBe('FREQ=MONTHLY;INTERVAL=1;BYDAY=+2TU;COUNT=4');
    expect(byWeekday.summary).toBe('Every month on the 2nd Tuesday at 10:30, 4 visits');
    const byDate = expand(at('2027-01-14', '10:30', LONDON), rule({ frequency: 'MONTHLY', count: 3 }), LONDON);
    expect(byDate.starts.map((s) => s.toISOString().slice(0, 10))).toEqual(['2027-01-14', '2027-02-14', '2027-03-14']);
  });

  it('every N days or weeks up to an end date, inclusive; the stored rule gives back the same starts', () => {
    const e = expand(at('2027-02-01', '08:15', LONDON), rule({ interval: 2, until: '2027-03-01' }), LONDON);
    expect(e.starts.map((s) => s.toISOString().slice(0, 10))).toEqual(['2027-02-01', '2027-02-15', '2027-03-01']);
    expect(plannedStarts(e.rule, e.localStart, LONDON)).toEqual(e.starts);
    const daily = expand(at('2027-02-01', '08:15', LONDON), rule({ frequency: 'DAILY', interval: 3, count: 3 }), LONDON);
    expect(daily.starts.map((s) => s.toISOString().slice(0, 10))).toEqual(['2027-02-01', '2027-02-04', '2027-02-07']);
  });

  it('refuses an end date before the start and one that makes too many visits, naming the field', () => {
    expect(() => expand(at('2027-02-01', '08:15', LONDON), rule({ until: '2027-01-01' }), LONDON)).toThrow(/before the first visit/);
    expect(() => expand(at('2027-02-01', '08:15', LONDON), rule({ frequency: 'DAILY', until: '2027-12-31' }), LONDON)).toThrow(/more than 60 visits/);
  });
});
