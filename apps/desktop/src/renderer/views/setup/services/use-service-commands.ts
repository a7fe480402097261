import type { inferRouterOutputs } from '@trpc/server';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { AppRouter } from '@frontdesk/server/router';
import { useTRPC } from '../../../lib/trpc.js';
import { useSettledMutation } from '../affected.js';

/** A service as the setup screen lists it. */
export type SetupService = inferRouterOutputs<AppRouter>['setup']['services']['list'][number];

/**
 * The services setup's commands; each reloads the list and the desk's
 * catalogue once the server has answered. Those that can meet booked
 * appointments (an edit taking practitioners off, stopping the service)
 * ask what to do with them first: render their `dialog`.
 */
export function useServiceCommands() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const reload = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.setup.services.list.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.catalog.services.pathKey() }),
    ]);
  const options = { onSettled: reload };
  return {
    create: useMutation(trpc.setup.services.create.mutationOptions(options)),
    update: useSettledMutation(trpc.setup.services.update.mutationOptions(options)),
    deactivate: useSettledMutation(trpc.setup.services.deactivate.mutationOptions(options)),
    activate: useMutation(trpc.setup.services.activate.mutationOptions(options)),
  };
}

export type ServiceCommands = ReturnType<typeof useServiceCommands>;
