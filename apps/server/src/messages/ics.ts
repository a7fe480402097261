import { createEvent, type EventAttributes } from 'ics';

// The calendar attachment (RFC 5545): the appointment at its branch's local
// time with a VTIMEZONE for that zone, METHOD:REQUEST for a booking or a move
// and METHOD:CANCEL for a cancellation. The UID is the appointment's, and the
// SEQUENCE its version, so a move updates the entry already in the calendar.

export interface CalendarEntry {
  appointmentId: string;
  /** The appointment's version: grows with every change. */
  sequence: number;
  method: 'REQUEST' | 'CANCEL';
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  title: string;
  description: string;
  location: string;
  organizer: { name: string; email: string };
  attendee: { name: string; email: string };
}

export function appointmentUid(appointmentId: string): string {
  return `${appointmentId}@frontdesk`;
}

const HOUR_MS = 3_600_000;

function parts(instant: number, timeZone: string): Record<string, string> {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return Object.fromEntries(f.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
}

/** "20261124T090000": the wall-clock time in the zone, as iCalendar writes a local time. */
export function icsLocal(instant: number, timeZone: string): string {
  const p = parts(instant, timeZone);
  return `${p.year}${p.month}${p.day}T${p.hour}${p.minute}${p.second}`;
}

/** An instant already shifted to local time, written as iCalendar's local time. */
function wallClock(shifted: number): string {
  return new Date(shifted).toISOString().slice(0, 19).replace(/[-:]/g, '');
}

/** The zone's offset from UTC at an instant, in minutes. */
function offsetAt(instant: number, timeZone: string): number {
  const p = parts(instant, timeZone);
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60_000);
}

function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const m = Math.abs(minutes);
  return `${sign}${String(Math.floor(m / 60)).padStart(2, '0')}${String(m % 60).padStart(2, '0')}`;
}

/** A VTIMEZONE with the zone's transitions within a year either side of `around` (or its one offset). */
export function vtimezone(timeZone: string, around: number): string {
  const from = around - 366 * 24 * HOUR_MS;
  const to = around + 366 * 24 * HOUR_MS;
  const lines = ['BEGIN:VTIMEZONE', `TZID:${timeZone}`];
  let previous = offsetAt(from, timeZone);
  let found = 0;
  for (let t = from + 24 * HOUR_MS; t <= to; t += 24 * HOUR_MS) {
    const now = offsetAt(t, timeZone);
    if (now === previous) continue;
    // The day's change, to the minute.
    let lo = t - 24 * HOUR_MS;
    let hi = t;
    while (hi - lo > 60_000) {
      const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
      if (offsetAt(mid, timeZone) === previous) lo = mid;
      else hi = mid;
    }
    const kind = now > previous ? 'DAYLIGHT' : 'STANDARD';
    // DTSTART of an observance is the local time before the change.
    lines.push(`BEGIN:${kind}`, `DTSTART:${wallClock(hi + previous * 60_000)}`, `TZOFFSETFROM:${offsetText(previous)}`, `TZOFFSETTO:${offsetText(now)}`, `END:${kind}`);
    previous = now;
    found++;
  }
  if (found === 0) lines.push('BEGIN:STANDARD', 'DTSTART:19700101T000000', `TZOFFSETFROM:${offsetText(previous)}`, `TZOFFSETTO:${offsetText(previous)}`, 'END:STANDARD');
  lines.push('END:VTIMEZONE');
  return lines.join('\r\n') + '\r\n';
}

export function appointmentCalendar(entry: CalendarEntry): string {
  const attributes: EventAttributes = {
    uid: appointmentUid(entry.appointmentId),
    sequence: entry.sequence,
    method: entry.method,
    productId: 'frontdesk/messages',
    // Local times; the zone is put on them below (the ics package writes no TZID of its own).
    start: icsLocal(entry.startsAt.getTime(), entry.timeZone) as unknown as EventAttributes['start'],
    end: icsLocal(entry.endsAt.getTime(), entry.timeZone) as unknown as EventAttributes['start'],
    title: entry.title,
    description: entry.description,
    location: entry.location,
    status: entry.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED',
    organizer: entry.organizer,
    attendees: [{ name: entry.attendee.name, email: entry.attendee.email, rsvp: false, partstat: 'ACCEPTED', role: 'REQ-PARTICIPANT' }],
  } as EventAttributes;
  const { error, value } = createEvent(attributes);
  if (error || !value) throw error ?? new Error('the calendar entry could not be written');
  const zone = `;TZID=${entry.timeZone}:`;
  return value
    .replace(/\r\nDTSTART:/, `\r\nDTSTART${zone}`)
    .replace(/\r\nDTEND:/, `\r\nDTEND${zone}`)
    .replace('BEGIN:VEVENT\r\n', `${vtimezone(entry.timeZone, entry.startsAt.getTime())}BEGIN:VEVENT\r\n`);
}
