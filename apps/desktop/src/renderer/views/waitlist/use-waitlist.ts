import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../lib/trpc.js';

/**
 * The waitlist's commands with their lifecycle: each refreshes the list and
 * the offers when done (the live event does the same on every other desk).
 */
export function useWaitlistCommands() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const settle = () => void queryClient.invalidateQueries(trpc.waitlist.pathFilter());
  const add = useMutation(trpc.waitlist.add.mutationOptions({ onSuccess: settle }));
  const remove = useMutation(trpc.waitlist.remove.mutationOptions({ onSuccess: settle }));
  // A refusal (SLOT_TAKEN: someone else got the time) also closes the offer: refresh either way.
  const bookOffer = useMutation(
    trpc.waitlist.bookOffer.mutationOptions({
      onSettled: () => {
        settle();
        void queryClient.invalidateQueries(trpc.availability.pathFilter());
      },
    }),
  );
  return { add, remove, bookOffer };
}
