import { useState, type FormEvent } from 'react';
import { productCreateInput } from '@frontdesk/shared';
import { ErrorLine } from '../../../components/ErrorLine.js';
import { formRefusal } from '../../../lib/form-errors.js';
import type { SetupProduct } from '../../../lib/types.js';
import { problemsWith } from '../../../lib/validate.js';
import { amountOf, centsOf } from './money.js';
import type { ProductCommands } from './use-product-commands.js';

type Field = 'name' | 'priceCents';

/** A new product, or a product's name and base price (the price wherever a branch has none of its own). */
export function ProductForm({ editing, commands, onDone, onCancel }: { editing: SetupProduct | null; commands: ProductCommands; onDone: () => void; onCancel: () => void }) {
  const [name, setName] = useState(editing?.name ?? '');
  const [price, setPrice] = useState(editing ? amountOf(editing.basePriceCents) : '');
  const [problems, setProblems] = useState<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const pending = commands.create.isPending || commands.update.isPending;

  const refused = (error: unknown) => {
    const r = formRefusal(error);
    if (r.field === 'name' || r.field === 'priceCents') setProblems({ [r.field]: r.message });
    else setFormError(r.message);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const priceCents = centsOf(price);
    const found: Partial<Record<Field, string>> = { ...(problemsWith(productCreateInput, { name, priceCents: priceCents ?? 0 }) ?? {}) };
    if (priceCents === null) found.priceCents = 'Give the price as an amount, e.g. 12.50.';
    setProblems(found);
    if (Object.values(found).some(Boolean) || priceCents === null) return;
    if (editing) commands.update.mutate({ productId: editing.id, name, priceCents }, { onSuccess: onDone, onError: refused });
    else commands.create.mutate({ name, priceCents }, { onSuccess: onDone, onError: refused });
  };

  return (
    <form className="setup-form products-form" onSubmit={submit} noValidate data-testid="product-form">
      <h3>{editing ? `Edit ${editing.name}` : 'New product'}</h3>
      <label htmlFor="product-name">Name</label>
      <input id="product-name" data-testid="product-name" autoFocus value={name} aria-invalid={problems.name ? true : undefined} onChange={(e) => setName(e.target.value)} />
      {problems.name && <span className="field-error" role="alert">{problems.name}</span>}
      <label htmlFor="product-price">Base price</label>
      <input id="product-price" data-testid="product-price" inputMode="decimal" placeholder="0.00" value={price} aria-invalid={problems.priceCents ? true : undefined} onChange={(e) => setPrice(e.target.value)} />
      {problems.priceCents && <span className="field-error" role="alert">{problems.priceCents}</span>}
      <ErrorLine message={formError} testId="product-form-error" />
      <div className="actions">
        <button className="primary inline" disabled={pending} data-testid="product-save">
          {pending ? 'Saving…' : editing ? 'Save' : 'Create product'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
