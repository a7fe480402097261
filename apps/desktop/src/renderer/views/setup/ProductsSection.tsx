import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { roleMay } from '@frontdesk/shared';
import { ErrorLine } from '../../components/ErrorLine.js';
import { formRefusal } from '../../lib/form-errors.js';
import { useSession } from '../../lib/session.js';
import { money } from '../../lib/time.js';
import { useTRPC } from '../../lib/trpc.js';
import type { SetupProduct } from '../../lib/types.js';
import { BranchProductForm } from './products/BranchProductForm.js';
import { ProductForm } from './products/ProductForm.js';
import { StockForm, type StockChange, type StockResult } from './products/StockForm.js';
import { StockHistory } from './products/StockHistory.js';
import { useProductCommands } from './products/use-product-commands.js';
import type { SetupSectionProps } from './sections.js';

type Open =
  | { kind: 'none' }
  | { kind: 'new' }
  | { kind: 'edit'; product: SetupProduct }
  | { kind: 'stock'; change: StockChange; product: SetupProduct }
  | { kind: 'branch'; product: SetupProduct }
  | { kind: 'history'; product: SetupProduct };

/**
 * The products sold with bookings, one branch at a time: price there, stock,
 * the low-stock alert. Managers receive and adjust stock (always with a
 * reason) and set price and alert at their branches; the admin adds and
 * edits the products themselves.
 */
export function ProductsSection({ branch }: SetupSectionProps) {
  const trpc = useTRPC();
  const session = useSession()!;
  const admin = roleMay(session.staff.role, 'organisation.manage');
  const branches = useQuery(trpc.catalog.branches.queryOptions());
  const products = useQuery(trpc.setup.products.list.queryOptions());
  const commands = useProductCommands();
  const [branchId, setBranchId] = useState(branch.id);
  const [open, setOpen] = useState<Open>({ kind: 'none' });
  const [notice, setNotice] = useState<string | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);
  const branchName = branches.data?.find((b) => b.id === branchId)?.name ?? 'this branch';
  const branchZone = branches.data?.find((b) => b.id === branchId)?.timeZone ?? 'UTC';
  const close = () => setOpen({ kind: 'none' });
  const show = (next: Open) => {
    setNotice(null);
    setRowError(null);
    setOpen(next);
  };

  const stockDone = (product: SetupProduct) => (r: StockResult) => {
    setNotice(`${product.name} at ${branchName}: ${r.delta > 0 ? `+${r.delta}` : r.delta}, ${r.quantity} in stock now.`);
    close();
  };

  const setActive = (p: SetupProduct, active: boolean) => {
    setRowError(null);
    const onError = (error: unknown) => setRowError(`${p.name}: ${formRefusal(error).message}`);
    if (active) commands.activate.mutate({ productId: p.id }, { onError });
    else commands.deactivate.mutate({ productId: p.id }, { onError });
  };

  return (
    <div className="products-section">
      <h2>Products &amp; stock</h2>
      <p className="muted">
        What the desk can sell with a booking. Every stock change is recorded with who made it and why; the desk shows “low stock” at or below a branch’s alert level.
      </p>
      <div className="products-toolbar">
        {(branches.data?.length ?? 0) > 1 && (
          <label className="products-branch">
            Branch
            <select data-testid="products-branch" value={branchId} onChange={(e) => { setBranchId(e.target.value); close(); }}>
              {branches.data?.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {admin && (
          <button type="button" className="primary inline" data-testid="product-new" onClick={() => show({ kind: 'new' })}>
            New product
          </button>
        )}
      </div>
      {notice && (
        <p className="notice products-notice" role="status" data-testid="products-notice">
          {notice}
        </p>
      )}

      {(open.kind === 'new' || open.kind === 'edit') && (
        <ProductForm key={open.kind === 'edit' ? open.product.id : 'new'} editing={open.kind === 'edit' ? open.product : null} commands={commands} onDone={close} onCancel={close} />
      )}
      {open.kind === 'stock' && (
        <StockForm key={`${open.change}-${open.product.id}`} kind={open.change} product={open.product} branchId={branchId} branchName={branchName} commands={commands} onDone={stockDone(open.product)} onCancel={close} />
      )}
      {open.kind === 'branch' && <BranchProductForm key={open.product.id} product={open.product} branchId={branchId} branchName={branchName} commands={commands} onDone={close} onCancel={close} />}
      {open.kind === 'history' && <StockHistory product={open.product} branchId={branchId} branchName={branchName} timeZone={branchZone} onClose={close} />}

      <ErrorLine message={rowError} testId="products-row-error" />
      {products.isError && <p className="error">Could not load the products. {formRefusal(products.error).message}</p>}
      {products.data?.length === 0 && <p className="muted">No products yet.{admin ? ' Add the first one with “New product”.' : ''}</p>}
      {!!products.data?.length && (
        <table className="products-table" data-testid="products-table">
          <thead>
            <tr>
              <th>Product</th>
              <th className="num">Base price</th>
              <th className="num">Price here</th>
              <th className="num">In stock</th>
              <th className="num">Low-stock alert at</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {products.data.map((p) => {
              const here = p.branches.find((b) => b.branchId === branchId);
              return (
                <tr key={p.id} data-testid="product-row" data-name={p.name} className={p.active ? undefined : 'muted'}>
                  <td>
                    {p.name}
                    {!p.active && <span className="products-tag off">Not sold</span>}
                  </td>
                  <td className="num">{money(p.basePriceCents)}</td>
                  <td className="num" data-testid="product-price-here">
                    {here ? money(here.priceCents) : '—'}
                    {here?.ownPriceCents != null && <span className="muted small"> own</span>}
                  </td>
                  <td className="num" data-testid="product-stock">
                    {here?.quantity ?? 0}
                    {here?.lowStock && (
                      <span className="low-stock" data-testid="product-low">
                        low
                      </span>
                    )}
                  </td>
                  <td className="num" data-testid="product-threshold">
                    {here?.lowStockThreshold ? here.lowStockThreshold : <span className="muted">off</span>}
                  </td>
                  <td className="row-actions">
                    <button type="button" className="link" data-testid="product-receive" onClick={() => show({ kind: 'stock', change: 'receive', product: p })}>
                      Receive
                    </button>
                    <button type="button" className="link" data-testid="product-adjust" onClick={() => show({ kind: 'stock', change: 'adjust', product: p })}>
                      Adjust
                    </button>
                    <button type="button" className="link" data-testid="product-branch-settings" onClick={() => show({ kind: 'branch', product: p })}>
                      Price &amp; alert
                    </button>
                    <button type="button" className="link" data-testid="product-history" onClick={() => show({ kind: 'history', product: p })}>
                      History
                    </button>
                    {admin && (
                      <>
                        <button type="button" className="link" data-testid="product-edit" onClick={() => show({ kind: 'edit', product: p })}>
                          Edit
                        </button>
                        <button type="button" className="link" data-testid={p.active ? 'product-deactivate' : 'product-activate'} onClick={() => setActive(p, !p.active)}>
                          {p.active ? 'Stop selling' : 'Sell again'}
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
