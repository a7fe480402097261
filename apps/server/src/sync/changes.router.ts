import { changesInput } from '@frontdesk/shared';
import { staffProcedure } from '../trpc/init.js';
import { toTRPCError } from '../trpc/errors.js';
import { streamChanges, type ChangeEnvelope, type ChangesRequest } from './changes.service.js';

/**
 * The stream as a desk receives it: what it ends with mapped to a tRPC error
 * here, at the edge (the procedure's error middleware has returned by the time
 * a subscription's later steps run).
 */
export async function* changesForDesk(request: ChangesRequest): AsyncGenerator<ChangeEnvelope, void, undefined> {
  try {
    yield* streamChanges(request);
  } catch (error) {
    throw toTRPCError(error);
  }
}

/**
 * The live log for one desk window (SSE). The bearer token goes in the
 * Authorization header (an EventSource that can send one); tRPC adds
 * `lastEventId` on reconnect.
 */
export const changesProcedure = staffProcedure('appointments.read')
  .input(changesInput)
  .subscription(async function* ({ ctx, input, signal }) {
    let release: () => void;
    try {
      release = ctx.deps.streams.acquire(ctx.actor.sessionId);
    } catch (error) {
      throw toTRPCError(error);
    }
    try {
      yield* changesForDesk({
        deps: ctx.deps,
        actor: ctx.actor,
        token: ctx.token ?? '',
        lastEventId: input.lastEventId,
        branchIds: input.branchIds,
        signal,
      });
    } finally {
      release();
    }
  });
