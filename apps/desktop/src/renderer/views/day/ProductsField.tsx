import { useQuery } from '@tanstack/react-query';
import { money } from '../../lib/time.js';
import { useTRPC } from '../../lib/trpc.js';

/** Products sold with the booking, at this branch's price, with the stock left here (and a badge when it runs low); a slip is named beside its line. */
export function ProductsField({
  branchId,
  lines,
  problems,
  disabled,
  onChange,
}: {
  branchId: string;
  lines: Record<string, number>;
  problems: Record<string, string>;
  disabled: boolean;
  onChange: (productId: string, quantity: number) => void;
}) {
  const trpc = useTRPC();
  const products = useQuery(trpc.catalog.products.queryOptions());
  if (!products.data?.length) return null;
  return (
    <fieldset className="products">
      <legend>Products</legend>
      {products.data.map((p) => {
        const level = p.stock.find((s) => s.branchId === branchId);
        const stock = level?.quantity ?? 0;
        const price = p.prices.find((x) => x.branchId === branchId)?.priceCents ?? p.priceCents;
        return (
          <label key={p.id} className="product">
            <input
              type="number"
              min={0}
              max={Math.max(0, stock)}
              value={lines[p.id] ?? 0}
              data-testid={`product-${p.id}`}
              disabled={disabled}
              onChange={(e) => onChange(p.id, Math.max(0, Number(e.target.value) || 0))}
            />
            {p.name} <span className="muted">{money(price)} · {stock} in stock</span>
            {level?.lowStock && (
              <span className="low-stock" data-testid={`low-stock-${p.id}`} title="At or below this branch's low-stock threshold">
                low stock ({stock} left)
              </span>
            )}
            {problems[p.id] && (
              <span className="error" data-testid={`product-problem-${p.id}`}>
                {' '}
                {problems[p.id]}
              </span>
            )}
          </label>
        );
      })}
    </fieldset>
  );
}
