import { z } from 'zod';

// Every refusal of a schema in plain words, naming its field: "Phone needs at
// least 5 characters.", never "Too small: expected string to have >=5
// characters". A schema's own message wins; this covers every limit stated
// without one, in every schema of this package, on the server and the desk
// alike (zod's global configuration, set once when this package loads).

type Issue = z.core.$ZodRawIssue;

/** A field's name as a person reads it: startsAt → "Starts at", patientId → "Patient", resourceIds → "Resources". */
export function fieldLabel(path: readonly PropertyKey[] | undefined): string {
  const key = [...(path ?? [])].reverse().find((p): p is string => typeof p === 'string');
  if (!key) return 'This';
  const words = key
    .replace(/Ids$/, 's')
    .replace(/Id$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const FORMATS: Record<string, (label: string) => string> = {
  email: () => 'Enter an email address, e.g. name@clinic.example.',
  uuid: (l) => `${l} is not a valid id.`,
  guid: (l) => `${l} is not a valid id.`,
  datetime: (l) => `${l} must be a date and time with its time zone.`,
  date: (l) => `${l} must be a date (YYYY-MM-DD).`,
  time: (l) => `${l} must be a time (HH:MM).`,
  regex: (l) => `${l} is not in the expected form.`,
};

const plural = (n: unknown, one: string, many: string) => `${String(n)} ${Number(n) === 1 ? one : many}`;

/** The plain sentence for an issue a schema gave no message of its own; undefined leaves zod's. */
export function plainWords(issue: Issue): string | undefined {
  const label = fieldLabel(issue.path);
  const i = issue as Issue & { origin?: string; minimum?: unknown; maximum?: unknown; inclusive?: boolean; format?: string; values?: unknown[]; keys?: string[] };
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined || issue.input === null ? `${label} is needed.` : `${label} is not in the right form.`;
    case 'too_small':
      if (i.origin === 'string') return Number(i.minimum) <= 1 ? `${label} cannot be empty.` : `${label} needs at least ${plural(i.minimum, 'character', 'characters')}.`;
      if (i.origin === 'array' || i.origin === 'set') return `${label} needs at least ${plural(i.minimum, 'entry', 'entries')}.`;
      return `${label} must be ${i.inclusive === false ? 'more than' : 'at least'} ${String(i.minimum)}.`;
    case 'too_big':
      if (i.origin === 'string') return `${label} can have at most ${plural(i.maximum, 'character', 'characters')}.`;
      if (i.origin === 'array' || i.origin === 'set') return `${label} can have at most ${plural(i.maximum, 'entry', 'entries')}.`;
      return `${label} must be ${i.inclusive === false ? 'less than' : 'at most'} ${String(i.maximum)}.`;
    case 'invalid_format':
      return (FORMATS[i.format ?? ''] ?? FORMATS.regex!)(label);
    case 'invalid_value':
      return `${label} must be one of: ${(i.values ?? []).map(String).join(', ')}.`;
    case 'not_multiple_of':
      return `${label} is not a whole step.`;
    case 'unrecognized_keys':
      return `Not a field this form knows: ${(i.keys ?? []).join(', ')}.`;
    case 'invalid_union':
    case 'invalid_key':
    case 'invalid_element':
      return `${label} is not in the right form.`;
    default:
      return undefined;
  }
}

/** A message as one sentence: capital first letter, a full stop at the end. */
export function asSentence(message: string): string {
  const trimmed = message.trim();
  if (!trimmed) return trimmed;
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

z.config({ customError: plainWords });
