import { describe, expect, it } from 'vitest';
import { newPassword } from '@frontdesk/shared';
import { passwordStrength } from './password-strength.js';

describe('the strength hint beside a new password', () => {
  it('calls weak exactly what the server refuses, and grades the rest', () => {
    for (const password of ['', 'short', 'elevenchars', 'abababababababab', 'aaaaaaaaaaaaaaaaaaaa']) {
      expect(passwordStrength(password).level, password).toBe('weak');
      expect(newPassword.safeParse(password).success, password).toBe(false);
    }
    for (const password of ['twelve chars', 'mapleriver77', 'tide pool orange 42', 'a long phrase of plain words']) {
      expect(passwordStrength(password).level, password).not.toBe('weak');
      expect(newPassword.safeParse(password).success, password).toBe(true);
    }
    expect(passwordStrength('twelve chars').level).toBe('fair');
    expect(passwordStrength('tide pool orange 42').level).toBe('strong');
  });
});
