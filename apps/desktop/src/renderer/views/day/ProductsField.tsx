import { useQuery } from '@tanstack/react-query';
import { money } from '../../lib/time.js';
import { useTRPC } from '../../lib/trpc.js';

/** Products sold with the booking, with the stock left at this branch; a slip is named beside its line. */
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
        const stock = p.stock.find((s) => s.branchId === branchId)?.quantity ?? 0;
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
            {p.name} <span className="muted">{money(p.priceCents)} · {stock} in stock</span>
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
