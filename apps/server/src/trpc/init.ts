import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { asSentence, DomainError, type DomainErrorShape } from '@frontdesk/shared';
import { roleMay, type Permission } from '../auth/permissions.js';
import type { Actor } from '../auth/scope.js';
import { iterateInTenant, withTenant, withTenantTransaction } from '../db/request-scope.js';
import { forbidden } from '../errors.js';
import type { Context } from './context.js';
import { toTRPCError } from './errors.js';
import { protocolDomainError } from '../http/errors.js';
import { noteTenant, observeProcedure } from '../observability/procedures.js';

export interface Meta {
  /** Who may call: 'public', or the permission a staff member's role must grant. */
  access: 'public' | Permission;
}

/** Live streams: a ping after 10 s without a message; a desk that hears nothing for 25 s reconnects. */
export const SSE_OPTIONS = {
  ping: { enabled: true, intervalMs: 10_000 },
  client: { reconnectAfterInactivityMs: 25_000 },
};

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    // The formatter below never sends a stack; without this tRPC would still read every error's `stack` for the shape
    // it starts from, outside production: a source-mapped stack per refusal (SLOT_TAKEN) was 3% of a flash crowd's CPU.
    isDev: false,
    sse: SSE_OPTIONS,
    errorFormatter({ shape, error }) {
      const cause = error.cause;
      let domain: DomainErrorShape | null = cause instanceof DomainError ? cause.toShape() : null;
      const zodIssues = cause instanceof ZodError ? cause.issues.map((i) => ({ path: i.path.map(String), message: i.message })) : null;
      if (zodIssues && !domain) {
        const first = zodIssues[0];
        const field = first?.path.join('.') || undefined;
        // The schemas' messages are sentences that name their field (plain-words.ts); the field also goes in details, for the desk to show the message beside it.
        domain = {
          code: 'BAD_INPUT',
          message: first ? asSentence(first.message) : 'The request is not valid.',
          details: field ? { field } : {},
        };
      }
      const internal = error.code === 'INTERNAL_SERVER_ERROR';
      // Protocol failures (bad JSON, unknown path, body too large) answer a plain sentence, never library text.
      if (!domain && !internal) domain = protocolDomainError(error);
      return {
        ...shape,
        message: internal ? 'Something went wrong on the server. Please try again.' : domain?.message ?? shape.message,
        data: { code: shape.data.code, httpStatus: shape.data.httpStatus, path: shape.data.path, domain, zodIssues },
      };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const middleware = t.middleware;

/** Maps domain and database errors thrown below it to typed tRPC errors. */
const mapErrors = t.middleware(async ({ next, ctx, path }) => {
  const result = await next();
  if (!result.ok && result.error.code === 'INTERNAL_SERVER_ERROR') {
    const cause = result.error.cause ?? result.error;
    const mapped = toTRPCError(cause);
    if (mapped.code === 'INTERNAL_SERVER_ERROR') ctx.deps.logger.error({ err: cause, procedure: path }, 'procedure failed');
    // The desk is told to retry; operators still need to see the database went away.
    else if (mapped.code === 'SERVICE_UNAVAILABLE') ctx.deps.logger.warn({ err: cause, procedure: path }, 'database unavailable');
    throw mapped;
  }
  return result;
});

/** Every call's span, latency, outcome and log note: outermost, so it sees the codes the desk is told. */
const observe = t.middleware(({ path, type, getRawInput, next }) => observeProcedure({ path, type, getRawInput }, next));

export const publicProcedure = t.procedure.use(observe).use(mapErrors).meta({ access: 'public' });

const authenticated = t.middleware(async ({ ctx, next }) => {
  const actor = ctx.token ? await ctx.deps.auth.authenticate(ctx.token) : null;
  if (!actor) throw toTRPCError(new DomainError('UNAUTHORIZED', 'Please sign in again.', {}));
  return next({ ctx: { ...ctx, actor } });
});

/** Why this staff member may not call a procedure that needs `permission`, or null when they may. */
export function refusalFor(actor: Actor, permission: Permission): DomainError<'FORBIDDEN'> | null {
  if (!roleMay(actor.role, permission)) return forbidden('Your role does not allow that.');
  // A temporary password (a new account, a reset) opens nothing but the session's own procedures until it is changed.
  if (actor.mustChangePassword && permission !== 'session') return forbidden('Choose a new password first.');
  return null;
}

/**
 * A procedure for a signed-in staff member whose role grants `permission`.
 * Tenant and branch scope travel in `ctx.actor`.
 */
export function staffProcedure(permission: Permission) {
  return t.procedure
    .use(observe)
    .use(mapErrors)
    .meta({ access: permission })
    .use(authenticated)
    .use(({ ctx, next, type }) => {
      const actor = ctx.actor as Actor;
      const refusal = refusalFor(actor, permission);
      if (refusal) throw toTRPCError(refusal);
      noteTenant(actor.tenantId);
      // The one place a request's tenant scope is set; row-level security enforces it below.
      // Reads run whole in one tenant transaction; commands open their own (they retry and
      // roll back on their own terms); a subscription's every step runs in the scope.
      const run = () => next({ ctx: { ...ctx, actor } });
      if (type === 'query') return withTenantTransaction(ctx.deps.db, actor.tenantId, run);
      if (type === 'mutation') return withTenant(actor.tenantId, run);
      return withTenant(actor.tenantId, run).then((result) =>
        result.ok && isAsyncIterable(result.data) ? { ...result, data: iterateInTenant(actor.tenantId, result.data) } : result,
      );
    });
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

export { TRPCError };
