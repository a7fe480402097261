import type { AppointmentView } from '@frontdesk/shared';
import { mmss } from '../../lib/time.js';

/** How long the hold has left, +5 min, and what to do once it is gone. */
export function HoldBar({
  appointment,
  left,
  online,
  busy,
  onExtend,
  onRehold,
}: {
  appointment: AppointmentView;
  /** Seconds left on the hold. */
  left: number;
  online: boolean;
  busy: boolean;
  onExtend: () => void;
  onRehold: () => void;
}) {
  const held = appointment.status === 'HELD';
  const gone = !held || left === 0;
  return (
    <>
      <div className={`holdbar ${left < 60 ? 'urgent' : ''}`}>
        {held ? (
          <>
            <span data-testid="hold-countdown">{left > 0 ? `Held for you: ${mmss(left)}` : 'The hold has expired'}</span>
            <button data-testid="hold-extend" disabled={!online || busy} onClick={onExtend}>
              +5 min
            </button>
          </>
        ) : (
          <span data-testid="hold-countdown">{appointment.status === 'BOOKED' ? 'Booked' : `This hold is ${appointment.status.toLowerCase()}`}</span>
        )}
      </div>
      {gone && appointment.status !== 'BOOKED' && (
        <div className="conflict" data-testid="hold-lost" role="alert">
          <p>The hold expired; the time may be taken now.</p>
          <button disabled={!online} onClick={onRehold}>
            Hold it again
          </button>
        </div>
      )}
    </>
  );
}
