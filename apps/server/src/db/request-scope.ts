import { AsyncLocalStorage } from 'node:async_hooks';
import { inTransaction, type Db, type Tx } from './tx.js';

// The request's tenant database handle. Row-level security shows the runtime
// role nothing unless app.tenant_id is set on the connection running a query,
// which only a transaction can guarantee with a pool. The procedure builder
// opens a scope for every query, mutation and subscription; a client made by
// `scopedClient` then runs each call inside it:
// - a read procedure runs whole in one transaction, and every call joins it;
// - a command opens its own transactions (it retries and rolls back on its own
//   terms) with `inTransaction`; any call it makes outside them runs in a
//   short transaction of its own, scoped to the tenant.
// So code below the procedure builder never has to remember the tenant.

interface Scope {
  tenantId: string;
  tx: Tx | null;
}

const current = new AsyncLocalStorage<Scope>();

const RAW = new Set(['$queryRaw', '$executeRaw', '$queryRawUnsafe', '$executeRawUnsafe']);

/** A client that follows the request's scope: the scope's transaction, a tenant transaction per call, or `base` outside any scope. */
export function scopedClient(base: Db): Db {
  return new Proxy(base, {
    get(target, property, receiver) {
      const scope = current.getStore();
      if (!scope) return Reflect.get(target, property, receiver);
      const { tx, tenantId } = scope;
      if (tx) {
        // Work that opens its own transaction joins the request's instead.
        if (property === '$transaction') {
          return (work: unknown) => (typeof work === 'function' ? (work as (t: Tx) => unknown)(tx) : Promise.all(work as Promise<unknown>[]));
        }
        return Reflect.get(tx, property);
      }
      const value: unknown = Reflect.get(target, property, target);
      if (typeof property !== 'string') return value;
      if (property === '$transaction') return (value as Db['$transaction']).bind(target);
      if (RAW.has(property)) {
        return (...args: unknown[]) => inTransaction(target, { tenantId }, (t) => (t as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[property]!(...args));
      }
      if (isDelegate(value)) return delegateInTenant(target, property, value, tenantId);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function isDelegate(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { findMany?: unknown }).findMany === 'function';
}

function delegateInTenant(base: Db, model: string, delegate: Record<string, unknown>, tenantId: string): unknown {
  return new Proxy(delegate, {
    get(target, method) {
      const value = Reflect.get(target, method);
      if (typeof value !== 'function' || typeof method !== 'string') return value;
      return (...args: unknown[]) =>
        inTransaction(base, { tenantId }, (t) => {
          const scoped = (t as unknown as Record<string, Record<string, (...a: unknown[]) => Promise<unknown>>>)[model]!;
          return scoped[method]!(...args);
        });
    },
  });
}

/** Runs a read procedure whole in one transaction scoped to the tenant; `scopedClient`s join it. */
export function withTenantTransaction<T>(db: Db, tenantId: string, work: () => Promise<T>): Promise<T> {
  return inTransaction(db, { tenantId }, (tx) => current.run({ tenantId, tx }, work));
}

/** Runs a command in the tenant's scope: its own transactions set the tenant, stray calls get one each. */
export function withTenant<T>(tenantId: string, work: () => T): T {
  return current.run({ tenantId, tx: null }, work);
}

/** An async iterable whose every step runs in the tenant's scope (a subscription's body runs long after its procedure returned). */
export function iterateInTenant<T>(tenantId: string, source: AsyncIterable<T>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      const it = withTenant(tenantId, () => source[Symbol.asyncIterator]());
      return {
        next: (...args: [] | [unknown]) => withTenant(tenantId, () => it.next(...args)),
        return: (value?: unknown) => withTenant(tenantId, () => it.return?.(value) ?? Promise.resolve({ done: true as const, value: undefined as T })),
        throw: (error?: unknown) => withTenant(tenantId, () => it.throw?.(error) ?? Promise.reject(error)),
      } as AsyncIterator<T>;
    },
  };
}
