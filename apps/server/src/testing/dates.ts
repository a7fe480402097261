import { DateTime } from 'luxon';
import { localMinuteToInstant } from '@frontdesk/shared';

// Dates for tests in a clinic's zone (New York unless said): far enough ahead that nothing else is booked there.

const NY = 'America/New_York';

/** The ISO date of the Monday k weeks after the next Monday at least two days away. */
export function monday(k = 0, zone = NY): string {
  let d = DateTime.now().setZone(zone).startOf('day').plus({ days: 2 });
  while (d.weekday !== 1) d = d.plus({ days: 1 });
  return d.plus({ weeks: k }).toISODate()!;
}

/** An ISO date n days after another. */
export const plusDays = (date: string, n: number): string => DateTime.fromISO(date).plus({ days: n }).toISODate()!;

/** An instant from a local date and HH:mm wall time. */
export const local = (date: string, hhmm: string, zone = NY): Date => new Date(localMinuteToInstant(date, Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5)), zone));
