import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { normaliseSetupCode, SETUP_CODE_ALPHABET } from '@frontdesk/shared';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * The one-time code that lets someone away from the server's machine run the
 * first run: made at start while no organisation exists, printed in the
 * server's log, and gone once an organisation is made. It lives in this
 * process only: another server process prints a code of its own.
 */
export class SetupCode {
  private current: string | null = null;

  /** A new code, replacing any earlier one: twelve letters and digits (about 59 bits), shown in groups of four. */
  issue(): string {
    const raw = Array.from({ length: 12 }, () => SETUP_CODE_ALPHABET[randomInt(SETUP_CODE_ALPHABET.length)]).join('');
    this.current = raw;
    return raw.match(/.{4}/g)!.join('-');
  }

  /** Whether `presented` is the code, compared in constant time; always false once it is gone. */
  matches(presented: string): boolean {
    const expected = this.current;
    // Hashing first gives equal lengths, so the comparison takes the same time whatever was typed.
    const same = timingSafeEqual(digest(normaliseSetupCode(presented)), digest(expected ?? ''));
    return expected !== null && same;
  }

  consume(): void {
    this.current = null;
  }
}
