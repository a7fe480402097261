import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../../lib/trpc.js';

/** Staff management's commands; each reloads the staff list once the server has answered. */
export function useStaffCommands() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const reload = () => queryClient.invalidateQueries({ queryKey: trpc.admin.staff.list.pathKey() });
  const options = { onSettled: reload };
  return {
    invite: useMutation(trpc.admin.staff.invite.mutationOptions(options)),
    update: useMutation(trpc.admin.staff.update.mutationOptions(options)),
    disable: useMutation(trpc.admin.staff.disable.mutationOptions(options)),
    enable: useMutation(trpc.admin.staff.enable.mutationOptions(options)),
    resetPassword: useMutation(trpc.admin.staff.resetPassword.mutationOptions(options)),
  };
}

export type StaffCommands = ReturnType<typeof useStaffCommands>;
