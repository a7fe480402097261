import type { AppointmentView } from '@frontdesk/shared';
import { clock } from '../../lib/time.js';
import { useNow } from '../../lib/use-now.js';

/** "12 min", "1 h 5 min". */
export function minutesInWords(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const h = Math.floor(minutes / 60);
  return h === 0 ? `${minutes} min` : minutes % 60 === 0 ? `${h} h` : `${h} h ${minutes % 60} min`;
}

/**
 * The visit's steps with their times: arrived, in consultation, completed;
 * while the patient waits, how long ("waiting 12 min"), then how long they waited.
 */
export function VisitProgress({ appointment, timeZone }: { appointment: AppointmentView; timeZone: string }) {
  const now = useNow(30_000);
  const { checkedInAt, consultationStartedAt, completedAt } = appointment;
  if (!checkedInAt && !consultationStartedAt && !completedAt) return null;
  const waitedUntil = consultationStartedAt ?? completedAt;
  const waiting = checkedInAt ? (waitedUntil ? Date.parse(waitedUntil) : now) - Date.parse(checkedInAt) : null;
  return (
    <ol className="visit-progress" data-testid="visit-progress" aria-label="Visit progress">
      {checkedInAt && (
        <li data-testid="progress-arrived">
          Arrived <strong>{clock(checkedInAt, timeZone)}</strong>
          {waiting !== null && (
            <span className={`waiting${waitedUntil ? '' : ' now'}`} data-testid="waiting-time">
              {waitedUntil ? `waited ${minutesInWords(waiting)}` : `waiting ${minutesInWords(waiting)}`}
            </span>
          )}
        </li>
      )}
      {consultationStartedAt && (
        <li data-testid="progress-consultation">
          In consultation <strong>{clock(consultationStartedAt, timeZone)}</strong>
        </li>
      )}
      {completedAt && (
        <li data-testid="progress-completed">
          Completed <strong>{clock(completedAt, timeZone)}</strong>
          {consultationStartedAt && Date.parse(completedAt) - Date.parse(consultationStartedAt) >= 60_000 && <span className="muted"> · {minutesInWords(Date.parse(completedAt) - Date.parse(consultationStartedAt))} with the practitioner</span>}
        </li>
      )}
    </ol>
  );
}
