import type { z } from 'zod';

// The desk checks what it sends with the same zod schemas the server uses, so
// a slip is named next to its field before anything goes out. The server
// still decides.

/** Plain words for the limits a schema states without a message of its own. */
const plainWords: z.core.$ZodErrorMap = (issue) => {
  if (issue.code !== 'too_small' && issue.code !== 'too_big') return undefined;
  const unit = issue.origin === 'string' ? ' characters' : '';
  if (issue.code === 'too_big') return `at most ${String(issue.maximum)}${unit}`;
  return issue.minimum === 1 && unit ? 'this cannot be empty' : `at least ${String(issue.minimum)}${unit}`;
};

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Null when `input` passes; else one plain message per field, keyed by its path ("note", "products.0.quantity"). */
export function problemsWith<S extends z.ZodType>(schema: S, input: z.input<S>): Record<string, string> | null {
  const result = schema.safeParse(input, { error: plainWords });
  if (result.success) return null;
  const problems: Record<string, string> = {};
  for (const issue of result.error.issues) problems[issue.path.join('.')] ??= capitalised(issue.message);
  return problems;
}
