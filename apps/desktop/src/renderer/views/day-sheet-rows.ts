import type { AppointmentView, DayView } from '@frontdesk/shared';
import { clock } from '../lib/time.js';

// The day sheet's rows and its CSV, from a day view: pure, so they are tested alone.

/**
 * A hold that ran out or was let go was never an appointment (nor a
 * cancellation): the sheet leaves it out unless asked. Older databases wrote
 * a released hold as CANCELLED with this reason.
 */
export function isLapsedHold(a: Pick<AppointmentView, 'status' | 'cancelReason'>): boolean {
  return a.status === 'EXPIRED' || a.status === 'RELEASED' || (a.status === 'CANCELLED' && a.cancelReason === 'Hold released');
}

/** The sheet's rows, in start order. */
export function sheetRows(day: DayView, showLapsedHolds = false) {
  const name = (id: string) => day.resources.find((r) => r.id === id)?.name ?? '';
  const isPractitioner = (id: string) => day.resources.find((r) => r.id === id)?.kind === 'PRACTITIONER';
  return day.appointments
    .filter((a) => showLapsedHolds || !isLapsedHold(a))
    .map((a: AppointmentView) => ({
      id: a.id,
      start: clock(a.startsAt, day.timeZone),
      end: clock(a.endsAt, day.timeZone),
      with: a.resources.map((r) => name(r.resourceId)).filter(Boolean).join(' + '),
      /** The practitioner the row is grouped under ('' when none). */
      practitioner: name(a.resources.find((r) => isPractitioner(r.resourceId))?.resourceId ?? ''),
      patient: a.patient?.name ?? '',
      phone: a.patient?.phone ?? '',
      service: a.serviceName,
      status: a.status,
      note: a.note,
      /** Kept on purpose outside working hours (a setup change would have moved or cancelled it). */
      kept: a.keptOutsideHours,
    }));
}

function csvCell(v: string): string {
  // Quote everything; neutralise spreadsheet formulas.
  const safe = /^[=+\-@]/.test(v) ? `'${v}` : v;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** The sheet as CSV: what the sheet shows (lapsed holds only when shown). */
export function toCsv(day: DayView, showLapsedHolds = false): string {
  // Practitioner last, so the earlier columns stay where spreadsheets expect them.
  const header = ['Start', 'End', 'With', 'Patient', 'Phone', 'Service', 'Status', 'Note', 'Practitioner'];
  const lines = sheetRows(day, showLapsedHolds).map((r) => [r.start, r.end, r.with, r.patient, r.phone, r.service, r.status, r.note, r.practitioner].map(csvCell).join(','));
  return [header.map(csvCell).join(','), ...lines].join('\r\n') + '\r\n';
}
