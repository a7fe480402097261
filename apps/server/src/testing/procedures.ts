import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { appRouter } from '../router.js';
import type { Meta } from '../trpc/init.js';

// Walks the router as it is at run time, so tests cover procedures added
// after they were written, and builds inputs for them from their schemas.

export interface ProcedureInfo {
  path: string;
  type: 'query' | 'mutation' | 'subscription';
  meta: Partial<Meta> | undefined;
  input: z.ZodType | null;
}

interface RawProcedure {
  _def: { type: ProcedureInfo['type']; meta?: Partial<Meta>; inputs: z.ZodType[] };
}

export function listProcedures(): ProcedureInfo[] {
  const procedures = (appRouter._def as unknown as { procedures: Record<string, RawProcedure> }).procedures;
  return Object.entries(procedures)
    .map(([path, p]) => ({ path, type: p._def.type, meta: p._def.meta, input: p._def.inputs[0] ?? null }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

/** Calls a procedure by its dotted path on a server-side caller. */
export function invoke(caller: unknown, path: string, input: unknown): Promise<unknown> {
  let target: unknown = caller;
  for (const part of path.split('.')) target = (target as Record<string, unknown>)[part];
  return (target as (input: unknown) => Promise<unknown>)(input);
}

/**
 * Runs a call to completion: a subscription counts as succeeded when it
 * yields or stays open for `openMs`, failed when it throws first.
 */
export async function settle(call: () => Promise<unknown>, openMs = 300): Promise<{ ok: true; value: unknown } | { ok: false; error: unknown }> {
  try {
    const value = await call();
    if (value && typeof value === 'object' && Symbol.asyncIterator in value) {
      const iterator = (value as AsyncIterable<unknown>)[Symbol.asyncIterator]();
      try {
        const first = await Promise.race([iterator.next(), new Promise<'open'>((r) => setTimeout(() => r('open'), openMs))]);
        return { ok: true, value: first === 'open' ? null : first.value };
      } catch (error) {
        return { ok: false, error };
      } finally {
        void iterator.return?.();
      }
    }
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Ids of one clinic by the field names procedures use for them. */
export type IdTable = Record<string, string>;

/** The id a field of this name refers to, e.g. branchId / branchIds → the branch. */
export function idFor(key: string, ids: IdTable, path: string): string | null {
  const singular = key.endsWith('Ids') ? key.slice(0, -1) : key;
  if (ids[singular]) return ids[singular] ?? null;
  if (singular === 'id') {
    // A bare `id`: guess the entity from the procedure's path.
    const hit = Object.keys(ids).find((k) => path.toLowerCase().includes(k.replace(/Id$/, '').toLowerCase()));
    return hit ? (ids[hit] ?? null) : null;
  }
  return null;
}

type Def = { type: string; [k: string]: unknown };
const defOf = (schema: unknown): Def | null => ((schema as { _zod?: { def?: Def } } | null)?._zod?.def ?? null);

const fits = (schema: unknown, value: unknown): boolean => (schema as z.ZodType).safeParse(value).success;

const STRING_CANDIDATES = (key: string): string[] => {
  const unique = randomBytes(4).toString('hex');
  const byKey: Record<string, string> = {
    email: `probe-${unique}@example.test`,
    password: 'a long enough password 1',
    currentPassword: 'not the password',
    newPassword: 'another long password 2',
    phone: '+1 212 555 0199',
    idempotencyKey: `probe-${unique}`,
    name: `Probe ${unique}`,
    query: 'a',
    reason: 'probe',
    endsAt: '2030-01-08T11:00:00.000-05:00',
    to: '2030-01-08T11:00:00.000-05:00',
  };
  return [
    ...(byKey[key] ? [byKey[key]] : []),
    '2030-01-08T10:00:00.000-05:00',
    '2030-01-08',
    `probe-${unique}@example.test`,
    `probe-${unique}`,
    'probe',
    'x',
  ];
};

const NUMBER_CANDIDATES: Record<string, number[]> = {
  version: [1],
  weekday: [1],
  startMinute: [540],
  endMinute: [1020],
};

/**
 * A value the schema accepts, with every id-shaped field filled from `ids`
 * (optional ones too, so the call aims at those ids). Null when the schema
 * has a shape this builder does not know.
 */
export function buildValue(schema: unknown, key: string, ids: IdTable, path: string): { value: unknown } | null {
  const def = defOf(schema);
  if (!def) return null;
  const idValue = idFor(key, ids, path);
  switch (def.type) {
    case 'optional':
    case 'default':
    case 'prefault': {
      // The top-level input and id fields are filled in; other optional fields left out.
      const wanted = key === '' || idValue !== null;
      if (!wanted) return { value: undefined };
      return buildValue(def.innerType, key, ids, path);
    }
    case 'nullable':
      return buildValue(def.innerType, key, ids, path) ?? { value: null };
    case 'pipe':
      return buildValue(def.in, key, ids, path);
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return buildValue(def.innerType, key, ids, path);
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(def.shape as Record<string, unknown>)) {
        const built = buildValue(v, k, ids, path);
        if (!built) return null;
        if (built.value !== undefined) out[k] = built.value;
      }
      return { value: out };
    }
    case 'array': {
      const element = buildValue(def.element, key, ids, path);
      return element ? { value: [element.value] } : null;
    }
    case 'string': {
      if (idValue && fits(schema, idValue)) return { value: idValue };
      const hit = STRING_CANDIDATES(key).find((c) => fits(schema, c));
      return hit === undefined ? null : { value: hit };
    }
    case 'number': {
      const hit = [...(NUMBER_CANDIDATES[key] ?? []), 1, 5, 30, 100, 0].find((c) => fits(schema, c));
      return hit === undefined ? null : { value: hit };
    }
    case 'boolean':
      return { value: false };
    case 'enum':
      return { value: Object.values(def.entries as Record<string, unknown>)[0] };
    case 'literal':
      return { value: (def.values as unknown[])[0] };
    case 'union': {
      for (const option of def.options as unknown[]) {
        const built = buildValue(option, key, ids, path);
        if (built) return built;
      }
      return null;
    }
    case 'null':
      return { value: null };
    case 'undefined':
    case 'void':
      return { value: undefined };
    default:
      return null;
  }
}

/** An input for a procedure aimed at `ids`, checked against its own schema; null when none could be built. */
export function buildInput(procedure: ProcedureInfo, ids: IdTable): { value: unknown } | null {
  if (!procedure.input) return { value: undefined };
  const built = buildValue(procedure.input, '', ids, procedure.path);
  if (!built) return null;
  return fits(procedure.input, built.value) ? built : null;
}

/** The id-shaped fields an input carries, as "field=value". */
export function idFieldsOf(value: unknown, ids: IdTable): string[] {
  const wanted = new Set(Object.values(ids));
  const found: string[] = [];
  const walk = (v: unknown, key: string) => {
    if (typeof v === 'string' && wanted.has(v)) found.push(key);
    else if (Array.isArray(v)) v.forEach((x) => walk(x, key));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(value, '');
  return found;
}
