import { describe, expect, it } from 'vitest';
import { nextResourceColour, RESOURCE_COLOURS, resourceCreateInput } from './resource-schemas.js';

describe('a new resource’s colour', () => {
  it('is the first palette colour nobody uses yet', () => {
    expect(nextResourceColour([])).toBe(RESOURCE_COLOURS[0]);
    expect(nextResourceColour([RESOURCE_COLOURS[0], RESOURCE_COLOURS[1].toUpperCase(), '#123456'])).toBe(RESOURCE_COLOURS[2]);
  });

  it('once every colour is taken, the least used one', () => {
    const used = [...RESOURCE_COLOURS, ...RESOURCE_COLOURS.slice(0, 4), RESOURCE_COLOURS[6]];
    expect(nextResourceColour(used)).toBe(RESOURCE_COLOURS[4]);
  });
});

describe('resource input', () => {
  it('keeps tags lower-case and once each, colours lower-case', () => {
    const parsed = resourceCreateInput.parse({ kind: 'ROOM', name: ' Room 3 ', tags: ['Consult', 'consult ', 'X-ray'], branchIds: ['0b7c3c44-8d0e-4a0e-9d7c-1f1f1f1f1f1f'], colour: '#ABCDEF' });
    expect(parsed).toMatchObject({ name: 'Room 3', tags: ['consult', 'x-ray'], colour: '#abcdef' });
  });
});
