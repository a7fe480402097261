import { randomInt } from 'node:crypto';
import { newPassword } from '@frontdesk/shared';

// Letters and digits nobody misreads when the password is read out or copied from a note (no 0/o, 1/l/i).
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

function group(length: number): string {
  return Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
}

/**
 * A temporary password the server makes when the person setting one up
 * leaves it to the server: three groups of five, e.g. "kx7mp-2qa9w-trh4c"
 * (about 74 bits), and always one the password policy accepts.
 */
export function temporaryPassword(): string {
  for (;;) {
    const password = [group(5), group(5), group(5)].join('-');
    if (newPassword.safeParse(password).success) return password;
  }
}
