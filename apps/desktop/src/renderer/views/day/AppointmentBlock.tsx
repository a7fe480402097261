import type { AppointmentView } from '@frontdesk/shared';
import { clock, mmss, secondsLeft } from '../../lib/time.js';
import { densityFor, statusMark, tint, type Lane } from './grid-layout.js';

/** One appointment's part in one column of the grid, placed by the grid. */
export function AppointmentBlock({
  appointment: a,
  resourceId,
  primary,
  top,
  height,
  lane,
  colour,
  shift,
  timeZone,
  now,
  selected,
  mine,
  readOnly,
  onSelect,
  onPeek,
}: {
  appointment: AppointmentView;
  resourceId: string;
  /** The appointment's first resource: the block tests and drags address. */
  primary: boolean;
  top: number;
  height: number;
  /** Side by side with the blocks it would overlap as drawn. */
  lane: Lane;
  /** The practitioner's or the service's colour (#rrggbb), or '' for none. */
  colour: string;
  /** Minutes of a move being previewed. */
  shift: number;
  timeZone: string;
  now: number;
  selected: boolean;
  mine: boolean;
  readOnly: boolean;
  onSelect: (a: AppointmentView) => void;
  /** Hover or keyboard focus: the full details beside the block (null: gone). */
  onPeek: (a: AppointmentView | null, anchor?: HTMLElement) => void;
}) {
  const density = densityFor(height);
  const mark = statusMark(a.status);
  const name = a.patient?.name ?? (a.status === 'HELD' ? 'Being booked…' : 'Booked');
  const held = a.status === 'HELD';
  const countdown = held && (
    <span className="countdown" data-testid={`hold-countdown-${a.id}`}>
      {mine ? 'your hold' : 'held'} {mmss(secondsLeft(a.holdExpiresAt, now))}
    </span>
  );
  const badge = (
    <span className={`status-badge b-${a.status.toLowerCase()}`} data-testid={primary ? `appt-status-${a.id}` : undefined}>
      <span aria-hidden="true">{mark.icon}</span> {held ? countdown : mark.text}
    </span>
  );
  const classes = ['appt', `s-${a.status.toLowerCase()}`, `d-${density}`, selected && 'selected', mine && 'mine', !primary && 'secondary', colour && 'coloured'];
  const width = 100 / lane.lanes;
  const start = clock(Date.parse(a.startsAt) + shift * 60_000, timeZone);
  return (
    <div
      className={classes.filter(Boolean).join(' ')}
      data-testid={primary ? `appt-${a.id}` : `appt-part-${a.id}-${resourceId}`}
      data-status={a.status}
      data-density={density}
      role="button"
      tabIndex={0}
      aria-label={`${start} ${name}, ${mark.text}, ${a.serviceName}`}
      style={{
        top,
        height,
        left: `calc(${width * lane.lane}% + 3px)`,
        width: `calc(${width}% - 6px)`,
        right: 'auto',
        ...(colour ? { background: tint(colour), borderLeftColor: colour } : {}),
      }}
      draggable={!readOnly && (a.status === 'BOOKED' || a.status === 'CHECKED_IN')}
      onDragStart={(e) => {
        onPeek(null);
        e.dataTransfer.setData('text/plain', `${a.id}|${resourceId}`);
        e.dataTransfer.effectAllowed = 'move';
      }}
      onClick={(e) => {
        e.stopPropagation();
        onSelect(a);
      }}
      onKeyDown={(e) => {
        if (e.key !== 'Enter' && e.key !== ' ') return;
        e.preventDefault();
        onSelect(a);
      }}
      onMouseEnter={(e) => onPeek(a, e.currentTarget)}
      onMouseLeave={() => onPeek(null)}
      onFocus={(e) => onPeek(a, e.currentTarget)}
      onBlur={() => onPeek(null)}
    >
      {density === 'line' ? (
        // One line: the status's icon (a shape, not a colour), the name, then the status's word as room allows.
        <div className="appt-line">
          {/* The time is the block's place in the grid; written out for screen readers and the details. */}
          <span className="sr-only">{start} </span>
          <span className={`status-icon b-${a.status.toLowerCase()}`} aria-hidden="true">
            {mark.icon}
          </span>
          <span className="appt-what">
            {name}
            <span className="appt-word" data-testid={primary ? `appt-status-${a.id}` : undefined}>
              {' · '}
              {held ? countdown : mark.text}
            </span>
          </span>
        </div>
      ) : (
        <>
          <div className="appt-time">
            {start}
            {badge}
          </div>
          <div className="appt-what">
            {name}
            {a.keptOutsideHours && primary && (
              <span className="kept-badge" data-testid="kept-outside-hours" title="Kept on purpose when the hours changed: outside the working hours now.">
                kept
              </span>
            )}
          </div>
        </>
      )}
      {density === 'line' && a.keptOutsideHours && primary && (
        <span className="kept-badge" data-testid="kept-outside-hours" title="Kept on purpose when the hours changed: outside the working hours now.">
          kept
        </span>
      )}
      <div className="appt-svc muted">{a.serviceName}</div>
    </div>
  );
}

/** The full details of the appointment under the pointer or the keyboard focus. */
export function AppointmentPeek({ appointment: a, anchor, timeZone, resourceName }: { appointment: AppointmentView; anchor: HTMLElement; timeZone: string; resourceName: (id: string) => string }) {
  const box = anchor.getBoundingClientRect();
  const mark = statusMark(a.status);
  const right = box.right + 280 < window.innerWidth;
  return (
    <div
      className="appt-peek"
      role="tooltip"
      data-testid="appt-peek"
      style={{ top: Math.min(box.top, window.innerHeight - 170), left: right ? box.right + 6 : Math.max(4, box.left - 276) }}
    >
      <strong>{a.patient?.name ?? (a.status === 'HELD' ? 'Being booked…' : 'Booked')}</strong>
      <div>
        {clock(a.startsAt, timeZone)}–{clock(a.endsAt, timeZone)} · {a.serviceName}
      </div>
      <div>
        <span aria-hidden="true">{mark.icon}</span> {mark.text}
        {a.keptOutsideHours ? ' · kept outside hours' : ''}
      </div>
      <div className="muted">{a.resources.map((r) => resourceName(r.resourceId)).join(' · ')}</div>
      {a.patient?.phone && <div className="muted">{a.patient.phone}</div>}
      {a.note && <div className="peek-note">{a.note}</div>}
    </div>
  );
}
