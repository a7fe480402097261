import { domainErrorOf } from '@frontdesk/shared';
import { isNetworkFailure } from './connection.js';
import { sentenceFor } from './errors.js';

/** A refusal as a form shows it: next to the field it names, or above the buttons. */
export interface FormRefusal {
  field: string | null;
  message: string;
}

/**
 * Bad input names its field; a refusal of who may do what keeps the
 * server's own sentence (it says why, e.g. "A branch manager can only create
 * receptionists."); anything else is the desk's usual sentence.
 */
export function formRefusal(error: unknown): FormRefusal {
  if (isNetworkFailure(error)) return { field: null, message: sentenceFor(error) };
  const domain = domainErrorOf(error);
  if (domain?.code === 'BAD_INPUT') return { field: domain.details.field ?? null, message: domain.message };
  if (domain?.code === 'FORBIDDEN' || domain?.code === 'NOT_FOUND') return { field: null, message: domain.message };
  return { field: null, message: sentenceFor(error) };
}
