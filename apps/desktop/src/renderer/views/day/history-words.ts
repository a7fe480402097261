import { localDateOf } from '@frontdesk/shared';
import { clock } from '../../lib/time.js';

// The audit trail's lines keep instants as ISO text; the desk writes them as
// the branch's wall clock: "Moved GP consultation from 10:00 to 10:30". Pure,
// so it is tested alone.

const INSTANT = /\d{4}-\d\d-\d\dT[\d:.]+Z/g;

/** A summary with each instant as a time in `timeZone`; with its date too when the line spans days ("from Mon 23 Nov 16:00 to Tue 24 Nov 09:00"). */
export function readableSummary(summary: string, timeZone: string): string {
  const instants = summary.match(INSTANT) ?? [];
  const days = new Set(instants.map((iso) => localDateOf(Date.parse(iso), timeZone)));
  const withDate = days.size > 1;
  return summary.replace(INSTANT, (iso) => (withDate ? `${shortDate(iso, timeZone)} ${clock(iso, timeZone)}` : clock(iso, timeZone)));
}

function shortDate(iso: string, timeZone: string): string {
  return new Date(iso).toLocaleDateString('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short' });
}
