import { describe, expect, it } from 'vitest';
import { foldText, formatPhone, normalisePhone, parsePatientQuery, readDate } from './patient-schemas.js';
import { countryOfTimeZone } from './zone-countries.js';

describe('phone numbers are kept in E.164 and shown formatted', () => {
  it('reads a number in any format, local ones in the branch country', () => {
    for (const typed of ['+1 (212) 555-1003', '001 212 555 1003', '212-555-1003', '(212) 555 1003', '2125551003']) {
      expect(normalisePhone(typed, 'US')).toEqual({ ok: true, e164: '+12125551003' });
    }
    expect(normalisePhone('020 7946 0000', 'GB')).toEqual({ ok: true, e164: '+442079460000' });
    expect(normalisePhone('06 12 34 56 78', 'FR')).toEqual({ ok: true, e164: '+33612345678' });
    // An international number is read as such whatever the branch's country.
    expect(normalisePhone('+44 20 7946 0000', 'US')).toEqual({ ok: true, e164: '+442079460000' });
  });

  it('refuses in plain words what cannot be a number', () => {
    expect(normalisePhone('12', 'US')).toMatchObject({ ok: false });
    expect(normalisePhone('call me', 'US')).toEqual({ ok: false, message: 'A phone number has only digits, spaces and ( ) - + .' });
    expect(normalisePhone('2125551003', null)).toEqual({ ok: false, message: 'Start the number with + and the country code, e.g. +44 20 7946 0000.' });
    const long = normalisePhone('+1 212 555 1003 1234 5', 'US');
    expect(long.ok).toBe(false);
  });

  it('formats E.164 for reading and leaves anything else as it is', () => {
    expect(formatPhone('+12125551003')).toBe('+1 212 555 1003');
    expect(formatPhone('+442079460000')).toBe('+44 20 7946 0000');
    expect(formatPhone('ext. 12')).toBe('ext. 12');
  });

  it('a branch time zone names the country numbers are read in', () => {
    expect(countryOfTimeZone('America/Chicago')).toBe('US');
    expect(countryOfTimeZone('Europe/London')).toBe('GB');
    expect(countryOfTimeZone('Asia/Kolkata')).toBe('IN');
    expect(countryOfTimeZone('UTC')).toBeNull();
  });
});

describe('a search box is read as name words, a phone, a date of birth or an id', () => {
  it('folds accents, case and punctuation the way the database does', () => {
    expect(foldText('José-María  GARCÍA')).toBe('jose maria garcia');
    expect(foldText('Søren Ærø Straße')).toBe('soren aero strasse');
  });

  it('name words in any order', () => {
    expect(parsePatientQuery('garcia chl', 'US')).toMatchObject({ nameTokens: ['garcia', 'chl'], phoneDigits: null, phoneE164: null, datesOfBirth: [] });
    expect(parsePatientQuery('Jose', 'US').nameTokens).toEqual(['jose']);
  });

  it('a phone in any format: its digits, and the whole number when it is one', () => {
    expect(parsePatientQuery('(212) 555-1003', 'US')).toMatchObject({ nameTokens: [], phoneDigits: '2125551003', phoneE164: '+12125551003' });
    expect(parsePatientQuery('555 1003', 'US')).toMatchObject({ nameTokens: [], phoneDigits: '5551003', phoneE164: null });
  });

  it('dates of birth, ISO or day/month, both readings when ambiguous', () => {
    expect(readDate('1985-03-04')).toEqual(['1985-03-04']);
    expect(readDate('24/03/1985')).toEqual(['1985-03-24']);
    expect(readDate('03/24/1985')).toEqual(['1985-03-24']);
    expect(readDate('04.03.1985').sort()).toEqual(['1985-03-04', '1985-04-03']);
    expect(readDate('31/02/1985')).toEqual([]);
    expect(parsePatientQuery('garcia 1985-03-04', 'US')).toMatchObject({ nameTokens: ['garcia'], datesOfBirth: ['1985-03-04'], idKey: null });
  });

  it('an id as printed on a card', () => {
    expect(parsePatientQuery('ab-123 456', 'US').idKey).toBe('AB123456');
  });
});
