import { beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../db/request-scope.js';
import { callerFor, type Caller } from '../testing/callers.js';
import { failure, failureCode } from '../testing/errors.js';
import { isolationDatabase } from '../testing/file-database.js';
import { recordPatientRead } from './record.js';

const setup = isolationDatabase();
let rita: Caller;

beforeAll(async () => {
  rita = await callerFor(setup.db.deps, setup.a.staff.receptionist.email, setup.a.password, 'Front desk 2');
});

describe('audit trail', () => {
  it("an appointment's trail says who did what, from which desk, in order", async () => {
    const booked = await rita.booking.book({
      branchId: setup.a.branches.east,
      serviceId: setup.a.services.gp,
      startsAt: '2030-01-09T10:00:00-05:00',
      patientId: setup.a.patients[1] as string,
    });
    const manager = await callerFor(setup.db.deps, setup.a.staff.manager.email, setup.a.password, 'Office');
    await manager.booking.cancel({ appointmentId: booked.id, version: booked.version, reason: 'patient called' });

    const trail = await rita.admin.audit.appointment({ appointmentId: booked.id });
    expect(trail.map((e) => [e.type, e.actor?.name, e.actor?.role, e.desk])).toEqual([
      ['appointment.booked', 'Rita Reception', 'RECEPTIONIST', 'Front desk 2'],
      ['appointment.cancelled', 'Mona Manager', 'BRANCH_MANAGER', 'Office'],
    ]);
    expect(trail[0]?.summary).toMatch(/^Booked GP consultation at 2030-01-09T15:00/);
    expect(Number(trail[1]?.seq)).toBeGreaterThan(Number(trail[0]?.seq));
  });

  it("reading a patient's record is logged and shows in the patient's trail", async () => {
    const patientId = setup.a.patients[2] as string;
    const actor = await setup.db.deps.auth.authenticate((await setup.db.deps.auth.login({ email: setup.a.staff.callCentre.email, password: setup.a.password, desk: 'Headset 7' })).token);
    if (!actor) throw new Error('no actor');
    await withTenant(actor.tenantId, () => recordPatientRead(setup.db.deps.db, actor, patientId));
    const trail = await rita.admin.audit.patient({ patientId });
    expect(trail.at(-1)).toMatchObject({ type: 'patient.viewed', summary: "Viewed the patient's record", desk: 'Headset 7', actor: { name: 'Cal Centre', role: 'CALL_CENTRE' } });
  });

  it("another branch's appointment is FORBIDDEN, another tenant's is NOT_FOUND", async () => {
    const walt = await callerFor(setup.db.deps, setup.a.staff.receptionistWest.email, setup.a.password);
    expect(failureCode(await failure(walt.admin.audit.appointment({ appointmentId: setup.a.appointmentId })))).toBe('FORBIDDEN');
    expect(failureCode(await failure(rita.admin.audit.appointment({ appointmentId: setup.b.appointmentId })))).toBe('NOT_FOUND');
    expect(failureCode(await failure(rita.admin.audit.patient({ patientId: setup.b.patients[0] as string })))).toBe('NOT_FOUND');
  });

  it("a patient's trail leaves out events of branches the reader does not work in", async () => {
    const walt = await callerFor(setup.db.deps, setup.a.staff.receptionistWest.email, setup.a.password);
    const patientId = setup.a.patients[0] as string;
    const east = await rita.admin.audit.patient({ patientId });
    const west = await walt.admin.audit.patient({ patientId });
    expect(east.some((e) => e.branchId === setup.a.branches.east)).toBe(true);
    expect(west.every((e) => e.branchId === null || e.branchId === setup.a.branches.west)).toBe(true);
  });
});
