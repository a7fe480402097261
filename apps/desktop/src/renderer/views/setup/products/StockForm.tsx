import { useState, type FormEvent } from 'react';
import { adjustStockInput, receiveStockInput } from '@frontdesk/shared';
import { ErrorLine } from '../../../components/ErrorLine.js';
import { formRefusal } from '../../../lib/form-errors.js';
import type { SetupProduct } from '../../../lib/types.js';
import { problemsWith } from '../../../lib/validate.js';
import type { ProductCommands } from './use-product-commands.js';

export type StockChange = 'receive' | 'adjust';
type Mode = 'count' | 'delta';
type Field = 'quantity' | 'delta' | 'note' | 'reason';

/** What the change came to, for the section's notice. */
export interface StockResult {
  quantity: number;
  delta: number;
}

/**
 * Stock received (how many, and from where) or adjusted (to what was counted,
 * or by ±n), always with a reason that goes into the stock's history.
 */
export function StockForm({
  kind,
  product,
  branchId,
  branchName,
  commands,
  onDone,
  onCancel,
}: {
  kind: StockChange;
  product: SetupProduct;
  branchId: string;
  branchName: string;
  commands: ProductCommands;
  onDone: (result: StockResult) => void;
  onCancel: () => void;
}) {
  const here = product.branches.find((b) => b.branchId === branchId);
  const [mode, setMode] = useState<Mode>('count');
  const [amount, setAmount] = useState('');
  const [why, setWhy] = useState('');
  const [problems, setProblems] = useState<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const pending = commands.receiveStock.isPending || commands.adjustStock.isPending;
  const amountField: Field = kind === 'adjust' && mode === 'delta' ? 'delta' : 'quantity';
  const whyField: Field = kind === 'receive' ? 'note' : 'reason';

  const refused = (error: unknown) => {
    const r = formRefusal(error);
    if (r.field === 'quantity' || r.field === 'delta' || r.field === 'note' || r.field === 'reason') setProblems({ [r.field]: r.message });
    else setFormError(r.message);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const n = amount.trim() === '' ? Number.NaN : Number(amount);
    const key = { productId: product.id, branchId };
    const found =
      kind === 'receive'
        ? problemsWith(receiveStockInput, { ...key, quantity: n, note: why })
        : problemsWith(adjustStockInput, mode === 'count' ? { ...key, mode, quantity: n, reason: why } : { ...key, mode, delta: n, reason: why });
    const slips: Partial<Record<Field, string>> = { ...(found ?? {}) };
    if (Number.isNaN(n)) slips[amountField] = 'Give a number.';
    setProblems(slips);
    if (Object.keys(slips).length) return;
    const on = { onSuccess: (r: StockResult) => onDone(r), onError: refused };
    if (kind === 'receive') commands.receiveStock.mutate({ ...key, quantity: n, note: why }, on);
    else if (mode === 'count') commands.adjustStock.mutate({ ...key, mode, quantity: n, reason: why }, on);
    else commands.adjustStock.mutate({ ...key, mode, delta: n, reason: why }, on);
  };

  const amountLabel = kind === 'receive' ? 'Received' : mode === 'count' ? 'Counted on the shelf' : 'Change (+ or −)';
  return (
    <form className="setup-form products-form" onSubmit={submit} noValidate data-testid={`stock-${kind}-form`}>
      <h3>
        {kind === 'receive' ? 'Receive' : 'Adjust'} {product.name} at {branchName}
        <span className="muted small"> · {here?.quantity ?? 0} in stock now</span>
      </h3>
      {kind === 'adjust' && (
        <fieldset className="products-modes">
          <legend>How</legend>
          <label className="check">
            <input type="radio" name="stock-mode" data-testid="adjust-mode-count" checked={mode === 'count'} onChange={() => setMode('count')} />
            Set to a count
          </label>
          <label className="check">
            <input type="radio" name="stock-mode" data-testid="adjust-mode-delta" checked={mode === 'delta'} onChange={() => setMode('delta')} />
            Change by ±n
          </label>
        </fieldset>
      )}
      <label htmlFor="stock-amount">{amountLabel}</label>
      <input
        id="stock-amount"
        data-testid="stock-amount"
        type="number"
        step={1}
        min={kind === 'adjust' && mode === 'delta' ? undefined : kind === 'receive' ? 1 : 0}
        autoFocus
        value={amount}
        aria-invalid={problems[amountField] ? true : undefined}
        onChange={(e) => setAmount(e.target.value)}
      />
      {problems[amountField] && <span className="field-error" role="alert" data-testid="stock-amount-error">{problems[amountField]}</span>}
      <label htmlFor="stock-why">{kind === 'receive' ? 'From (supplier, invoice)' : 'Reason'}</label>
      <input
        id="stock-why"
        data-testid="stock-why"
        placeholder={kind === 'receive' ? 'e.g. MedSupply, invoice 4411' : 'e.g. counted, damaged, expired'}
        value={why}
        aria-invalid={problems[whyField] ? true : undefined}
        onChange={(e) => setWhy(e.target.value)}
      />
      {problems[whyField] && <span className="field-error" role="alert" data-testid="stock-why-error">{problems[whyField]}</span>}
      <ErrorLine message={formError} testId="stock-form-error" />
      <div className="actions">
        <button className="primary inline" disabled={pending} data-testid="stock-save">
          {pending ? 'Saving…' : kind === 'receive' ? 'Receive' : 'Adjust'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
