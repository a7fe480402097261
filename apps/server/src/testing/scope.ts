import { withTenant } from '../db/request-scope.js';

/** A service whose every method runs in the tenant's request scope, as the procedure builder would run it. */
export function inTenantScope<T extends object>(tenantId: string, target: T): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => withTenant(tenantId, () => (value as (...a: unknown[]) => unknown).apply(object, args));
    },
  });
}
