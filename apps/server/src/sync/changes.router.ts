import { changesInput } from '@frontdesk/shared';
import type { Actor } from '../auth/scope.js';
import { staffProcedure } from '../trpc/init.js';
import { streamChanges } from './changes.service.js';

/**
 * The live log for one desk window (SSE). The bearer token goes in the
 * Authorization header (an EventSource that can send one); tRPC adds
 * `lastEventId` on reconnect.
 */
export const changesProcedure = staffProcedure('appointments.read')
  .input(changesInput)
  .subscription(async function* ({ ctx, input, signal }) {
    yield* streamChanges({
      deps: ctx.deps,
      actor: ctx.actor as Actor,
      token: ctx.token ?? '',
      lastEventId: input.lastEventId,
      branchIds: input.branchIds,
      signal,
    });
  });
