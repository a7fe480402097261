import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../../lib/trpc.js';
import { useSettledMutation } from '../affected.js';

/**
 * The branch commands. Each reloads the branch list, the catalogue, the day
 * views and free slots once the server has answered: opening hours can trim
 * people's hours, closing a branch or a holiday can settle appointments.
 */
export function useBranchCommands() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const onSettled = () => {
    void queryClient.invalidateQueries(trpc.setup.pathFilter());
    void queryClient.invalidateQueries(trpc.catalog.branches.pathFilter());
    void queryClient.invalidateQueries(trpc.availability.pathFilter());
  };
  const options = { onSettled };
  return {
    create: useMutation(trpc.setup.branches.create.mutationOptions(options)),
    update: useMutation(trpc.setup.branches.update.mutationOptions(options)),
    // These may affect appointments: refused with the list, each opens the dialog to settle them (render `dialog`).
    setOpeningHours: useSettledMutation(trpc.setup.branches.setOpeningHours.mutationOptions(options)),
    setActive: useSettledMutation(trpc.setup.branches.setActive.mutationOptions(options)),
    addClosure: useSettledMutation(trpc.setup.branches.addClosure.mutationOptions(options)),
    removeClosure: useMutation(trpc.schedule.removeTimeOff.mutationOptions(options)),
  };
}

export type BranchCommands = ReturnType<typeof useBranchCommands>;
