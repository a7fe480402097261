import { z } from 'zod';
import { id } from './schemas.js';

// The walk-in queue of a capacity session: tokens are called to a counter (or
// a practitioner's room), recalled, skipped and served; a walk-in not
// registered yet takes a token by name; a branch's waiting room shows the
// queue on a display opened by a secret link.

export const COUNTER_MAX = 40;
export const WALK_IN_NAME_MAX = 120;

/** Where a token is in the queue. */
export type QueueState = 'WAITING' | 'CALLED' | 'SERVED' | 'SKIPPED';

/** The counter or practitioner a token is called to, as the waiting room reads it ("Counter 2", "Dr Rao"). */
export const counter = z
  .string({ message: 'Say which counter or practitioner is calling.' })
  .trim()
  .min(1, 'Say which counter or practitioner is calling.')
  .max(COUNTER_MAX, `A counter's name is at most ${COUNTER_MAX} characters.`);

export const callNextInput = z.object({ sessionId: id, counter });
export const tokenCommandInput = z.object({ tokenId: id });
/** `counter`: where to call it now (default: where it was called last). */
export const recallInput = z.object({ tokenId: id, counter: counter.optional() });
export const skipInput = z.object({
  tokenId: id,
  /** `back`: waits again after everyone waiting now; `out`: leaves the queue (can be sent back later). */
  to: z.enum(['back', 'out'], { message: 'Skip to the back of the queue or out of it.' }),
});
export const walkInTokenInput = z.object({
  sessionId: id,
  name: z.string({ message: "Give the walk-in's name." }).trim().min(1, "Give the walk-in's name.").max(WALK_IN_NAME_MAX, `A name is at most ${WALK_IN_NAME_MAX} characters.`),
});
export const attachPatientInput = z.object({ tokenId: id, patientId: id });
export const queueInput = z.object({ sessionId: id });

export const displayLinkCreateInput = z.object({
  branchId: id,
  name: z.string({ message: 'Name the display (e.g. Waiting room TV).' }).trim().min(1, 'Name the display (e.g. Waiting room TV).').max(80, 'A name is at most 80 characters.'),
});
export const displayLinkRevokeInput = z.object({ linkId: id });
export const displayLinksInput = z.object({ branchId: id });
export const setDisplayFirstNamesInput = z.object({ on: z.boolean({ message: 'Say whether first names are shown.' }) });

/** One token as the queue panel shows it. */
export interface QueueTokenView {
  id: string;
  sessionId: string;
  number: number;
  state: QueueState;
  patientId: string | null;
  /** The patient's name, or the walk-in's name until a patient is attached. */
  name: string;
  walkIn: boolean;
  counter: string | null;
  calledAt: string | null;
  servedAt: string | null;
  callCount: number;
}

/** A session's queue: who is being served where, who waits (in calling order), who was skipped out. */
export interface QueueView {
  sessionId: string;
  branchId: string;
  name: string;
  capacity: number;
  issued: number;
  /** Tokens being served now, one per counter, latest call first. */
  nowServing: QueueTokenView[];
  waiting: QueueTokenView[];
  skipped: QueueTokenView[];
  served: number;
}

export interface DisplayLinkView {
  id: string;
  branchId: string;
  name: string;
  createdAt: string;
  revokedAt: string | null;
}

/** A new link: the secret path is shown once, only its hash is kept. */
export interface CreatedDisplayLink {
  link: DisplayLinkView;
  path: string;
}

/** What the waiting-room page shows: numbers, counters, first names only when the clinic allows. */
export interface DisplayState {
  branchName: string;
  sessions: {
    id: string;
    name: string;
    nowServing: { number: number; counter: string; firstName: string | null }[];
    next: { number: number; firstName: string | null }[];
  }[];
}

/** A queue event's payload: the token as it is now, the counter involved. */
export interface QueueTokenChange {
  token: QueueTokenView;
  sessionId: string;
}
