import { describe, expect, it } from 'vitest';
import type { Service } from '../../lib/types.js';
import { serviceForColumn, serviceFits } from './service-fit.js';

function service(id: string, requirements: Service['requirements']): Service {
  return { id, name: id, durationMin: 30, bufferBeforeMin: 0, bufferAfterMin: 0, basePriceCents: 0, requirements, prices: [] };
}

const dentist = { kind: 'PRACTITIONER', tags: ['dentist'] };
const chair = { kind: 'CHAIR', tags: [] };
const cleaning = service('cleaning', [{ kind: 'PRACTITIONER', tag: 'dentist' }, { kind: 'CHAIR', tag: null }]);
const massage = service('massage', [{ kind: 'PRACTITIONER', tag: 'therapist' }]);

describe('the service a click on a column books', () => {
  it('a service fits a column of a kind it needs, with the tag it asks for', () => {
    expect(serviceFits(cleaning, dentist)).toBe(true);
    expect(serviceFits(cleaning, chair)).toBe(true);
    expect(serviceFits(massage, dentist)).toBe(false);
  });

  it('the preferred service wins where it fits, else the first that fits, else none', () => {
    expect(serviceForColumn([massage, cleaning], dentist, 'cleaning')?.id).toBe('cleaning');
    expect(serviceForColumn([cleaning, massage], { kind: 'PRACTITIONER', tags: ['therapist'] }, 'cleaning')?.id).toBe('massage');
    expect(serviceForColumn([massage], { kind: 'ROOM', tags: [] }, '')).toBeNull();
  });
});
