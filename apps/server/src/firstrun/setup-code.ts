import { createHash, randomInt } from 'node:crypto';
import { normaliseSetupCode, SETUP_CODE_ALPHABET } from '@frontdesk/shared';

// The one-time code that lets someone away from the server's machine run the
// first run. Each server process makes one at start while no organisation
// exists and prints it; the database keeps only its hash, so any process
// accepts any code printed, and the first run deletes them all.

/** A new code: twelve letters and digits (about 59 bits), in groups of four, e.g. "K7QM-2XRP-HW9C". */
export function newSetupCode(): string {
  const raw = Array.from({ length: 12 }, () => SETUP_CODE_ALPHABET[randomInt(SETUP_CODE_ALPHABET.length)]).join('');
  return raw.match(/.{4}/g)!.join('-');
}

/**
 * What is kept and compared: the SHA-256 of the code as typed, without case,
 * spaces or dashes. Comparing hashes takes the same time whatever was typed
 * as far as the code is concerned: a near miss shares nothing with its hash.
 */
export function setupCodeHash(code: string): string {
  return createHash('sha256').update(normaliseSetupCode(code)).digest('hex');
}
