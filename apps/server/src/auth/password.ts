import { hash, verify } from '@node-rs/argon2';

// Argon2id, memory-hard. Parameters follow OWASP's minimum (19 MiB, t=2).
const OPTIONS = { algorithm: 2 /* Argon2id */, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** The parameter part of every hash we make, e.g. `$argon2id$v=19$m=19456,t=2,p=1$`. */
export const HASH_PARAMS = `$argon2id$v=19$m=${OPTIONS.memoryCost},t=${OPTIONS.timeCost},p=${OPTIONS.parallelism}$`;

/**
 * Sign-ins for unknown (or disabled) accounts are checked against this hash of
 * a random secret nobody knows, with the same parameters as real hashes, so
 * they cost one full verification too and timing does not tell which emails
 * exist. Fixed text: no first-call warm-up that would itself be measurable.
 */
export const DUMMY_HASH = `${HASH_PARAMS}FT5fDCcgWYGv1gKoY97vfA$rU10cQFl7f4elcgp+C6LZKJ2HFun4zk04qTWMFkCZY4`;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}
