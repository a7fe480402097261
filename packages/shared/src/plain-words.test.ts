import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loginInput } from './auth-schemas.js';
import { asSentence, fieldLabel } from './plain-words.js';
import { holdInput } from './schemas.js';

const first = (schema: z.ZodType, input: unknown) => {
  const result = schema.safeParse(input);
  if (result.success) throw new Error('expected a refusal');
  return result.error.issues[0]!.message;
};

describe('schema refusals in plain words', () => {
  it("a field's name as a person reads it", () => {
    expect([fieldLabel(['startsAt']), fieldLabel(['patientId']), fieldLabel(['resourceIds', 0]), fieldLabel([])]).toEqual(['Starts at', 'Patient', 'Resources', 'This']);
  });

  it('limits stated without a message are sentences naming the field, never "Too small: expected string to have >=1 characters"', () => {
    expect(first(loginInput, { email: 'a@b.example', password: '' })).toBe('Password cannot be empty.');
    expect(first(loginInput, { email: 'nope', password: 'x' })).toBe('Enter an email address, e.g. name@clinic.example.');
    expect(first(loginInput, { password: 'x' })).toBe('Email is needed.');
    expect(first(z.object({ count: z.number().max(3) }), { count: 9 })).toBe('Count must be at most 3.');
    expect(first(z.object({ kind: z.enum(['a', 'b']) }), { kind: 'c' })).toBe('Kind must be one of: a, b.');
    expect(first(holdInput, { branchId: 'x', serviceId: 'x', startsAt: 'x' })).toBe('Branch is not a valid id.');
  });

  it("a schema's own message wins, as written", () => {
    expect(first(holdInput.pick({ holdMinutes: true }), { holdMinutes: 99 })).toBe('A hold lasts 1 to 30 minutes.');
  });

  it('any message reads as a sentence', () => {
    expect([asSentence('weekday is 1 to 7'), asSentence('Already one.'), asSentence('')]).toEqual(['Weekday is 1 to 7.', 'Already one.', '']);
  });
});
