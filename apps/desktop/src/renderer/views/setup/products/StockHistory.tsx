import { useQuery } from '@tanstack/react-query';
import { localDateOf } from '@frontdesk/shared';
import { formRefusal } from '../../../lib/form-errors.js';
import { clock, prettyDate, useTimeFormat } from '../../../lib/time.js';
import { useTRPC } from '../../../lib/trpc.js';
import type { SetupProduct } from '../../../lib/types.js';

/** The latest stock changes of a product at a branch: how much, why, who and from which desk. */
export function StockHistory({ product, branchId, branchName, timeZone, onClose }: { product: SetupProduct; branchId: string; branchName: string; timeZone: string; onClose: () => void }) {
  useTimeFormat();
  const trpc = useTRPC();
  const history = useQuery(trpc.setup.products.stockHistory.queryOptions({ productId: product.id, branchId }));
  return (
    <section className="products-history" data-testid="stock-history">
      <header>
        <h3>
          Stock history: {product.name} at {branchName}
        </h3>
        <button type="button" className="link" onClick={onClose}>
          Close
        </button>
      </header>
      {history.isError && <p className="error">{formRefusal(history.error).message}</p>}
      {history.data?.length === 0 && <p className="muted">No stock changes yet.</p>}
      {!!history.data?.length && (
        <table>
          <thead>
            <tr>
              <th>When</th>
              <th>Change</th>
              <th>Left</th>
              <th>Why</th>
              <th>Who</th>
            </tr>
          </thead>
          <tbody>
            {history.data.map((h) => (
              <tr key={h.seq} data-testid="stock-history-row">
                <td className="small">{prettyDate(localDateOf(Date.parse(h.at), timeZone))} {clock(h.at, timeZone)}</td>
                <td className={h.delta < 0 ? 'products-down' : 'products-up'}>{h.delta > 0 ? `+${h.delta}` : h.delta}</td>
                <td>{h.quantity}</td>
                <td>{h.reason ?? <span className="muted">not recorded</span>}</td>
                <td className="small">
                  {h.actor?.name ?? 'System'} <span className="muted">· {h.desk}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
