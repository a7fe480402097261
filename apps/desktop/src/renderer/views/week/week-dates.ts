import { addDays } from '../../lib/time.js';

/** The seven dates (Monday first) of the week holding `date` (YYYY-MM-DD). */
export function weekOf(date: string): string[] {
  const dow = new Date(`${date}T12:00:00Z`).getUTCDay(); // 0 = Sunday
  const monday = addDays(date, -((dow + 6) % 7));
  return Array.from({ length: 7 }, (_, i) => addDays(monday, i));
}

/** "Mon 23" for a column head. */
export function shortDay(date: string): string {
  return new Date(`${date}T12:00:00Z`).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', timeZone: 'UTC' });
}
