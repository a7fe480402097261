import type { Actor } from '../auth/scope.js';
import type { Deps } from '../deps.js';
import { appRouter } from '../router.js';
import { createCallerFactory } from '../trpc/init.js';

const factory = createCallerFactory(appRouter);

/** Calls procedures in-process as a signed-in staff member (token from a real login). */
export async function callerFor(deps: Deps, email: string, password: string, desk = 'test desk') {
  const anonymous = factory({ deps, token: null, ip: '127.0.0.1', actor: null });
  const { token } = await anonymous.auth.login({ email, password, desk });
  return factory({ deps, token, ip: '127.0.0.1', actor: null });
}

export function anonymousCaller(deps: Deps) {
  return factory({ deps, token: null, ip: '127.0.0.1', actor: null });
}

export type Caller = Awaited<ReturnType<typeof callerFor>>;
export type { Actor };
