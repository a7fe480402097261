import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../../lib/trpc.js';

/** The products section's commands; each reloads the product list and the desk's catalogue once the server has answered. */
export function useProductCommands() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const reload = () => {
    void queryClient.invalidateQueries(trpc.setup.products.pathFilter());
    void queryClient.invalidateQueries(trpc.catalog.products.pathFilter());
  };
  const options = { onSettled: reload };
  return {
    create: useMutation(trpc.setup.products.create.mutationOptions(options)),
    update: useMutation(trpc.setup.products.update.mutationOptions(options)),
    deactivate: useMutation(trpc.setup.products.deactivate.mutationOptions(options)),
    activate: useMutation(trpc.setup.products.activate.mutationOptions(options)),
    setPrice: useMutation(trpc.setup.products.setPrice.mutationOptions(options)),
    setThreshold: useMutation(trpc.setup.products.setThreshold.mutationOptions(options)),
    receiveStock: useMutation(trpc.setup.products.receiveStock.mutationOptions(options)),
    adjustStock: useMutation(trpc.setup.products.adjustStock.mutationOptions(options)),
  };
}

export type ProductCommands = ReturnType<typeof useProductCommands>;
