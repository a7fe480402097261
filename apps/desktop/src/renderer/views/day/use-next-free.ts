import { useEffect } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { DayView } from '@frontdesk/shared';
import { useTRPC } from '../../lib/trpc.js';
import type { Service } from '../../lib/types.js';
import type { HoldRequest } from './use-day-commands.js';

/**
 * N: hold the next free time for the chosen service at this branch. `asked`
 * counts the presses (0: none yet), so each press looks again.
 */
export function useNextFree({
  asked,
  day,
  services,
  serviceId,
  onFound,
  onNone,
}: {
  asked: number;
  day: DayView | undefined;
  services: readonly Service[] | undefined;
  serviceId: string;
  onFound: (request: HoldRequest) => void;
  onNone: (message: string) => void;
}): void {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const find = useMutation({
    mutationFn: async () => {
      const service = services?.find((s) => s.id === serviceId) ?? services?.[0];
      if (!service || !day) throw new Error('no service');
      const from = new Date(Math.max(Date.parse(day.startsAt), Date.now())).toISOString();
      const slots = await queryClient.fetchQuery(trpc.availability.findSlots.queryOptions({ serviceId: service.id, branchIds: [day.branchId], from, limit: 1 }));
      return { service, slot: slots[0] };
    },
    onSuccess: ({ service, slot }) => {
      if (slot) onFound({ branchId: slot.branchId, startsAt: slot.startsAt, resourceIds: slot.resourceIds, serviceId: service.id });
      else onNone('No free time found for that service in the next days.');
    },
  });
  useEffect(() => {
    // Only a new press looks again, not a new render.
    if (asked > 0) find.mutate();
  }, [asked]);
}
