import { describe, expect, it } from 'vitest';
import { demoAnchor, planDemoDay, type Roster } from './demo-day.js';

const gp: Roster['service'] = { key: 'gp', durationMin: 15, bufferBeforeMin: 0, bufferAfterMin: 0 };
const cleaning: Roster['service'] = { key: 'cleaning', durationMin: 45, bufferBeforeMin: 0, bufferAfterMin: 10 };
const physio: Roster['service'] = { key: 'physio', durationMin: 60, bufferBeforeMin: 5, bufferAfterMin: 0 };
const rosters: Roster[] = [
  { practitioner: 'carter', room: 'room1', service: gp, hours: [{ start: 8 * 60 + 30, end: 18 * 60 }] },
  { practitioner: 'kim', room: 'chairA', service: cleaning, hours: [{ start: 10 * 60, end: 19 * 60 }] },
  { practitioner: 'shaw', room: 'gym', service: physio, hours: [{ start: 8 * 60, end: 14 * 60 }] },
];

describe("the demo clinic's day", () => {
  it('"now" is the local time, kept within 10:00–15:00 so a seed run early or late still has a past and a future', () => {
    expect(demoAnchor(13 * 60 + 7)).toBe(13 * 60);
    expect(demoAnchor(6 * 60)).toBe(10 * 60);
    expect(demoAnchor(22 * 60)).toBe(15 * 60);
  });

  it('has every state: completed, no-show and cancelled before now, checked in around it, booked, cancelled and one hold after', () => {
    const plan = planDemoDay(rosters, 13 * 60);
    const statuses = new Set(plan.map((a) => a.status));
    expect([...statuses].sort()).toEqual(['BOOKED', 'CANCELLED', 'CHECKED_IN', 'COMPLETED', 'HELD', 'NO_SHOW']);
    expect(plan.filter((a) => a.status === 'HELD')).toHaveLength(1);
    for (const a of plan.filter((x) => x.status === 'COMPLETED' || x.status === 'NO_SHOW')) expect(a.endMinute).toBeLessThanOrEqual(13 * 60);
    for (const a of plan.filter((x) => x.status === 'BOOKED' || x.status === 'HELD')) expect(a.startMinute).toBeGreaterThan(13 * 60);
    for (const a of plan.filter((x) => x.status === 'CANCELLED')) expect(a.cancelReason).toMatch(/\w/);
  });

  it("keeps within each practitioner's hours and never overlaps them or their room, buffers included", () => {
    for (const anchor of [10 * 60, 13 * 60, 15 * 60]) {
      const plan = planDemoDay(rosters, anchor);
      for (const r of rosters) {
        const mine = plan.filter((a) => a.practitioner === r.practitioner).sort((a, b) => a.occupied.start - b.occupied.start);
        expect(mine.length).toBeGreaterThan(0);
        for (const a of mine) {
          expect(a.startMinute).toBeGreaterThanOrEqual(r.hours[0]!.start);
          expect(a.endMinute).toBeLessThanOrEqual(r.hours[0]!.end);
          expect(a.startMinute % 15).toBe(0);
        }
        mine.slice(1).forEach((a, i) => expect(a.occupied.start).toBeGreaterThanOrEqual(mine[i]!.occupied.end));
      }
    }
  });

  it('a day nobody works (no hours) still shows a day around now', () => {
    const plan = planDemoDay([{ ...rosters[0]!, hours: [] }], 12 * 60);
    expect(plan.length).toBeGreaterThan(10);
    expect(Math.min(...plan.map((a) => a.startMinute))).toBeGreaterThanOrEqual(9 * 60);
  });
});
