import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../../lib/trpc.js';
import { useSettledMutation } from '../affected.js';

/** The resource commands. Each reloads the setup lists, the catalogue and the day views (columns, colours) once answered. */
export function useResourceCommands() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const onSettled = () => {
    void queryClient.invalidateQueries(trpc.setup.pathFilter());
    void queryClient.invalidateQueries(trpc.catalog.resources.pathFilter());
    void queryClient.invalidateQueries(trpc.availability.pathFilter());
  };
  const options = { onSettled };
  return {
    create: useMutation(trpc.setup.resources.create.mutationOptions(options)),
    update: useMutation(trpc.setup.resources.update.mutationOptions(options)),
    // These may affect appointments: refused with the list, each opens the dialog to settle them (render `dialog`).
    setBranches: useSettledMutation(trpc.setup.resources.setBranches.mutationOptions(options)),
    setActive: useSettledMutation(trpc.setup.resources.setActive.mutationOptions(options)),
  };
}

export type ResourceCommands = ReturnType<typeof useResourceCommands>;
