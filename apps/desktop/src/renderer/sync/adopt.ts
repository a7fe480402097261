import type { QueryClient } from '@tanstack/react-query';
import type { AppointmentView } from '@frontdesk/shared';
import type { Trpc } from '../lib/trpc.js';
import { patchDay, patchDays } from './apply-event.js';

/** Puts a mutation's result into every cached day at once (newer versions only). */
export function adoptAppointment(queryClient: QueryClient, trpc: Trpc, appointment: AppointmentView): void {
  patchDays(queryClient, trpc, (day) => patchDay(day, appointment));
}
