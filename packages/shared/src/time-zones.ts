import { isValidTimeZone } from './time.js';

// The IANA time zones a branch may use: what this runtime's Intl lists, plus UTC.
// The desk offers its own runtime's list; the server decides with its own.

let listed: readonly string[] | null = null;
let listedSet: ReadonlySet<string> | null = null;

/** Every zone name Intl lists here, and UTC, sorted. */
export function supportedTimeZones(): readonly string[] {
  if (!listed) listed = [...new Set([...Intl.supportedValuesOf('timeZone'), 'UTC'])].sort();
  return listed;
}

/**
 * A zone Intl lists, or another name for one (Asia/Kolkata where this
 * runtime lists Asia/Calcutta): desks and server may carry different ICU data.
 */
export function isSupportedTimeZone(zone: string): boolean {
  listedSet ??= new Set(supportedTimeZones());
  if (listedSet.has(zone)) return true;
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(zone) || !isValidTimeZone(zone)) return false;
  try {
    return listedSet.has(new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone);
  } catch {
    return false;
  }
}
