import { useState, type FormEvent } from 'react';
import { stockThresholdInput } from '@frontdesk/shared';
import { ErrorLine } from '../../../components/ErrorLine.js';
import { formRefusal } from '../../../lib/form-errors.js';
import { money } from '../../../lib/time.js';
import type { SetupProduct } from '../../../lib/types.js';
import { problemsWith } from '../../../lib/validate.js';
import { amountOf, centsOf } from './money.js';
import type { ProductCommands } from './use-product-commands.js';

type Field = 'priceCents' | 'threshold';

/** A product at one branch: its own price (empty: the base price) and the stock at which the desk shows "low stock". */
export function BranchProductForm({
  product,
  branchId,
  branchName,
  commands,
  onDone,
  onCancel,
}: {
  product: SetupProduct;
  branchId: string;
  branchName: string;
  commands: ProductCommands;
  onDone: () => void;
  onCancel: () => void;
}) {
  const here = product.branches.find((b) => b.branchId === branchId);
  const [price, setPrice] = useState(here?.ownPriceCents != null ? amountOf(here.ownPriceCents) : '');
  const [threshold, setThreshold] = useState(String(here?.lowStockThreshold ?? 0));
  const [problems, setProblems] = useState<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const pending = commands.setPrice.isPending || commands.setThreshold.isPending;

  const refused = (error: unknown) => {
    const r = formRefusal(error);
    if (r.field === 'priceCents' || r.field === 'threshold') setProblems({ [r.field]: r.message });
    else setFormError(r.message);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const own = price.trim() === '' ? null : centsOf(price);
    const level = threshold.trim() === '' ? Number.NaN : Number(threshold);
    const slips: Partial<Record<Field, string>> = { ...(problemsWith(stockThresholdInput, { productId: product.id, branchId, threshold: level }) ?? {}) };
    if (Number.isNaN(level)) slips.threshold = 'Give a number (0 turns the alert off).';
    if (price.trim() !== '' && own === null) slips.priceCents = 'Give the price as an amount, e.g. 12.50, or leave it empty for the base price.';
    setProblems(slips);
    if (Object.keys(slips).length) return;
    const key = { productId: product.id, branchId };
    try {
      if (own !== (here?.ownPriceCents ?? null)) await commands.setPrice.mutateAsync({ ...key, priceCents: own });
      if (level !== (here?.lowStockThreshold ?? 0)) await commands.setThreshold.mutateAsync({ ...key, threshold: level });
      onDone();
    } catch (error) {
      refused(error);
    }
  };

  return (
    <form className="setup-form products-form" onSubmit={(e) => void submit(e)} noValidate data-testid="branch-product-form">
      <h3>
        {product.name} at {branchName}
      </h3>
      <label htmlFor="branch-price">Price here</label>
      <input
        id="branch-price"
        data-testid="branch-price"
        inputMode="decimal"
        placeholder={`${amountOf(product.basePriceCents)} (base price)`}
        value={price}
        aria-invalid={problems.priceCents ? true : undefined}
        onChange={(e) => setPrice(e.target.value)}
      />
      {problems.priceCents ? (
        <span className="field-error" role="alert">{problems.priceCents}</span>
      ) : (
        <span className="field-hint muted small">Empty: the base price, {money(product.basePriceCents)}.</span>
      )}
      <label htmlFor="branch-threshold">Low-stock alert at</label>
      <input
        id="branch-threshold"
        data-testid="branch-threshold"
        type="number"
        min={0}
        step={1}
        value={threshold}
        aria-invalid={problems.threshold ? true : undefined}
        onChange={(e) => setThreshold(e.target.value)}
      />
      {problems.threshold ? (
        <span className="field-error" role="alert">{problems.threshold}</span>
      ) : (
        <span className="field-hint muted small">The desk shows “low stock” at or below this; 0 turns it off.</span>
      )}
      <ErrorLine message={formError} testId="branch-product-error" />
      <div className="actions">
        <button className="primary inline" disabled={pending} data-testid="branch-product-save">
          {pending ? 'Saving…' : 'Save'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
