import { describe, expect, it } from 'vitest';
import { newPassword } from '@frontdesk/shared';
import { temporaryPassword } from './temporary-password.js';

describe('a temporary password the server makes', () => {
  it('passes the password policy, reads without look-alike characters, and differs every time', () => {
    const made = Array.from({ length: 200 }, temporaryPassword);
    for (const password of made) {
      expect(newPassword.safeParse(password).success).toBe(true);
      expect(password).toMatch(/^[a-hj-km-np-z2-9]{5}-[a-hj-km-np-z2-9]{5}-[a-hj-km-np-z2-9]{5}$/);
    }
    expect(new Set(made).size).toBe(made.length);
  });
});
