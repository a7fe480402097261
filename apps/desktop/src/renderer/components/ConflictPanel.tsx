import type { SlotSuggestion } from '@frontdesk/shared';
import { clock, prettyDate } from '../lib/time.js';

export interface Conflict {
  sentence: string;
  alternatives: SlotSuggestion[];
}

export function ConflictPanel({
  conflict,
  timeZoneOf,
  nameOf,
  onTake,
  onDismiss,
  disabled,
}: {
  conflict: Conflict;
  timeZoneOf: (branchId: string) => string;
  nameOf: (resourceId: string) => string;
  onTake: (slot: SlotSuggestion) => void;
  onDismiss: () => void;
  disabled: boolean;
}) {
  return (
    <div className="conflict" data-testid="conflict-panel" role="alert">
      <p className="conflict-sentence">{conflict.sentence}</p>
      {conflict.alternatives.length > 0 ? (
        <>
          <p className="muted">The nearest free times — one click takes it:</p>
          <ul className="alternatives">
            {conflict.alternatives.map((slot, i) => {
              const tz = timeZoneOf(slot.branchId);
              return (
                <li key={`${slot.startsAt}-${slot.resourceIds.join()}`}>
                  <button data-testid={`alternative-${i}`} disabled={disabled} onClick={() => onTake(slot)}>
                    <strong>{clock(slot.startsAt, tz)}</strong> {prettyDate(new Date(slot.startsAt).toLocaleDateString('en-CA', { timeZone: tz }))}
                    <span className="muted"> · {slot.resourceIds.map(nameOf).join(' + ')}</span>
                  </button>
                </li>
              );
            })}
          </ul>
        </>
      ) : (
        <p className="muted">No free time nearby. Try the finder (F).</p>
      )}
      <button className="link" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
