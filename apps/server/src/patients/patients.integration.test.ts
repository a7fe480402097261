import { beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../seed/demo.js';
import { callerFor, type Caller } from '../testing/callers.js';
import { demoDatabase } from '../testing/file-database.js';

const setup = demoDatabase({ emailDomain: 'patients.test', patients: 20 });
let desk: Caller;
beforeAll(async () => {
  desk = await callerFor(setup.db.deps, setup.demo.staff.receptionist.email, setup.demo.password, 'counter 2');
});

describe('patients', () => {
  it('finds a patient by any part of the phone number or by name', async () => {
    const byPhone = await desk.patients.search({ query: '555 1003' });
    expect(byPhone.map((p) => p.phone)).toEqual(['+1 212 555 1003']);
    const byName = await desk.patients.search({ query: 'maya' });
    expect(byName.length).toBeGreaterThan(0);
    expect(byName.every((p) => p.name.toLowerCase().includes('maya'))).toBe(true);
  });

  it('creates a patient, with an event, and the new patient is found', async () => {
    const created = await desk.patients.create({ name: 'Walk In', phone: '+1 (646) 555-0199' });
    expect((await desk.patients.search({ query: '6465550199' })).map((p) => p.id)).toEqual([created.id]);
    const { rows } = await setup.db.sql.query(`SELECT type FROM event WHERE aggregate_id = $1`, [created.id]);
    expect(rows.map((r) => r.type)).toEqual(['patient.created']);
  });

  it('reading a record is written to the audit log with who and which desk', async () => {
    await desk.patients.get({ patientId: setup.demo.patients[3]! });
    const { rows } = await setup.db.sql.query(`SELECT actor_id, desk FROM event WHERE type = 'patient.viewed' AND patient_id = $1`, [setup.demo.patients[3]]);
    expect(rows).toEqual([{ actor_id: setup.demo.staff.receptionist.id, desk: 'counter 2' }]);
  });

  it('another tenant cannot see them', async () => {
    const other = await seedDemo(setup.db.owner, { emailDomain: 'patients-other.test', patients: 2 });
    const outsider = await callerFor(setup.db.deps, other.staff.admin.email, other.password);
    await expect(outsider.patients.get({ patientId: setup.demo.patients[3]! })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await outsider.patients.search({ query: '555 1003' })).length).toBe(0);
  });
});
