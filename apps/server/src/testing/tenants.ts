import { randomBytes } from 'node:crypto';
import { seedDemo, type DemoClinic } from '../seed/demo.js';
import type { Db } from '../db/tx.js';
import { appendEvents } from '../sync/append.js';
import type { IdTable } from './procedures.js';

/** A demo clinic plus one row of each kind the demo does not seed, for isolation tests. */
export interface IsolationClinic extends DemoClinic {
  appointmentId: string;
  timeOffId: string;
  tokenId: string;
  templateId: string;
}

/**
 * Seeds a demo clinic with an appointment, a time off, a token and their
 * events written straight to the database, so isolation tests have every
 * kind of id to aim at without depending on the booking code.
 */
export async function seedIsolationClinic(db: Db, name: string): Promise<IsolationClinic> {
  const domain = `${name}-${randomBytes(3).toString('hex')}.test`;
  const demo = await seedDemo(db, { tenantName: `Clinic ${name}`, emailDomain: domain, patients: 3 });
  const tenantId = demo.tenantId;
  const patientId = demo.patients[0] as string;
  const startsAt = new Date(Date.UTC(2030, 0, 7, 15, 0));
  const endsAt = new Date(startsAt.getTime() + 15 * 60_000);
  return db.$transaction(async (tx) => {
    const appt = await tx.appointment.create({
      data: {
        tenantId,
        branchId: demo.branches.east,
        serviceId: demo.services.gp,
        patientId,
        status: 'BOOKED',
        startsAt,
        endsAt,
        priceCents: 6500,
        createdBy: demo.staff.receptionist.id,
        resources: {
          create: [
            { resourceId: demo.resources.drCarter as string, tenantId, startsAt, endsAt },
            { resourceId: demo.resources.eastRoom1 as string, tenantId, startsAt, endsAt },
          ],
        },
      },
      select: { id: true },
    });
    const timeOff = await tx.timeOff.create({
      data: { tenantId, branchId: demo.branches.east, resourceId: demo.resources.drKim as string, kind: 'LEAVE', startsAt, endsAt: new Date(startsAt.getTime() + 86_400_000) },
      select: { id: true },
    });
    await tx.capacitySession.update({ where: { id: demo.sessionId }, data: { issued: 1 } });
    const token = await tx.token.create({
      data: { tenantId, sessionId: demo.sessionId, number: 1, patientId, issuedBy: demo.staff.receptionist.id },
      select: { id: true },
    });
    // A walk-in session template that starts years ahead, so nothing is generated from it.
    const template = await tx.sessionTemplate.create({
      data: { tenantId, branchId: demo.branches.east, name: 'Isolation OPD', weekdays: [1, 2, 3, 4, 5], startMinute: 540, endMinute: 720, capacity: 10, validFrom: new Date('2030-01-07T00:00:00Z') },
      select: { id: true },
    });
    await appendEvents(tx, { actorId: demo.staff.receptionist.id, desk: 'seed desk' }, [
      { type: 'patient.created', tenantId, branchId: null, aggregateId: patientId, patientId, payload: { patientId } },
      { type: 'hours.changed', tenantId, branchId: demo.branches.east, aggregateId: appt.id, patientId, payload: { resourceId: demo.resources.drCarter as string, branchId: demo.branches.east } },
    ]);
    return { ...demo, appointmentId: appt.id, timeOffId: timeOff.id, tokenId: token.id, templateId: template.id };
  });
}

/** Every id of a clinic, for checking that nothing of it leaks into a response. */
export function idsOf(clinic: IsolationClinic): string[] {
  return [
    clinic.tenantId,
    ...Object.values(clinic.branches),
    ...Object.values(clinic.resources),
    ...Object.values(clinic.services),
    ...Object.values(clinic.products),
    clinic.sessionId,
    ...clinic.patients,
    ...Object.values(clinic.staff).map((s) => s.id),
    clinic.appointmentId,
    clinic.timeOffId,
    clinic.tokenId,
    clinic.templateId,
  ];
}

/** The ids procedures are called with, by input field name, aimed at one of the clinic's branches. */
export function idTableOf(c: IsolationClinic, branch: 'east' | 'west' = 'east'): IdTable {
  return {
    tenantId: c.tenantId,
    branchId: c.branches[branch],
    serviceId: c.services.gp,
    patientId: c.patients[0] as string,
    appointmentId: c.appointmentId,
    sessionId: c.sessionId,
    resourceId: c.resources.drCarter as string,
    productId: c.products.brush,
    timeOffId: c.timeOffId,
    staffId: c.staff.receptionist.id,
    tokenId: c.tokenId,
    templateId: c.templateId,
  };
}
