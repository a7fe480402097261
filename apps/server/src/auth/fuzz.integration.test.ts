import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../router.js';
import { databaseChecksum } from '../testing/checksum.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import type { Deps } from '../deps.js';
import { failureCode } from '../testing/errors.js';
import { buildInput, invoke, listProcedures, settle, type ProcedureInfo } from '../testing/procedures.js';
import { idTableOf, seedIsolationClinic, type IsolationClinic } from '../testing/tenants.js';
import { createCallerFactory } from '../trpc/init.js';

// Random and malicious inputs to every procedure, as tenant A's admin (who
// may call them all): never an internal error, and a refused call changes
// nothing. A call that happens to be valid may succeed and change data.

const RUNS_PER_PROCEDURE = Number(process.env.FUZZ_RUNS ?? 20);
const factory = createCallerFactory(appRouter);
const procedures = listProcedures();

let db: TestDatabase;
/** The app's deps with row-level security in force for every transaction. */
let deps: Deps;
let a: IsolationClinic;
let caller: ReturnType<typeof factory>;
let token: string;

async function signInAdmin(): Promise<void> {
  // Fuzzing login and changePassword racks up failures; they must not lock the test out.
  await db.sql.query('DELETE FROM login_attempt');
  const anonymous = factory({ deps, token: null, ip: '127.0.0.1', actor: null });
  token = (await anonymous.auth.login({ email: a.staff.admin.email, password: a.password, desk: 'fuzz' })).token;
  caller = factory({ deps, token, ip: '127.0.0.1', actor: null });
}

beforeAll(async () => {
  db = await createTestDatabase();
  deps = db.deps;
  a = await seedIsolationClinic(db.owner, 'a');
  await seedIsolationClinic(db.owner, 'b');
  await signInAdmin();
});
afterAll(() => db.drop());

// Counterexamples print this marker; the call gets 100,000 characters in its place.
const HUGE = '<huge>';
const HUGE_TEXT = 'x'.repeat(100_000);
function materialize(value: unknown): unknown {
  if (value === HUGE) return HUGE_TEXT;
  if (Array.isArray(value)) return value.map(materialize);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k === HUGE ? HUGE_TEXT : k, materialize(v)]));
  }
  return value;
}
const malicious: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    "'; DROP TABLE patient; --",
    "' OR '1'='1",
    '<script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
    '0001-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
    '0001-01-01',
    '9999-12-31',
    '2026-02-30',
    '2026-11-22T09:00:00',
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    '\u0000',
    '',
    '   ',
    'NaN',
    '-1',
    '../../etc/passwd',
    '${7*7}',
    '__proto__',
    HUGE,
  ),
  fc.constantFrom(NaN, Infinity, -Infinity, -1, -1e308, 1e308, 0, 2 ** 31, -(2 ** 31) - 1, 1.5, Number.MAX_SAFE_INTEGER + 2),
  fc.constantFrom(null, undefined, true, false, [], {}, [[[[]]]], { constructor: { prototype: {} } }, new Date(-62135596800000), new Date(253402300799000)),
  fc.string({ maxLength: 50 }),
  fc.integer(),
  fc.double(),
  fc.array(fc.string({ maxLength: 10 }), { maxLength: 5 }),
  fc.object({ maxDepth: 3, maxKeys: 4 }),
);

/** Every path to a leaf of a value, e.g. ['hours', 0, 'weekday']. */
function leafPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.length ? value.flatMap((v, i) => leafPaths(v, [...prefix, i])) : [prefix];
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length ? entries.flatMap(([k, v]) => leafPaths(v, [...prefix, k])) : [prefix];
  }
  return [prefix];
}

function replaced(value: unknown, path: (string | number)[], next: unknown): unknown {
  if (path.length === 0) return next;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (Array.isArray(value)) return value.map((v: unknown, i) => (i === head ? replaced(v, rest, next) : v));
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  copy[head] = replaced(copy[head], rest, next);
  return copy;
}

function inputsFor(procedure: ProcedureInfo): fc.Arbitrary<unknown> {
  const base = buildInput(procedure, idTableOf(a))?.value;
  const options: fc.Arbitrary<unknown>[] = [malicious];
  if (base && typeof base === 'object') {
    const paths = leafPaths(base).filter((p) => p.length > 0);
    if (paths.length) options.push(fc.tuple(fc.constantFrom(...paths), malicious).map(([p, v]) => replaced(base, p, v)));
    options.push(fc.tuple(fc.string({ minLength: 1, maxLength: 20 }), malicious).map(([k, v]) => ({ ...base, [k]: v, [`${k}_extra`]: HUGE })));
    // An input whose every field is optional builds as {}: nothing to replace, the extra keys above still apply.
    if (Object.keys(base).length) options.push(
      fc.tuple(fc.constantFrom(...Object.keys(base)), malicious, malicious).map(([k, v, w]) => ({ ...replaced(base, [k], v) as object, nested: { deeper: { deepest: w } } })),
    );
  }
  return fc.oneof(...options);
}

function describeInput(input: unknown): string {
  const text = JSON.stringify(input, (_k, v: unknown) => (typeof v === 'string' && v.length > 60 ? `${v.slice(0, 20)}…(${v.length})` : typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
  return text === undefined ? String(input) : text.slice(0, 300);
}

async function call(procedure: ProcedureInfo, input: unknown) {
  const run = () =>
    Promise.race([
      settle(() => invoke(caller, procedure.path, materialize(input)), 50),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${procedure.path} hung on ${describeInput(input)}`)), 15_000)),
    ]);
  const result = await run();
  // A fuzzed logout ends the admin's session: sign in again and retry, so later calls still reach the procedures.
  if (!result.ok && failureCode(result.error) === 'UNAUTHORIZED' && procedure.path !== 'auth.login' && !(await db.deps.auth.authenticate(token))) {
    await signInAdmin();
    return run();
  }
  return result;
}

describe('fuzzing every procedure as an admin', () => {
  it.each(procedures.map((p) => [p.path, p] as const))('%s: never an internal error, a refused call changes nothing', async (_path, procedure) => {
    // The database as it was before each call: taken once, then again only after a call that succeeded.
    let before = await databaseChecksum(db.sql);
    await fc.assert(
      fc.asyncProperty(inputsFor(procedure), async (input) => {
        const result = await call(procedure, input);
        if (result.ok) {
          before = await databaseChecksum(db.sql);
          return;
        }
        const code = failureCode(result.error);
        const cause = (result.error as { cause?: Error } | null)?.cause;
        expect(code, `${procedure.path}(${describeInput(input)}) → ${String(cause?.stack ?? cause ?? result.error)}`).not.toBe('INTERNAL_SERVER_ERROR');
        expect(await databaseChecksum(db.sql), `${procedure.path}(${describeInput(input)}) failed with ${code} but changed the database`).toEqual(before);
      }),
      { numRuns: RUNS_PER_PROCEDURE, endOnFailure: true },
    );
  });
});
