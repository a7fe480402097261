import type { z } from 'zod';
import { asSentence } from '@frontdesk/shared';

// The desk checks what it sends with the same zod schemas the server uses, so
// a slip is named next to its field before anything goes out, in the same
// plain words the server would use (packages/shared plain-words.ts). The
// server still decides.

/** Null when `input` passes; else one plain sentence per field, keyed by its path ("note", "products.0.quantity"). */
export function problemsWith<S extends z.ZodType>(schema: S, input: z.input<S>): Record<string, string> | null {
  const result = schema.safeParse(input);
  if (result.success) return null;
  const problems: Record<string, string> = {};
  for (const issue of result.error.issues) problems[issue.path.join('.')] ??= asSentence(issue.message);
  return problems;
}
