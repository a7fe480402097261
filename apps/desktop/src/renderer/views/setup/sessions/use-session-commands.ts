import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../../lib/trpc.js';

/** The walk-in sessions section's commands; each reloads the templates and the day's sessions once the server has answered. */
export function useSessionCommands() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const reload = () => {
    void queryClient.invalidateQueries(trpc.setup.sessions.pathFilter());
    void queryClient.invalidateQueries(trpc.catalog.sessions.pathFilter());
    void queryClient.invalidateQueries(trpc.availability.day.pathFilter());
  };
  const options = { onSettled: reload };
  return {
    create: useMutation(trpc.setup.sessions.create.mutationOptions(options)),
    update: useMutation(trpc.setup.sessions.update.mutationOptions(options)),
    deactivate: useMutation(trpc.setup.sessions.deactivate.mutationOptions(options)),
    activate: useMutation(trpc.setup.sessions.activate.mutationOptions(options)),
  };
}

export type SessionCommands = ReturnType<typeof useSessionCommands>;
