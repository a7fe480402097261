import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffRole } from '@frontdesk/shared';
import { appRouter } from '../router.js';
import { databaseChecksum } from '../testing/checksum.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import type { Deps } from '../deps.js';
import { failureCode } from '../testing/errors.js';
import { buildInput, idFieldsOf, invoke, listProcedures, settle, type ProcedureInfo } from '../testing/procedures.js';
import { idTableOf, idsOf, seedIsolationClinic, type IsolationClinic } from '../testing/tenants.js';
import { createCallerFactory } from '../trpc/init.js';
import { PERMISSIONS, roleMay, type Permission } from './permissions.js';

// Generated from the router itself: every procedure must name an access rule,
// every role is refused what its permissions do not grant, and nobody in
// tenant A reaches tenant B's rows. Nothing changes in the database when a
// call is refused.

/** Procedures anyone may call without signing in. Adding one is a decision. */
const PUBLIC = new Set(['auth.login', 'setup.firstRun.status', 'setup.firstRun.create']);
const REFUSALS = new Set(['FORBIDDEN', 'NOT_FOUND', 'BAD_INPUT', 'BAD_REQUEST']);

const factory = createCallerFactory(appRouter);
const procedures = listProcedures();
const staffProcedures = procedures.filter((p) => p.meta?.access && p.meta.access !== 'public');

let db: TestDatabase;
/** The app's deps with row-level security in force for every transaction. */
let deps: Deps;
let a: IsolationClinic;
let b: IsolationClinic;
const callers = {} as Record<StaffRole, unknown>;
let bIds: Set<string>;


async function signIn(email: string, password: string) {
  const { token } = await factory({ deps, token: null, ip: '127.0.0.1', actor: null }).auth.login({ email, password, desk: 'access test' });
  return factory({ deps, token, ip: '127.0.0.1', actor: null });
}

beforeAll(async () => {
  db = await createTestDatabase();
  deps = db.deps;
  a = await seedIsolationClinic(db.owner, 'a');
  b = await seedIsolationClinic(db.owner, 'b');
  bIds = new Set(idsOf(b));
  callers.RECEPTIONIST = await signIn(a.staff.receptionist.email, a.password);
  callers.CALL_CENTRE = await signIn(a.staff.callCentre.email, a.password);
  callers.BRANCH_MANAGER = await signIn(a.staff.manager.email, a.password);
  callers.ADMIN = await signIn(a.staff.admin.email, a.password);
});
afterAll(() => db.drop());

/** Any of tenant B's ids in a response is a leak. */
function leakedIds(value: unknown): string[] {
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? '';
  return [...bIds].filter((id) => text.includes(id));
}

async function expectRefusedWithoutChange(caller: unknown, procedure: ProcedureInfo, input: unknown, allowed: ReadonlySet<string>) {
  const before = await databaseChecksum(db.sql);
  const result = await settle(() => invoke(caller, procedure.path, input));
  const after = await databaseChecksum(db.sql);
  const outcome = result.ok ? `succeeded with ${JSON.stringify(result.value)?.slice(0, 200)}` : failureCode(result.error);
  expect(result.ok ? 'SUCCESS' : failureCode(result.error), `${procedure.path}(${JSON.stringify(input)}) ${outcome}`).toSatisfy((code: string) => allowed.has(code));
  expect(after, `${procedure.path} changed the database`).toEqual(before);
}

describe('the router itself', () => {
  it('has procedures to check', () => {
    expect(procedures.length).toBeGreaterThan(3);
  });

  it.each(procedures.map((p) => [p.path, p] as const))('%s names an access rule', (_path, procedure) => {
    const access = procedure.meta?.access;
    expect(access, `${procedure.path} has no access rule in its meta`).toBeDefined();
    expect(['public', ...PERMISSIONS]).toContain(access);
    if (access === 'public') expect(PUBLIC.has(procedure.path), `${procedure.path} is public but not on the public list`).toBe(true);
  });
});

describe('signed out', () => {
  it.each(staffProcedures.map((p) => [p.path, p] as const))('%s: UNAUTHORIZED', async (_path, procedure) => {
    const anonymous = factory({ deps, token: null, ip: '127.0.0.1', actor: null });
    const input = buildInput(procedure, idTableOf(a))?.value;
    await expectRefusedWithoutChange(anonymous, procedure, input, new Set(['UNAUTHORIZED']));
  });

  it('a made-up token is refused too', async () => {
    const forged = factory({ deps, token: 'A'.repeat(43), ip: '127.0.0.1', actor: null });
    const result = await settle(() => forged.auth.me());
    expect(result.ok ? 'SUCCESS' : failureCode(result.error)).toBe('UNAUTHORIZED');
  });
});

const ROLES: StaffRole[] = ['RECEPTIONIST', 'CALL_CENTRE', 'BRANCH_MANAGER', 'ADMIN'];
const aboveRole = staffProcedures.flatMap((p) =>
  ROLES.filter((role) => !roleMay(role, p.meta?.access as Permission)).map((role) => [p.path, role, p] as const),
);

describe('a role calling a procedure above its powers', () => {
  it.each(aboveRole)('%s as %s: FORBIDDEN, nothing changes', async (_path, role, procedure) => {
    const input = buildInput(procedure, idTableOf(a))?.value;
    await expectRefusedWithoutChange(callers[role], procedure, input, new Set(['FORBIDDEN']));
  });
});

describe("tenant A's admin aiming at tenant B's ids", () => {
  const withIds = staffProcedures.filter((p) => p.input);
  it.each(withIds.map((p) => [p.path, p] as const))('%s: FORBIDDEN or NOT_FOUND, nothing changes', async (_path, procedure) => {
    const built = buildInput(procedure, idTableOf(b));
    if (!built) {
      // Still must not succeed: send the ids we have in a best-effort shape.
      await expectRefusedWithoutChange(callers.ADMIN, procedure, idTableOf(b), REFUSALS);
      return;
    }
    if (idFieldsOf(built.value, idTableOf(b)).length === 0) return; // nothing of B's to aim at
    await expectRefusedWithoutChange(callers.ADMIN, procedure, built.value, REFUSALS);
  });
});

describe("a receptionist of A's east branch aiming at A's west branch", () => {
  const branchScoped = staffProcedures.filter((p) => p.input && roleMay('RECEPTIONIST', p.meta?.access as Permission));
  it.each(branchScoped.map((p) => [p.path, p] as const))('%s: refused when it names the west branch', async (_path, procedure) => {
    const westIds = { ...idTableOf(a), branchId: a.branches.west };
    const built = buildInput(procedure, westIds);
    if (!built || !idFieldsOf(built.value, { branchId: a.branches.west }).length) return;
    await expectRefusedWithoutChange(callers.RECEPTIONIST, procedure, built.value, REFUSALS);
  });
});

describe("queries without ids return nothing of tenant B's", () => {
  const queries = staffProcedures.filter((p) => p.type !== 'mutation');
  it.each(queries.map((p) => [p.path, p] as const))('%s', async (_path, procedure) => {
    for (const role of ROLES) {
      if (!roleMay(role, procedure.meta?.access as Permission)) continue;
      const built = buildInput(procedure, idTableOf(a));
      if (!built) continue;
      const result = await settle(() => invoke(callers[role], procedure.path, built.value));
      if (result.ok) expect(leakedIds(result.value), `${procedure.path} as ${role} returned tenant B ids`).toEqual([]);
      else expect(failureCode(result.error), `${procedure.path} as ${role} failed`).not.toBe('INTERNAL_SERVER_ERROR');
    }
  });
});
