import { useState } from 'react';
import type { AppointmentView, SlotSuggestion } from '@frontdesk/shared';
import { useHold, useMove } from '../../commands/booking.js';
import type { Conflict } from '../../components/ConflictPanel.js';
import { clock } from '../../lib/time.js';

// Holding and moving from the day grid, and the conflict either leaves
// behind: taking one of its alternatives retries the same command there.

export interface HoldRequest {
  branchId: string;
  startsAt: string;
  resourceIds: string[];
  serviceId: string;
}

export interface MoveRequest {
  appointment: AppointmentView;
  startsAt: string;
  fromResource: string;
  toResource: string;
}

export type DayConflict = Conflict & { retry: 'hold' | { move: AppointmentView } };

export function useDayCommands({
  online,
  timeZone,
  preferredServiceId,
  currentHold,
  patientId,
  onHeld,
  onHoldLost,
  onStale,
  onNotice,
}: {
  online: boolean;
  timeZone: string;
  preferredServiceId: string;
  /** The hold this desk is booking now, if any: a new hold replaces it on the server, in one transaction. */
  currentHold: () => string | null;
  /** The patient already chosen for the booking, held with the new time (a clash shows at once). */
  patientId: () => string | undefined;
  onHeld: (appointmentId: string) => void;
  /** A new hold was refused after the previous one was let go (the desk moved on): close its panel. */
  onHoldLost: () => void;
  /** A move was refused because the appointment changed meanwhile: show it as it is now. */
  onStale: (appointmentId: string) => void;
  onNotice: (message: string) => void;
}) {
  const hold = useHold();
  const move = useMove();
  const [conflict, setConflict] = useState<DayConflict | null>(null);
  const [lastHoldService, setLastHoldService] = useState('');

  const holdSlot = (request: HoldRequest) => {
    if (!online) return;
    setConflict(null);
    setLastHoldService(request.serviceId);
    const replacing = currentHold();
    const patient = patientId();
    hold.run(
      { ...request, ...(replacing ? { replacingHoldId: replacing } : {}), ...(patient ? { patientId: patient } : {}) },
      {
        onDone: (held) => onHeld(held.id),
        onRefused: (refusal) => {
          if (replacing) onHoldLost();
          setConflict({ ...refusal, retry: 'hold' });
        },
      },
    );
  };

  /** Moves an appointment; `onSettled` runs once the server has answered either way. */
  const commitMove = ({ appointment, startsAt, fromResource, toResource }: MoveRequest, onSettled?: () => void) => {
    if (!online) return;
    setConflict(null);
    const resourceIds = fromResource === toResource ? undefined : appointment.resources.map((r) => (r.resourceId === fromResource ? toResource : r.resourceId));
    move.run(
      { appointmentId: appointment.id, version: appointment.version, startsAt, resourceIds },
      {
        onDone: (moved) => onNotice(`Moved to ${clock(moved.startsAt, timeZone)}.`),
        onRefused: (refusal) => {
          if (refusal.domain?.code === 'STALE') {
            onStale(appointment.id);
            onNotice(refusal.sentence);
          } else {
            setConflict({ ...refusal, retry: { move: appointment } });
          }
        },
        onSettled,
      },
    );
  };

  const takeAlternative = (slot: SlotSuggestion) => {
    if (!conflict) return;
    if (conflict.retry === 'hold') {
      holdSlot({ branchId: slot.branchId, startsAt: slot.startsAt, resourceIds: slot.resourceIds, serviceId: lastHoldService || preferredServiceId });
      return;
    }
    const { id, version } = conflict.retry.move;
    move.run(
      { appointmentId: id, version, startsAt: slot.startsAt, resourceIds: slot.resourceIds },
      { onDone: () => setConflict(null), onRefused: (refusal) => setConflict({ ...conflict, sentence: refusal.sentence }) },
    );
  };

  return {
    conflict,
    /**
     * A conflict found in the booking panel (its confirm, or another service
     * that does not fit): its alternatives hold again, for `serviceId` when given.
     */
    showHoldConflict: (found: Conflict, serviceId?: string) => {
      if (serviceId) setLastHoldService(serviceId);
      setConflict({ ...found, retry: 'hold' });
    },
    dismissConflict: () => setConflict(null),
    holdSlot,
    commitMove,
    takeAlternative,
    holding: hold.isPending,
    busy: hold.isPending || move.isPending,
  };
}
