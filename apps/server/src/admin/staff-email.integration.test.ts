import { beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../seed/demo.js';
import { callerFor, type Caller } from '../testing/callers.js';
import { domainOf, failure } from '../testing/errors.js';
import { databaseForFile } from '../testing/file-database.js';

const setup = databaseForFile(async (db) => ({
  here: await seedDemo(db.owner, { emailDomain: 'here.test', patients: 1 }),
  elsewhere: await seedDemo(db.owner, { emailDomain: 'elsewhere.test', tenantName: 'Another Clinic', patients: 1 }),
}));
let admin: Caller;
let manager: Caller;

beforeAll(async () => {
  admin = await callerFor(setup.db.deps, setup.here.staff.admin.email, setup.here.password);
  manager = await callerFor(setup.db.deps, setup.here.staff.manager.email, setup.here.password);
});

const NEUTRAL = { code: 'BAD_INPUT', message: 'That email cannot be used for a new account. Choose another.', details: { field: 'email' } };

async function staffCount(): Promise<number> {
  const { rows } = await setup.db.sql.query('SELECT count(*)::int AS n FROM staff');
  return rows[0].n;
}

describe('creating staff does not tell a clinic who has an account setup.elsewhere', () => {
  it("another clinic's email gets the same answer as an address the manager cannot see in her own clinic, and nothing is written", async () => {
    const before = await staffCount();
    const events = await setup.db.sql.query(`SELECT count(*)::int AS n FROM event WHERE type = 'staff.changed'`);
    const create = (caller: Caller, email: string) =>
      failure(caller.admin.staff.create({ name: 'New Person', email, role: 'RECEPTIONIST', branchIds: [setup.here.branches.east], password: 'a long new password' }));

    // Elsewhere, in any letter case.
    expect(domainOf(await create(admin, setup.elsewhere.staff.receptionist.email))).toEqual(NEUTRAL);
    expect(domainOf(await create(admin, setup.elsewhere.staff.admin.email.toUpperCase()))).toEqual(NEUTRAL);
    expect(domainOf(await create(manager, setup.elsewhere.staff.manager.email))).toEqual(NEUTRAL);
    // Here, but not in the manager's staff list (an admin, and the other branch's receptionist).
    expect(domainOf(await create(manager, setup.here.staff.admin.email))).toEqual(NEUTRAL);
    expect(domainOf(await create(manager, setup.here.staff.receptionistWest.email))).toEqual(NEUTRAL);

    expect(await staffCount()).toBe(before);
    const after = await setup.db.sql.query(`SELECT count(*)::int AS n FROM event WHERE type = 'staff.changed'`);
    expect(after.rows[0].n).toBe(events.rows[0].n);
    // The other clinic's account is untouched and still signs in.
    await callerFor(setup.db.deps, setup.elsewhere.staff.receptionist.email, setup.elsewhere.password);
  });

  it('a staff member the creator can already see in this clinic is named as such', async () => {
    const duplicate = (caller: Caller, email: string) =>
      failure(caller.admin.staff.create({ name: 'Again', email, role: 'RECEPTIONIST', branchIds: [setup.here.branches.east], password: 'a long new password' }));
    const expected = { code: 'BAD_INPUT', message: 'That email already belongs to a staff member of this clinic.', details: { field: 'email' } };
    expect(domainOf(await duplicate(admin, setup.here.staff.receptionistWest.email))).toEqual(expected);
    expect(domainOf(await duplicate(manager, setup.here.staff.receptionist.email))).toEqual(expected);
  });

  it('a new address works', async () => {
    const created = await admin.admin.staff.create({
      name: 'Fresh Face', email: 'fresh@setup.here.test', role: 'RECEPTIONIST', branchIds: [setup.here.branches.east], password: 'a long new password',
    });
    expect(created).toMatchObject({ email: 'fresh@setup.here.test', disabled: false });
  });
});
