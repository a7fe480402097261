import { domainErrorOf, type ErrorDetails } from '@frontdesk/shared';
import { isNetworkFailure } from './connection.js';
import { timeRange } from './time.js';

// One plain sentence for any failure. The UI branches on codes, never on text.

export function sentenceFor(error: unknown): string {
  if (isNetworkFailure(error)) return "Can't reach the server. Nothing was changed; try again when it is back.";
  const domain = domainErrorOf(error);
  if (!domain) return 'Something went wrong. Please try again.';
  switch (domain.code) {
    case 'SLOT_TAKEN':
      return slotTakenSentence(domain.details);
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

/**
 * What is in the way, in words: the patient's own appointment (named: what,
 * with whom, when, where; the clinic's staff may know), time off, or another
 * desk's hold or booking.
 */
export function slotTakenSentence(details: ErrorDetails['SLOT_TAKEN']): string {
  const patient = details.blockers.find((b) => b.kind === 'patient');
  if (patient) {
    const e = patient.existing;
    if (!e) return 'This patient already has an appointment at that time.';
    const withWhom = e.resourceNames.length ? ` with ${e.resourceNames.join(' and ')}` : '';
    return `This patient already has ${e.serviceName}${withWhom} at ${timeRange(e.startsAt, e.endsAt, e.timeZone)} (${e.branchName}).`;
  }
  if (details.blockers.length > 0 && details.blockers.every((b) => b.kind === 'time_off')) return 'That time is blocked (time off).';
  // A booking already there is not "another desk" at work right now; a hold (or a race lost) is.
  if (details.blockers.length > 0 && details.blockers.every((b) => b.kind === 'appointment')) return 'That time is already booked.';
  return 'That time has just been taken by another desk.';
}
