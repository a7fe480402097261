import { useQuery } from '@tanstack/react-query';
import type { AppointmentView } from '@frontdesk/shared';
import { useTRPC } from '../../lib/trpc.js';

/** The freshest copy of an appointment: the day's cached one, fetched only when the day lacks it. */
export function useAppointment(appointmentId: string, cached: AppointmentView | undefined) {
  const trpc = useTRPC();
  const fetched = useQuery({ ...trpc.booking.get.queryOptions({ appointmentId }), enabled: !cached });
  const appointment = [cached, fetched.data].filter((a): a is AppointmentView => !!a).sort((a, b) => b.version - a.version)[0];
  return { appointment, fetched };
}
