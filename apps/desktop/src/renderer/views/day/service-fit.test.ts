import { describe, expect, it } from 'vitest';
import type { Service } from '../../lib/types.js';
import { lengthWith, serviceForColumn, serviceFits } from './service-fit.js';

function service(id: string, requirements: Service['requirements'], practitioners: Service['practitioners'] = []): Service {
  return { id, name: id, durationMin: 30, bufferBeforeMin: 0, bufferAfterMin: 0, basePriceCents: 0, requirements, prices: [], practitioners, colour: '' };
}

const dentist = { id: 'nair', kind: 'PRACTITIONER', tags: ['dentist'] };
const otherDentist = { id: 'kim', kind: 'PRACTITIONER', tags: ['dentist'] };
const chair = { id: 'chair-a', kind: 'CHAIR', tags: [] };
const cleaning = service('cleaning', [{ kind: 'PRACTITIONER', tag: 'dentist' }, { kind: 'CHAIR', tag: null }]);
const massage = service('massage', [{ kind: 'PRACTITIONER', tag: 'therapist' }]);
const implant = service('implant', [{ kind: 'PRACTITIONER', tag: 'dentist' }, { kind: 'CHAIR', tag: null }], [{ resourceId: 'nair', durationMin: 60 }]);

describe('the service a click on a column books', () => {
  it('a service fits a column of a kind it needs, with the tag it asks for', () => {
    expect(serviceFits(cleaning, dentist)).toBe(true);
    expect(serviceFits(cleaning, chair)).toBe(true);
    expect(serviceFits(massage, dentist)).toBe(false);
  });

  it('a service with practitioners listed fits only their columns (and still the other kinds it needs)', () => {
    expect(serviceFits(implant, dentist)).toBe(true);
    expect(serviceFits(implant, otherDentist)).toBe(false);
    expect(serviceFits(implant, chair)).toBe(true);
  });

  it('the preferred service wins where it fits, else the first that fits, else none', () => {
    expect(serviceForColumn([massage, cleaning], dentist, 'cleaning')?.id).toBe('cleaning');
    expect(serviceForColumn([cleaning, massage], { id: 'shaw', kind: 'PRACTITIONER', tags: ['therapist'] }, 'cleaning')?.id).toBe('massage');
    expect(serviceForColumn([massage], { id: 'room', kind: 'ROOM', tags: [] }, '')).toBeNull();
    expect(serviceForColumn([implant, cleaning], otherDentist, 'implant')?.id).toBe('cleaning');
  });

  it("a practitioner's own length, else the service's", () => {
    expect(lengthWith(implant, 'nair')).toBe(60);
    expect(lengthWith(implant, 'kim')).toBe(30);
    expect(lengthWith(implant, undefined)).toBe(30);
  });
});
