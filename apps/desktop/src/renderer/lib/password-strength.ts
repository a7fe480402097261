import { PASSWORD_MIN_CHARS } from '@frontdesk/shared';

// A hint while a new password is typed; the server's policy (packages/shared
// newPassword) still decides what is accepted.

export interface Strength {
  level: 'weak' | 'fair' | 'strong';
  words: string;
}

export function passwordStrength(password: string): Strength {
  if (password.length < PASSWORD_MIN_CHARS) {
    return { level: 'weak', words: `Too short: at least ${PASSWORD_MIN_CHARS} characters. A few words make a good one.` };
  }
  if (new Set(password).size <= 2) return { level: 'weak', words: 'Too simple: use more than one or two different characters.' };
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((kind) => kind.test(password)).length;
  if (password.length >= 20 || (password.length >= 16 && kinds >= 2)) return { level: 'strong', words: 'Strong.' };
  return { level: 'fair', words: 'Good enough. Another word makes it stronger.' };
}
