import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { formRefusal } from '../../../lib/form-errors.js';
import { money } from '../../../lib/time.js';
import { useTRPC } from '../../../lib/trpc.js';
import { amountText, centsFrom } from './service-words.js';

/**
 * What a branch charges for a service, and for a manager of that branch a
 * way to change it in place (catalog.setPrice); the admin uses the form.
 */
export function BranchPrice({
  serviceId,
  serviceName,
  branch,
  editable,
}: {
  serviceId: string;
  serviceName: string;
  branch: { branchId: string; name: string; priceCents: number; own: boolean };
  editable: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const setPrice = useMutation(
    trpc.catalog.setPrice.mutationOptions({
      onSettled: () =>
        Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.setup.services.list.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.catalog.services.pathKey() }),
        ]),
    }),
  );
  const [text, setText] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const save = (e: FormEvent) => {
    e.preventDefault();
    const cents = centsFrom(text ?? '');
    if (cents === null) return setProblem('Give the price as an amount, e.g. 120.00.');
    setPrice.mutate(
      { serviceId, branchId: branch.branchId, priceCents: cents },
      { onSuccess: () => setText(null), onError: (error) => setProblem(formRefusal(error).message) },
    );
  };

  if (text === null) {
    return (
      <div className={branch.own ? undefined : 'muted'}>
        {branch.name}: {money(branch.priceCents)}
        {editable && (
          <button type="button" className="link small" data-testid={`service-price-change-${branch.branchId}`} aria-label={`Change the price of ${serviceName} at ${branch.name}`} onClick={() => setText(amountText(branch.priceCents))}>
            Change
          </button>
        )}
      </div>
    );
  }
  return (
    <form className="service-branch-price" onSubmit={save} noValidate>
      <input
        inputMode="decimal"
        aria-label={`Price of ${serviceName} at ${branch.name}`}
        data-testid={`service-price-input-${branch.branchId}`}
        autoFocus
        value={text}
        aria-invalid={problem ? true : undefined}
        onChange={(e) => {
          setText(e.target.value);
          setProblem(null);
        }}
        onKeyDown={(e) => e.key === 'Escape' && setText(null)}
      />
      <button className="primary inline" disabled={setPrice.isPending} data-testid={`service-price-save-${branch.branchId}`}>
        Save
      </button>
      <button type="button" onClick={() => setText(null)}>
        Cancel
      </button>
      {problem && (
        <span className="field-error" role="alert">
          {problem}
        </span>
      )}
    </form>
  );
}
