import { beforeAll, describe, expect, it } from 'vitest';
import { callerFor, type Caller } from '../testing/callers.js';
import { failure, failureCode } from '../testing/errors.js';
import { isolationDatabase } from '../testing/file-database.js';

const setup = isolationDatabase();
let admin: Caller;
let manager: Caller;

beforeAll(async () => {
  admin = await callerFor(setup.db.deps, setup.a.staff.admin.email, setup.a.password, 'Head office');
  manager = await callerFor(setup.db.deps, setup.a.staff.manager.email, setup.a.password, 'Office');
});

describe('setup history', () => {
  it('names who changed what, newest first, with the things changed by name', async () => {
    await manager.schedule.addTimeOff({ branchId: setup.a.branches.east, kind: 'HOLIDAY', startsAt: '2031-07-04T00:00:00-04:00', endsAt: '2031-07-05T00:00:00-04:00', reason: 'Independence Day' });
    await admin.admin.staff.create({ name: 'Nina New', email: `nina@${setup.a.staff.admin.email.split('@')[1]}`, role: 'RECEPTIONIST', branchIds: [setup.a.branches.east], password: 'a long enough passphrase 42' });

    const history = await admin.admin.audit.setup({});
    const [staffChange, holiday] = history;
    expect(staffChange).toMatchObject({ type: 'staff.changed', actor: { name: 'Ada Admin', role: 'ADMIN' }, desk: 'Head office' });
    expect(staffChange?.summary).toBe('Created the staff account of Nina New (receptionist)');
    expect(holiday).toMatchObject({ type: 'time_off.added', actor: { name: 'Mona Manager' }, desk: 'Office' });
    expect(holiday?.summary).toMatch(/^Added holiday for all of Midtown \(New York\), .* \(Independence Day\)$/);
    expect(Number(staffChange?.seq)).toBeGreaterThan(Number(holiday?.seq));
  });

  it("a manager sees only their branches' changes and tenant-wide ones; pages back with beforeSeq", async () => {
    await admin.schedule.addTimeOff({ branchId: setup.a.branches.west, kind: 'CLOSURE', startsAt: '2031-08-01T00:00:00-05:00', endsAt: '2031-08-02T00:00:00-05:00', reason: 'Renovation' });
    const all = await admin.admin.audit.setup({});
    const mine = await manager.admin.audit.setup({});
    expect(all.some((e) => e.summary.includes('Renovation'))).toBe(true);
    expect(mine.some((e) => e.summary.includes('Renovation'))).toBe(false);
    expect(mine.every((e) => e.branchId === null || e.branchId === setup.a.branches.east)).toBe(true);

    const first = await admin.admin.audit.setup({ limit: 1 });
    const next = await admin.admin.audit.setup({ limit: 1, beforeSeq: first[0]!.seq });
    expect(Number(next[0]!.seq)).toBeLessThan(Number(first[0]!.seq));
  });

  it('registering an API client and a new secret for it are in the history, by name', async () => {
    const { client } = await admin.setup.apiClients.create({ name: 'Patient portal', branchIds: [setup.a.branches.east], scopes: ['system/Slot.read'] });
    await admin.setup.apiClients.rotate({ clientId: client.id });
    const [rotated, registered] = await admin.admin.audit.setup({ limit: 2 });
    expect(registered).toMatchObject({ type: 'api_client.changed', summary: 'Registered the API client Patient portal', desk: 'Head office' });
    expect(rotated?.summary).toBe('Issued a new secret for the API client Patient portal');
  });

  it("never shows another clinic's changes, and a receptionist may not read it", async () => {
    const other = await callerFor(setup.db.deps, setup.b.staff.admin.email, setup.b.password);
    const theirs = await other.admin.audit.setup({ limit: 200 });
    expect(theirs.some((e) => e.summary.includes('Nina New') || e.summary.includes('Independence Day'))).toBe(false);
    const rita = await callerFor(setup.db.deps, setup.a.staff.receptionist.email, setup.a.password);
    expect(failureCode(await failure(rita.admin.audit.setup({})))).toBe('FORBIDDEN');
    expect(failureCode(await failure(admin.admin.audit.setup({ beforeSeq: 'drop table' })))).toBe('BAD_REQUEST');
  });
});
