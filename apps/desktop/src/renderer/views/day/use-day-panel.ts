import { useEffect, useState } from 'react';
import { myHold, rememberMyHold } from '../../lib/desk-memory.js';

/** What the side of the day view shows: the hold being booked, one appointment, or the queue tokens. */
export type Panel = { kind: 'booking'; appointmentId: string } | { kind: 'appointment'; appointmentId: string } | { kind: 'tokens' } | null;

/** The side panel, opening on this window's unfinished hold (made here or in the finder). */
export function useDayPanel(): [Panel, (panel: Panel) => void] {
  const [panel, setPanel] = useState<Panel>(() => {
    const mine = myHold();
    return mine ? { kind: 'booking', appointmentId: mine } : null;
  });
  useEffect(() => rememberMyHold(panel?.kind === 'booking' ? panel.appointmentId : null), [panel]);
  return [panel, setPanel];
}
