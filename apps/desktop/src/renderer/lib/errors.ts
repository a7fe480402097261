import { domainErrorOf } from '@frontdesk/shared';
import { isNetworkFailure } from './connection.js';

// One plain sentence for any failure. The UI branches on codes, never on text.

export function sentenceFor(error: unknown): string {
  if (isNetworkFailure(error)) return "Can't reach the server. Nothing was changed; try again when it is back.";
  const domain = domainErrorOf(error);
  if (!domain) return 'Something went wrong. Please try again.';
  switch (domain.code) {
    case 'SLOT_TAKEN':
      return 'That time has just been taken by another desk.';
    case 'HOLD_EXPIRED':
      return 'The hold expired before it was confirmed.';
    case 'STALE':
      return 'This appointment was changed on another desk. Here is how it stands now.';
    case 'CAPACITY_FULL':
      return domain.details.nextSession
        ? `This session is full. ${domain.details.nextSession.name} has ${domain.details.nextSession.remaining} tokens left.`
        : 'This session is full and there is no later session today.';
    case 'OUT_OF_STOCK':
      return `Not enough in stock here: ${domain.details.available} left.`;
    case 'OUTSIDE_HOURS':
      return 'That is outside the working hours (or during time off).';
    case 'FORBIDDEN':
      return 'Your role does not allow that.';
    case 'UNAUTHORIZED':
      return 'Please sign in again.';
    case 'UNAVAILABLE':
      return 'The database is unavailable; try again in a moment.';
    default:
      return domain.message;
  }
}
