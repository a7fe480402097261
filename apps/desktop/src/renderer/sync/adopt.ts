import type { QueryClient } from '@tanstack/react-query';
import type { AppointmentView, DayView } from '@frontdesk/shared';
import { DAY_KEY_PREFIX, patchDay } from './apply-event.js';

/** Puts a mutation's result into every cached day at once (newer versions only). */
export function adoptAppointment(queryClient: QueryClient, appointment: AppointmentView): void {
  for (const [key, day] of queryClient.getQueriesData<DayView>({ queryKey: DAY_KEY_PREFIX })) {
    if (!day) continue;
    const next = patchDay(day, appointment);
    if (next !== day) queryClient.setQueryData(key, next);
  }
}
