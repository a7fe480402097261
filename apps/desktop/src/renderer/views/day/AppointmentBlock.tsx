import type { AppointmentView } from '@frontdesk/shared';
import { clock, mmss, secondsLeft } from '../../lib/time.js';

/** One appointment's part in one column of the grid, placed by the grid. */
export function AppointmentBlock({
  appointment: a,
  resourceId,
  primary,
  top,
  height,
  shift,
  timeZone,
  now,
  selected,
  mine,
  readOnly,
  onSelect,
}: {
  appointment: AppointmentView;
  resourceId: string;
  /** The appointment's first resource: the block tests and drags address. */
  primary: boolean;
  top: number;
  height: number;
  /** Minutes of a move being previewed. */
  shift: number;
  timeZone: string;
  now: number;
  selected: boolean;
  mine: boolean;
  readOnly: boolean;
  onSelect: (a: AppointmentView) => void;
}) {
  const classes = ['appt', `s-${a.status.toLowerCase()}`, selected && 'selected', mine && 'mine', !primary && 'secondary', height < 36 && 'short'];
  return (
    <div
      className={classes.filter(Boolean).join(' ')}
      data-testid={primary ? `appt-${a.id}` : `appt-part-${a.id}-${resourceId}`}
      data-status={a.status}
      style={{ top, height }}
      draggable={!readOnly && (a.status === 'BOOKED' || a.status === 'CHECKED_IN')}
      onDragStart={(e) => {
        e.dataTransfer.setData('text/plain', `${a.id}|${resourceId}`);
        e.dataTransfer.effectAllowed = 'move';
      }}
      onClick={(e) => {
        e.stopPropagation();
        onSelect(a);
      }}
      title={`${a.serviceName} ${clock(a.startsAt, timeZone)}–${clock(a.endsAt, timeZone)}`}
    >
      <div className="appt-time">
        {clock(Date.parse(a.startsAt) + shift * 60_000, timeZone)}
        {a.status === 'HELD' ? (
          <span className="countdown" data-testid={`hold-countdown-${a.id}`}>
            {mine ? 'your hold' : 'held'} {mmss(secondsLeft(a.holdExpiresAt, now))}
          </span>
        ) : (
          <span className="status">{a.status === 'CHECKED_IN' ? 'arrived' : a.status.toLowerCase()}</span>
        )}
      </div>
      <div className="appt-what">
        {a.patient?.name ?? (a.status === 'HELD' ? 'Being booked…' : 'Booked')}
        {a.keptOutsideHours && primary && (
          <span className="kept-badge" data-testid="kept-outside-hours" title="Kept on purpose when the hours changed: outside the working hours now.">
            kept
          </span>
        )}
      </div>
      <div className="appt-svc muted">{a.serviceName}</div>
    </div>
  );
}
