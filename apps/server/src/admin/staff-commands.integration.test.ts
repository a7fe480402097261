import { beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../router.js';
import { callerFor, type Caller } from '../testing/callers.js';
import { domainOf, failure, failureCode } from '../testing/errors.js';
import { demoDatabase } from '../testing/file-database.js';
import { createCallerFactory } from '../trpc/init.js';

// Staff management's commands beyond create/disable: invite with a temporary
// password, edit, enable, reset password, and the forced change of a
// temporary password at the next sign-in.

const setup = demoDatabase({ emailDomain: 'staffcmd.test', patients: 2 });
const factory = createCallerFactory(appRouter);
let admin: Caller;
let manager: Caller;

beforeAll(async () => {
  admin = await callerFor(setup.db.deps, setup.demo.staff.admin.email, setup.demo.password, 'office');
  manager = await callerFor(setup.db.deps, setup.demo.staff.manager.email, setup.demo.password, 'manager desk');
});

const anonymous = () => factory({ deps: setup.db.deps, token: null, ip: '10.9.0.1', actor: null });
const withToken = (token: string) => factory({ deps: setup.db.deps, token, ip: '10.9.0.1', actor: null });

async function signIn(email: string, password: string) {
  const result = await anonymous().auth.login({ email, password, desk: 'counter' });
  return { ...result, caller: withToken(result.token) };
}

async function staffRow(id: string) {
  const { rows } = await setup.db.sql.query('SELECT name, role, disabled, must_change_password, password_hash FROM staff WHERE id = $1', [id]);
  return rows[0] as { name: string; role: string; disabled: boolean; must_change_password: boolean; password_hash: string };
}

async function branchesOf(id: string): Promise<string[]> {
  const { rows } = await setup.db.sql.query<{ branch_id: string }>('SELECT branch_id::text FROM staff_branch WHERE staff_id = $1 ORDER BY branch_id', [id]);
  return rows.map((r) => r.branch_id);
}

async function changesOf(id: string) {
  const { rows } = await setup.db.sql.query('SELECT actor_id::text, desk, payload FROM event WHERE type = $1 AND aggregate_id = $2 ORDER BY seq', ['staff.changed', id]);
  return rows as { actor_id: string; desk: string; payload: { change: string; role: string; branchIds: string[]; previousBranchIds?: string[] } }[];
}

const FIRST = 'Choose a new password first.';

describe('invite: an account with a temporary password, shown once', () => {
  it('the server makes the password when none is typed; the account must change it, and the log never holds it', async () => {
    const invited = await admin.admin.staff.invite({ name: 'Rosa Reyes', email: 'rosa@staffcmd.test', role: 'RECEPTIONIST', branchIds: [setup.demo.branches.east] });
    expect(invited.temporaryPassword).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}-[a-z2-9]{5}$/);
    expect(invited.staff).toMatchObject({ email: 'rosa@staffcmd.test', role: 'RECEPTIONIST', branchIds: [setup.demo.branches.east], disabled: false, mustChangePassword: true });
    expect((await staffRow(invited.staff.id)).must_change_password).toBe(true);
    const log = await changesOf(invited.staff.id);
    expect(log).toEqual([expect.objectContaining({ actor_id: setup.demo.staff.admin.id, desk: 'office', payload: expect.objectContaining({ change: 'created' }) })]);
    expect(JSON.stringify(log)).not.toContain(invited.temporaryPassword);
    // Listed as waiting for its own password.
    const listed = await admin.admin.staff.list();
    expect(listed.find((s) => s.id === invited.staff.id)?.mustChangePassword).toBe(true);
  });

  it('a typed temporary password is used as given and must follow the password policy', async () => {
    const invited = await manager.admin.staff.invite({
      name: 'Tom Typed', email: 'tom@staffcmd.test', role: 'RECEPTIONIST', branchIds: [setup.demo.branches.east], temporaryPassword: 'welcome to midtown 1',
    });
    expect(invited.temporaryPassword).toBe('welcome to midtown 1');
    expect((await signIn('tom@staffcmd.test', 'welcome to midtown 1')).mustChangePassword).toBe(true);
    const weak = await failure(admin.admin.staff.invite({ name: 'Weak', email: 'weak@staffcmd.test', role: 'RECEPTIONIST', branchIds: [setup.demo.branches.east], temporaryPassword: 'short' }));
    expect(failureCode(weak)).toBe('BAD_REQUEST');
    // A manager invites receptionists of her own branches only.
    expect(failureCode(await failure(manager.admin.staff.invite({ name: 'Boss', email: 'boss@staffcmd.test', role: 'BRANCH_MANAGER', branchIds: [setup.demo.branches.east] })))).toBe('FORBIDDEN');
    expect(failureCode(await failure(manager.admin.staff.invite({ name: 'West', email: 'west@staffcmd.test', role: 'RECEPTIONIST', branchIds: [setup.demo.branches.west] })))).toBe('FORBIDDEN');
    const { rows } = await setup.db.sql.query(`SELECT count(*)::int AS n FROM staff WHERE email IN ('weak@staffcmd.test', 'boss@staffcmd.test', 'west@staffcmd.test')`);
    expect(rows[0].n).toBe(0);
  });
});

describe('a temporary password is changed before anything else', () => {
  it('sign-in and whoami say so; every other procedure is refused; changing it clears the flag and opens the desk', async () => {
    const { temporaryPassword, staff } = await admin.admin.staff.invite({ name: 'Nadia New', email: 'nadia@staffcmd.test', role: 'RECEPTIONIST', branchIds: [setup.demo.branches.east] });
    const first = await signIn('nadia@staffcmd.test', temporaryPassword);
    expect(first.mustChangePassword).toBe(true);
    expect(await first.caller.auth.me()).toMatchObject({ staffId: staff.id, mustChangePassword: true });

    for (const call of [
      () => first.caller.catalog.branches(),
      () => first.caller.patients.search({ query: 'Sh' }),
      () => first.caller.availability.day({ branchId: setup.demo.branches.east, date: '2030-01-07' }),
    ]) {
      const refused = await failure(call());
      expect(domainOf(refused)).toEqual({ code: 'FORBIDDEN', message: FIRST, details: {} });
    }
    // The session's own procedures still work: a wrong current password is refused as usual.
    expect(domainOf(await failure(first.caller.auth.changePassword({ currentPassword: 'not it at all', newPassword: 'nadia own secret 7' })))).toMatchObject({ details: { field: 'currentPassword' } });
    await first.caller.auth.changePassword({ currentPassword: temporaryPassword, newPassword: 'nadia own secret 7' });

    expect((await staffRow(staff.id)).must_change_password).toBe(false);
    expect((await first.caller.auth.me()).mustChangePassword).toBe(false);
    expect((await first.caller.catalog.branches()).length).toBeGreaterThan(0);
    const again = await signIn('nadia@staffcmd.test', 'nadia own secret 7');
    expect(again.mustChangePassword).toBe(false);
    expect(failureCode(await failure(signIn('nadia@staffcmd.test', temporaryPassword)))).toBe('UNAUTHORIZED');
  });

  it('signing out works while the change is pending', async () => {
    const { temporaryPassword } = await admin.admin.staff.invite({ name: 'Otto Out', email: 'otto@staffcmd.test', role: 'CALL_CENTRE' });
    const session = await signIn('otto@staffcmd.test', temporaryPassword);
    expect(await session.caller.auth.logout()).toEqual({ ok: true });
    expect(failureCode(await failure(session.caller.auth.me()))).toBe('UNAUTHORIZED');
  });
});

describe('edit: name, role and branches', () => {
  it('an admin renames, promotes and moves a receptionist; the log says what changed and which branches she left', async () => {
    const { staff } = await admin.admin.staff.invite({ name: 'Eve Edit', email: 'eve@staffcmd.test', role: 'RECEPTIONIST', branchIds: [setup.demo.branches.east] });
    const renamed = await admin.admin.staff.update({ staffId: staff.id, name: 'Eve Editson', role: 'RECEPTIONIST', branchIds: [setup.demo.branches.east] });
    expect(renamed.name).toBe('Eve Editson');
    const promoted = await admin.admin.staff.update({ staffId: staff.id, name: 'Eve Editson', role: 'BRANCH_MANAGER', branchIds: [setup.demo.branches.west] });
    expect(promoted).toMatchObject({ role: 'BRANCH_MANAGER', branchIds: [setup.demo.branches.west] });
    expect(await staffRow(staff.id)).toMatchObject({ name: 'Eve Editson', role: 'BRANCH_MANAGER' });
    expect(await branchesOf(staff.id)).toEqual([setup.demo.branches.west]);
    // Call centre works in every branch: no branch rows.
    const callCentre = await admin.admin.staff.update({ staffId: staff.id, name: 'Eve Editson', role: 'CALL_CENTRE', branchIds: [setup.demo.branches.west] });
    expect(callCentre.branchIds).toEqual([]);
    expect(await branchesOf(staff.id)).toEqual([]);

    const log = await changesOf(staff.id);
    expect(log.map((e) => e.payload.change)).toEqual(['created', 'updated', 'role', 'role']);
    expect(log[2]!.payload).toMatchObject({ role: 'BRANCH_MANAGER', branchIds: [setup.demo.branches.west], previousBranchIds: [setup.demo.branches.east] });
    // Saving without a change writes nothing.
    await admin.admin.staff.update({ staffId: staff.id, name: 'Eve Editson', role: 'CALL_CENTRE', branchIds: [] });
    expect(await changesOf(staff.id)).toHaveLength(4);
  });

  it('a branch-bound role needs a branch; nobody changes their own role; nothing is written when refused', async () => {
    const { staff } = await admin.admin.staff.invite({ name: 'Bea Bound', email: 'bea@staffcmd.test', role: 'CALL_CENTRE' });
    const noBranch = await failure(admin.admin.staff.update({ staffId: staff.id, name: 'Bea Bound', role: 'RECEPTIONIST', branchIds: [] }));
    expect(domainOf(noBranch)).toMatchObject({ code: 'BAD_INPUT', details: { field: 'branchIds' } });
    expect((await staffRow(staff.id)).role).toBe('CALL_CENTRE');
    const own = await failure(admin.admin.staff.update({ staffId: setup.demo.staff.admin.id, name: 'Me', role: 'RECEPTIONIST', branchIds: [setup.demo.branches.east] }));
    expect(domainOf(own)).toMatchObject({ code: 'BAD_INPUT', details: { field: 'role' } });
    expect((await staffRow(setup.demo.staff.admin.id)).role).toBe('ADMIN');
  });

  it('a branch manager edits her own branches’ receptionists only, and makes nobody a manager', async () => {
    const { staff } = await manager.admin.staff.invite({ name: 'Rae Reception', email: 'rae@staffcmd.test', role: 'RECEPTIONIST', branchIds: [setup.demo.branches.east] });
    expect((await manager.admin.staff.update({ staffId: staff.id, name: 'Rae R.', role: 'RECEPTIONIST', branchIds: [setup.demo.branches.east] })).name).toBe('Rae R.');
    const refusals = [
      { staffId: staff.id, name: 'Rae R.', role: 'BRANCH_MANAGER', branchIds: [setup.demo.branches.east] },
      { staffId: staff.id, name: 'Rae R.', role: 'RECEPTIONIST', branchIds: [setup.demo.branches.west] },
      { staffId: setup.demo.staff.receptionistWest.id, name: 'Moved', role: 'RECEPTIONIST', branchIds: [setup.demo.branches.east] },
      { staffId: setup.demo.staff.admin.id, name: 'Demoted', role: 'RECEPTIONIST', branchIds: [setup.demo.branches.east] },
    ] as const;
    for (const input of refusals) expect(failureCode(await failure(manager.admin.staff.update({ ...input, branchIds: [...input.branchIds] }))), input.name).toBe('FORBIDDEN');
    expect(await branchesOf(staff.id)).toEqual([setup.demo.branches.east]);
    expect((await staffRow(setup.demo.staff.receptionistWest.id)).name).not.toBe('Moved');
  });
});

describe('enable', () => {
  it('a disabled account is enabled again and signs in; the log says both', async () => {
    const { staff, temporaryPassword } = await admin.admin.staff.invite({ name: 'Dee Disabled', email: 'dee@staffcmd.test', role: 'RECEPTIONIST', branchIds: [setup.demo.branches.east] });
    expect((await admin.admin.staff.disable({ staffId: staff.id })).disabled).toBe(true);
    expect(failureCode(await failure(signIn('dee@staffcmd.test', temporaryPassword)))).toBe('UNAUTHORIZED');
    expect((await manager.admin.staff.enable({ staffId: staff.id })).disabled).toBe(false);
    await signIn('dee@staffcmd.test', temporaryPassword);
    expect((await changesOf(staff.id)).map((e) => e.payload.change)).toEqual(['created', 'disabled', 'enabled']);
    // Not a receptionist of hers: the manager cannot enable an admin or the other branch's staff.
    expect(failureCode(await failure(manager.admin.staff.enable({ staffId: setup.demo.staff.receptionistWest.id })))).toBe('FORBIDDEN');
  });
});

describe('reset password', () => {
  it('ends every session of the account at once, the old password stops working, the temporary one must be changed', async () => {
    const email = setup.demo.staff.receptionistWest.email;
    const before = await signIn(email, setup.demo.password);
    const reset = await admin.admin.staff.resetPassword({ staffId: setup.demo.staff.receptionistWest.id });
    expect(reset.staff.mustChangePassword).toBe(true);
    expect(reset.temporaryPassword).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}-[a-z2-9]{5}$/);

    expect(failureCode(await failure(before.caller.auth.me()))).toBe('UNAUTHORIZED');
    const { rows } = await setup.db.sql.query('SELECT count(*)::int AS n FROM staff_session WHERE staff_id = $1 AND revoked_at IS NULL', [setup.demo.staff.receptionistWest.id]);
    expect(rows[0].n).toBe(0);
    expect(failureCode(await failure(signIn(email, setup.demo.password)))).toBe('UNAUTHORIZED');

    const after = await signIn(email, reset.temporaryPassword);
    expect(after.mustChangePassword).toBe(true);
    expect(domainOf(await failure(after.caller.catalog.branches()))?.message).toBe(FIRST);
    await after.caller.auth.changePassword({ currentPassword: reset.temporaryPassword, newPassword: setup.demo.password + ' again' });
    expect((await signIn(email, setup.demo.password + ' again')).mustChangePassword).toBe(false);

    const log = await changesOf(setup.demo.staff.receptionistWest.id);
    expect(log.map((e) => e.payload.change)).toEqual(['password_reset', 'password']);
    expect(log[0]!.actor_id).toBe(setup.demo.staff.admin.id);
    expect(JSON.stringify(log)).not.toContain(reset.temporaryPassword);
  });

  it('a typed temporary password is used; a manager resets only her receptionists; nobody resets their own this way', async () => {
    const { staff } = await manager.admin.staff.invite({ name: 'Pia Pass', email: 'pia@staffcmd.test', role: 'RECEPTIONIST', branchIds: [setup.demo.branches.east] });
    const typed = await manager.admin.staff.resetPassword({ staffId: staff.id, temporaryPassword: 'pia fresh start 9' });
    expect(typed.temporaryPassword).toBe('pia fresh start 9');
    expect((await signIn('pia@staffcmd.test', 'pia fresh start 9')).mustChangePassword).toBe(true);

    const adminHash = (await staffRow(setup.demo.staff.admin.id)).password_hash;
    expect(failureCode(await failure(manager.admin.staff.resetPassword({ staffId: setup.demo.staff.admin.id })))).toBe('FORBIDDEN');
    expect(failureCode(await failure(manager.admin.staff.resetPassword({ staffId: setup.demo.staff.receptionistWest.id })))).toBe('FORBIDDEN');
    expect(domainOf(await failure(admin.admin.staff.resetPassword({ staffId: setup.demo.staff.admin.id })))).toMatchObject({ code: 'BAD_INPUT', details: { field: 'staffId' } });
    expect((await staffRow(setup.demo.staff.admin.id)).password_hash).toBe(adminHash);
    // The admin's own session was untouched by the refusals.
    expect((await admin.auth.me()).role).toBe('ADMIN');
  });
});

describe("an API client's own account", () => {
  it('is not a staff member: never listed, and enabling it or giving it a password is NOT_FOUND', async () => {
    const { client } = await admin.setup.apiClients.create({ name: 'Portal', branchIds: [setup.demo.branches.east], scopes: ['system/Appointment.write'] });
    const { rows } = await setup.db.sql.query('SELECT staff_id::text FROM api_client WHERE id = $1', [client.id]);
    const account = rows[0].staff_id as string;
    expect((await admin.admin.staff.list({ includeDisabled: true })).map((s) => s.id)).not.toContain(account);
    expect(failureCode(await failure(admin.admin.staff.enable({ staffId: account })))).toBe('NOT_FOUND');
    expect(failureCode(await failure(admin.admin.staff.resetPassword({ staffId: account })))).toBe('NOT_FOUND');
    expect(await staffRow(account)).toMatchObject({ disabled: true, password_hash: '!' });
  });
});
