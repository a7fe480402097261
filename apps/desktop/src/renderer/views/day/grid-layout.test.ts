import { describe, expect, it } from 'vitest';
import { assignLanes, colourFor, densityFor, MIN_LABEL_PX, statusMark, tint, zoomed } from './grid-layout.js';

describe('lanes in a column', () => {
  it('blocks one after another share the full width', () => {
    const lanes = assignLanes([
      { key: 'a', top: 0, height: 20 },
      { key: 'b', top: 20, height: 20 },
      { key: 'c', top: 40, height: 60 },
    ]);
    expect([...lanes.values()]).toEqual([
      { lane: 0, lanes: 1 },
      { lane: 0, lanes: 1 },
      { lane: 0, lanes: 1 },
    ]);
  });

  it('overlapping blocks go side by side, and the cluster shares its lane count', () => {
    const lanes = assignLanes([
      { key: 'long', top: 0, height: 80 },
      { key: 'mid', top: 20, height: 20 },
      { key: 'late', top: 60, height: 40 },
      { key: 'after', top: 200, height: 20 },
    ]);
    expect(lanes.get('long')).toEqual({ lane: 0, lanes: 2 });
    expect(lanes.get('mid')).toEqual({ lane: 1, lanes: 2 });
    // "mid" has ended by 60: its lane is free again.
    expect(lanes.get('late')).toEqual({ lane: 1, lanes: 2 });
    expect(lanes.get('after')).toEqual({ lane: 0, lanes: 1 });
  });

  it('a block too short for its label is drawn one line tall, so the next one moves aside rather than over it', () => {
    const lanes = assignLanes([
      { key: 'five-min', top: 0, height: 6 },
      { key: 'next', top: 7, height: 20 },
    ]);
    expect(MIN_LABEL_PX).toBeGreaterThan(7);
    expect(lanes.get('five-min')).toEqual({ lane: 0, lanes: 2 });
    expect(lanes.get('next')).toEqual({ lane: 1, lanes: 2 });
  });

  it('no two blocks in the same lane overlap as drawn', () => {
    const blocks = Array.from({ length: 40 }, (_, i) => ({ key: `b${i}`, top: (i * 37) % 400, height: 5 + ((i * 13) % 70) }));
    const lanes = assignLanes(blocks);
    for (const x of blocks)
      for (const y of blocks) {
        if (x.key >= y.key || lanes.get(x.key)!.lane !== lanes.get(y.key)!.lane) continue;
        const xEnd = x.top + Math.max(x.height, MIN_LABEL_PX);
        const yEnd = y.top + Math.max(y.height, MIN_LABEL_PX);
        expect(x.top < yEnd && y.top < xEnd, `${x.key} and ${y.key}`).toBe(false);
      }
  });
});

describe('how much a block shows', () => {
  it('a 15-minute booking at the smallest zoom (18px) is one line: name and status', () => {
    expect(densityFor(18)).toBe('line');
  });
  it('two lines get time, name and status; taller ones the service too', () => {
    expect(densityFor(40)).toBe('compact');
    expect(densityFor(78)).toBe('full');
  });
});

describe('status without colour', () => {
  it('each status has an icon and a word', () => {
    expect(statusMark('CHECKED_IN')).toEqual({ icon: '✓', text: 'arrived' });
    expect(statusMark('NO_SHOW')).toEqual({ icon: '✗', text: 'no-show' });
    expect(statusMark('HELD')).toEqual({ icon: '◔', text: 'held' });
  });
  it('a status the desk does not know yet still reads as words', () => {
    expect(statusMark('WITH_NURSE')).toEqual({ icon: '•', text: 'with nurse' });
  });
});

describe('zoom and tint', () => {
  it('zoom stays within its levels', () => {
    expect(zoomed(0, -1)).toBe(0);
    expect(zoomed(2, 1)).toBe(2);
    expect(zoomed(0, 1)).toBe(1);
  });
  it('tints a #rrggbb colour, and gives nothing for none', () => {
    expect(tint('#2f6fdd', 0.5)).toBe('#2f6fdd80');
    expect(tint('')).toBe('');
  });
});

describe('colour by', () => {
  const resources = [
    { id: 'room', kind: 'ROOM', colour: '#111111' },
    { id: 'doc', kind: 'PRACTITIONER', colour: '#222222' },
  ];
  const services = (id: string) => (id === 'gp' ? '#333333' : '');
  it("practitioner: the appointment's practitioner, even when the room comes first", () => {
    expect(colourFor({ serviceId: 'gp', resources: [{ resourceId: 'room' }, { resourceId: 'doc' }] }, 'practitioner', resources, services)).toBe('#222222');
  });
  it('practitioner: a room booked alone takes the room’s colour', () => {
    expect(colourFor({ serviceId: 'gp', resources: [{ resourceId: 'room' }] }, 'practitioner', resources, services)).toBe('#111111');
  });
  it("service: the service's colour from setup, none when setup gave it none", () => {
    expect(colourFor({ serviceId: 'gp', resources: [{ resourceId: 'doc' }] }, 'service', resources, services)).toBe('#333333');
    expect(colourFor({ serviceId: 'other', resources: [{ resourceId: 'doc' }] }, 'service', resources, services)).toBe('');
  });
});
