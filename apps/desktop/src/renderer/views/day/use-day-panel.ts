import { useEffect, useRef, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { myHold, rememberMyHold } from '../../lib/desk-memory.js';
import { useTRPC } from '../../lib/trpc.js';
import { adoptAppointment } from '../../sync/adopt.js';

/** What the side of the day view shows: the hold being booked, one appointment, or the queue tokens. */
export type Panel = { kind: 'booking'; appointmentId: string } | { kind: 'appointment'; appointmentId: string } | { kind: 'tokens' } | null;

export interface PanelChange {
  /** The hold stays (a new hold replaced it on the server, or it was just booked). */
  keepHold?: boolean;
}

/**
 * The side panel, opening on this window's unfinished hold (made here or in
 * the finder). Leaving the booking panel for anything but the same
 * appointment lets its hold go at once: the desk has moved on, and the time
 * should look free on every other desk now, not in five minutes.
 */
export function useDayPanel(): [Panel, (panel: Panel, change?: PanelChange) => void] {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [panel, setPanel] = useState<Panel>(() => {
    const mine = myHold();
    return mine ? { kind: 'booking', appointmentId: mine } : null;
  });
  const current = useRef(panel);
  current.current = panel;
  // Only this sign-in's live hold is let go: a booked or expired one is untouched (and no error comes back).
  const releaseMine = useMutation(trpc.booking.releaseMine.mutationOptions({ onSuccess: ({ released }) => released.forEach((a) => adoptAppointment(queryClient, trpc, a)) }));
  useEffect(() => rememberMyHold(panel?.kind === 'booking' ? panel.appointmentId : null), [panel]);

  const change = (next: Panel, { keepHold = false }: PanelChange = {}) => {
    const was = current.current;
    const same = !!next && next.kind !== 'tokens' && was?.kind === 'booking' && next.appointmentId === was.appointmentId;
    if (was?.kind === 'booking' && !same && !keepHold) releaseMine.mutate({ appointmentIds: [was.appointmentId] });
    current.current = next;
    setPanel(next);
  };
  return [panel, change];
}
