import { AsyncLocalStorage } from 'node:async_hooks';
import { isTransient } from './errors.js';
import { inTransaction, type Db, type Tx } from './tx.js';
import { isUnavailable } from './unavailable.js';

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
  /** A read procedure's transaction, opened on its first database call (none for a read that never touches the database). */
  open?: () => Promise<Tx>;
  /** Set once `open` was called: the read's transaction holds (or is taking) a connection. */
  opened?: boolean;
}

const current = new AsyncLocalStorage<Scope>();

/**
 * Whether the request holds a transaction (or is opening one) now. A read whose own transaction has not
 * opened yet may run a direct transaction of its own instead (db/pg-tx.ts): it holds one connection at a
 * time either way, as long as the direct work makes no scoped call, which a direct transaction refuses.
 */
export function holdsScopeTransaction(): boolean {
  const scope = current.getStore();
  return !!scope && (!!scope.tx || !!scope.opened);
}

const SCOPED = Symbol('frontdesk.scoped');

/** The tenant of the request's transaction that `db`'s next transaction would join; null when it would begin its own. */
export function joinedTenant(db: object): string | null {
  const scope = current.getStore();
  return scope && (scope.tx || scope.open) && (db as { [SCOPED]?: boolean })[SCOPED] === true ? scope.tenantId : null;
}

const RAW = new Set(['$queryRaw', '$executeRaw', '$queryRawUnsafe', '$executeRawUnsafe']);

/** A client that follows the request's scope: the scope's transaction, a tenant transaction per call, or `base` outside any scope. */
export function scopedClient(base: Db): Db {
  return new Proxy(base, {
    get(target, property, receiver) {
      if (property === SCOPED) return true;
      const scope = current.getStore();
      if (!scope) return Reflect.get(target, property, receiver);
      const { tx, tenantId, open } = scope;
      if (!tx && open) return deferred(target, property, open);
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

/** A call on the lazily opened transaction: each waits for it to be open, then runs in it. */
function deferred(base: Db, property: string | symbol, open: () => Promise<Tx>): unknown {
  const value: unknown = Reflect.get(base, property, base);
  if (typeof property !== 'string') return value;
  const on = (tx: Tx) => tx as unknown as Record<string, unknown>;
  if (property === '$transaction') {
    return (work: unknown) => (typeof work === 'function' ? open().then((tx) => (work as (t: Tx) => unknown)(tx)) : Promise.all(work as Promise<unknown>[]));
  }
  if (isDelegate(value)) {
    return new Proxy(value, {
      get(target, method) {
        const fn = Reflect.get(target, method);
        if (typeof fn !== 'function' || typeof method !== 'string') return fn;
        return (...args: unknown[]) => open().then((tx) => (on(tx)[property] as Record<string, (...a: unknown[]) => Promise<unknown>>)[method]!(...args));
      },
    });
  }
  if (typeof value !== 'function') return value;
  return (...args: unknown[]) => open().then((tx) => (on(tx)[property] as (...a: unknown[]) => Promise<unknown>)(...args));
}

/** The read's own transaction ended without committing because the read failed (never retried as such). */
class ReadFailed extends Error {}

/**
 * Runs a read procedure whole in one transaction scoped to the tenant;
 * `scopedClient`s join it. The transaction opens on the read's first
 * database call, so a read that needs none (auth.me) costs no round trip;
 * every call still runs inside the tenant's scope. A read that failed
 * where a transaction is retried (deadlock, a lost connection) runs again
 * the way it always did: whole, in a transaction opened first.
 */
export async function withTenantTransaction<T>(db: Db, tenantId: string, work: () => Promise<T>): Promise<T> {
  let held: { tx: Promise<Tx>; end: (error?: unknown) => Promise<void> } | null = null;
  // Opened in the caller's scope, as the eager transaction was: a read run inside another joins it.
  const outer = current.getStore();
  const scope: Scope = {
    tenantId,
    tx: null,
    open: () => {
      scope.opened = true;
      return (held ??= hold(db, tenantId, outer)).tx;
    },
  };
  let result: T;
  try {
    result = await current.run(scope, work);
  } catch (error) {
    if (!held) throw error;
    const failed = await (held as { end: (error?: unknown) => Promise<void> }).end(error).then(() => error, (e: unknown) => e);
    if (isTransient(failed) || isUnavailable(failed)) return inTransaction(db, { tenantId }, (tx) => current.run({ tenantId, tx }, work));
    throw error;
  }
  if (held) await (held as { end: () => Promise<void> }).end();
  return result;
}

/** Opens a tenant transaction and keeps it open until `end` (commits; with an error, rolls back). */
function hold(db: Db, tenantId: string, outer: Scope | undefined): { tx: Promise<Tx>; end: (error?: unknown) => Promise<void> } {
  let opened!: (tx: Tx) => void;
  let finish!: (error?: unknown) => void;
  const tx = new Promise<Tx>((resolve) => (opened = resolve));
  const done = new Promise<void>((resolve, reject) => (finish = (error) => (error === undefined ? resolve() : reject(new ReadFailed()))));
  // Not in the read's own scope: there the scoped client would defer to itself.
  const begin = () =>
    inTransaction(db, { tenantId, attempts: 1 }, async (t) => {
      opened(t);
      await done;
    });
  const ran = outer ? current.run(outer, begin) : current.exit(begin);
  // Opening failed: the calls waiting on it fail with the reason.
  const failedToOpen = ran.then(
    () => new Promise<Tx>(() => undefined),
    (error: unknown) => Promise.reject(error),
  );
  failedToOpen.catch(() => undefined);
  return {
    tx: Promise.race([tx, failedToOpen]),
    end: async (error?: unknown) => {
      finish(error);
      try {
        await ran;
      } catch (e) {
        if (!(e instanceof ReadFailed)) throw e;
      }
    },
  };
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
