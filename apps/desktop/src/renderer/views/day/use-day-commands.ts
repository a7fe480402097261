import { useState } from 'react';
import type { AppointmentView, SlotSuggestion } from '@frontdesk/shared';
import { useHold, useMove } from '../../commands/booking.js';
import type { Conflict } from '../../components/ConflictPanel.js';
import { wallTime } from '../../lib/time.js';

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
  onHolding,
  onHeld,
  onStale,
  onNotice,
}: {
  online: boolean;
  timeZone: string;
  preferredServiceId: string;
  /** A new hold is on its way (the previous one is released by its panel). */
  onHolding: () => void;
  onHeld: (appointmentId: string) => void;
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
    onHolding();
    hold.run(request, { onDone: (held) => onHeld(held.id), onRefused: (refusal) => setConflict({ ...refusal, retry: 'hold' }) });
  };

  /** Moves an appointment; `onSettled` runs once the server has answered either way. */
  const commitMove = ({ appointment, startsAt, fromResource, toResource }: MoveRequest, onSettled?: () => void) => {
    if (!online) return;
    setConflict(null);
    const resourceIds = fromResource === toResource ? undefined : appointment.resources.map((r) => (r.resourceId === fromResource ? toResource : r.resourceId));
    move.run(
      { appointmentId: appointment.id, version: appointment.version, startsAt, resourceIds },
      {
        onDone: (moved) => onNotice(`Moved to ${wallTime(moved.startsAt, timeZone)}.`),
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
    /** A conflict found elsewhere (the booking panel's confirm): its alternatives hold again. */
    showHoldConflict: (found: Conflict) => setConflict({ ...found, retry: 'hold' }),
    dismissConflict: () => setConflict(null),
    holdSlot,
    commitMove,
    takeAlternative,
    holding: hold.isPending,
    busy: hold.isPending || move.isPending,
  };
}
