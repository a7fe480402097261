import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readLink, signLink, verifyLink } from './links.js';

const secret = randomBytes(32);
const claims = { tenantId: '0b7f2c1e-3a4d-4e5f-8a9b-0c1d2e3f4a5b', messageId: '1c8e3d2f-4b5e-4f60-9bac-1d2e3f4a5b6c', purpose: 'answer' as const, expires: 2_000_000_000 };

describe('patient links', () => {
  it('a signed link verifies until it expires, and says which message it is for', () => {
    const token = signLink(secret, claims);
    expect(readLink(token)).toEqual(claims);
    expect(verifyLink(secret, token, new Date(1_999_999_999_000))).toBe(true);
    expect(verifyLink(secret, token, new Date(2_000_000_000_000))).toBe(false);
  });

  it('another key, another message or a changed expiry fails', () => {
    const token = signLink(secret, claims);
    expect(verifyLink(randomBytes(32), token, new Date(0))).toBe(false);
    expect(verifyLink(secret, token.replace(claims.messageId, claims.tenantId), new Date(0))).toBe(false);
    expect(verifyLink(secret, token.replace('.2000000000.', '.2000000001.'), new Date(0))).toBe(false);
    expect(readLink('nonsense')).toBeNull();
  });
});
