import { AsyncLocalStorage } from 'node:async_hooks';
import { inTransaction, type Db, type Tx } from './tx.js';

// Row-level security needs the tenant set on the connection that runs each
// query. A read procedure runs whole inside one tenant-scoped transaction;
// this client routes every call made during it to that transaction, so a
// repository that forgot its tenant filter still sees only the caller's rows.

const current = new AsyncLocalStorage<Tx>();

/** A client that is the request's transaction inside `withTenantScope`, and `base` elsewhere. */
export function scopedClient(base: Db): Db {
  return new Proxy(base, {
    get(target, property, receiver) {
      const tx = current.getStore();
      if (!tx) return Reflect.get(target, property, receiver);
      // Work that opens its own transaction joins the request's instead.
      if (property === '$transaction') {
        return (work: unknown) => (typeof work === 'function' ? (work as (t: Tx) => unknown)(tx) : Promise.all(work as Promise<unknown>[]));
      }
      return Reflect.get(tx, property);
    },
  });
}

/** Runs `work` in one transaction scoped to the tenant, with `scopedClient`s routed to it. */
export function withTenantScope<T>(db: Db, tenantId: string, work: () => Promise<T>): Promise<T> {
  return inTransaction(db, { tenantId }, (tx) => current.run(tx, work));
}
