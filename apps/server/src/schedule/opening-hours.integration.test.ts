import { describe, expect, it } from 'vitest';
import { callerFor } from '../testing/callers.js';
import { failure, failureCode } from '../testing/errors.js';
import { isolationDatabase } from '../testing/file-database.js';

const setup = isolationDatabase();
const h = (weekday: number, from: number, to: number) => ({ weekday, startMinute: from * 60, endMinute: to * 60 });

describe('weekly hours lie within the branch’s opening hours', () => {
  it('hours outside them are refused naming the day and the opening hours, and nothing changes; hours inside are kept', async () => {
    const admin = await callerFor(setup.db.deps, setup.a.staff.admin.email, setup.a.password);
    const { branch } = await admin.setup.branches.create({ name: 'Quayside', timeZone: 'Europe/Dublin', address: '', phone: '', openingHours: [h(1, 9, 13), h(1, 14, 18), h(2, 9, 17)] });
    const { resource } = await admin.setup.resources.create({ kind: 'PRACTITIONER', name: 'Dr Orla Byrne', tags: ['gp'], branchIds: [branch.id] });

    const refused = await failure(admin.schedule.setHours({ resourceId: resource.id, branchId: branch.id, hours: [h(1, 9, 13), h(1, 14, 19)] }));
    expect(failureCode(refused)).toBe('BAD_INPUT');
    expect((refused as Error).message).toBe('Monday 14:00–19:00 is outside the opening hours of Quayside (Monday 09:00–13:00, 14:00–18:00); change them in Setup → Branches first, or these hours.');
    const closedDay = await failure(admin.schedule.setHours({ resourceId: resource.id, branchId: branch.id, hours: [h(3, 9, 12)] }));
    expect((closedDay as Error).message).toMatch(/^Quayside is closed on Wednesdays/);
    const { rows: none } = await setup.db.sql.query('SELECT 1 FROM working_hours WHERE resource_id = $1', [resource.id]);
    expect(none).toEqual([]);

    await admin.schedule.setHours({ resourceId: resource.id, branchId: branch.id, hours: [h(1, 9, 13), h(1, 14, 18), h(2, 10, 16)] });
    const { rows } = await setup.db.sql.query<{ weekday: number }>('SELECT weekday FROM working_hours WHERE resource_id = $1 ORDER BY weekday, start_minute', [resource.id]);
    expect(rows.map((r) => r.weekday)).toEqual([1, 1, 2]);
  });
});
