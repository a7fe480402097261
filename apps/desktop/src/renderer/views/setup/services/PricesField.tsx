import type { Branch } from '../../../lib/types.js';

/**
 * The base price and each branch's own: a branch left empty charges the
 * base price. Amounts as typed ("120", "120.50").
 */
export function PricesField({
  base,
  byBranch,
  branches,
  problems,
  disabled,
  onBase,
  onBranch,
}: {
  base: string;
  byBranch: Record<string, string>;
  branches: Branch[];
  /** Slips by path: "basePriceCents", "prices.<branchId>". */
  problems: Record<string, string | undefined>;
  disabled: boolean;
  onBase: (text: string) => void;
  onBranch: (branchId: string, text: string) => void;
}) {
  return (
    <fieldset className="service-fieldset" data-testid="service-prices">
      <legend>Price</legend>
      <div className="service-prices">
        <label className="service-price">
          Base price
          <input inputMode="decimal" data-testid="service-base-price" value={base} disabled={disabled} aria-invalid={problems.basePriceCents ? true : undefined} onChange={(e) => onBase(e.target.value)} />
          {problems.basePriceCents && <span className="field-error">{problems.basePriceCents}</span>}
        </label>
        {branches.map((b) => (
          <label key={b.id} className="service-price">
            Price at {b.name}
            <input
              inputMode="decimal"
              data-testid={`service-price-${b.id}`}
              placeholder={base ? `${base} (base)` : 'base price'}
              value={byBranch[b.id] ?? ''}
              disabled={disabled}
              aria-invalid={problems[`prices.${b.id}`] ? true : undefined}
              onChange={(e) => onBranch(b.id, e.target.value)}
            />
            {problems[`prices.${b.id}`] && <span className="field-error">{problems[`prices.${b.id}`]}</span>}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
