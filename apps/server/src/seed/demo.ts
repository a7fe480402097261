import { localDateOf, localMinuteToInstant, RESOURCE_COLOURS, type ResourceKind } from '@frontdesk/shared';
import { hashPassword } from '../auth/password.js';
import type { Db } from '../db/tx.js';
import { seedDemoDay } from './demo-day.js';

// The demo clinic: two branches in different time zones, practitioners (some
// at both), rooms and chairs, services, products with stock, a token session,
// patients and one login per role. Tests seed it too, under their own domain.

export const DEMO_PASSWORD = 'frontdesk-demo';

export interface DemoOptions {
  tenantName?: string;
  /** Staff emails are role@domain; tests pass a unique domain per tenant. */
  emailDomain?: string;
  password?: string;
  patients?: number;
  /**
   * Today's day at both branches (appointments in every state, a walk-in
   * queue under way): for `npm start`'s demo, not for tests, which book
   * their own times and count the queue's tokens from none.
   */
  day?: boolean;
  /** "Now" for the day (default: the clock). */
  now?: Date;
}

export interface DemoClinic {
  tenantId: string;
  branches: { east: string; west: string };
  resources: Record<string, string>;
  services: Record<'gp' | 'cleaning' | 'checkup' | 'physio' | 'derm', string>;
  products: Record<'brush' | 'mouthwash' | 'brace', string>;
  sessionId: string;
  patients: string[];
  staff: Record<'receptionist' | 'receptionistWest' | 'callCentre' | 'manager' | 'admin', { id: string; email: string }>;
  password: string;
}

const WEEKDAYS = [1, 2, 3, 4, 5];
const day = (from: string, to: string) => {
  const toMinute = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
  return { startMinute: toMinute(from), endMinute: toMinute(to) };
};

const FIRST = ['Aarav', 'Maya', 'Noah', 'Zara', 'Liam', 'Isha', 'Omar', 'Chloe', 'Ravi', 'Emma', 'Kenji', 'Sofia', 'Tariq', 'Ana', 'Dev', 'Lena'];
const LAST = ['Shah', 'Brown', 'Garcia', 'Kim', 'Patel', 'Okafor', 'Rossi', 'Novak', 'Singh', 'Moreau'];

export async function seedDemo(db: Db, options: DemoOptions = {}): Promise<DemoClinic> {
  const domain = options.emailDomain ?? 'demo.frontdesk.test';
  const password = options.password ?? DEMO_PASSWORD;
  const passwordHash = await hashPassword(password);

  return db.$transaction(
    async (tx) => {
      const tenant = await tx.tenant.create({ data: { name: options.tenantName ?? 'Harbour Health Clinics' }, select: { id: true } });
      const tenantId = tenant.id;
      const east = await tx.branch.create({ data: { tenantId, name: 'Midtown (New York)', timeZone: 'America/New_York' }, select: { id: true } });
      const west = await tx.branch.create({ data: { tenantId, name: 'Lakeview (Chicago)', timeZone: 'America/Chicago' }, select: { id: true } });

      const resources: Record<string, string> = {};
      const addResource = async (key: string, kind: ResourceKind, name: string, tags: string[], branchIds: string[], hours: { weekday: number; startMinute: number; endMinute: number; branchId: string }[]) => {
        // Each its own day-grid colour, round the palette.
        const colour = RESOURCE_COLOURS[Object.keys(resources).length % RESOURCE_COLOURS.length]!;
        const r = await tx.resource.create({ data: { tenantId, kind, name, tags, colour }, select: { id: true } });
        resources[key] = r.id;
        await tx.resourceBranch.createMany({ data: branchIds.map((branchId) => ({ tenantId, resourceId: r.id, branchId })) });
        if (hours.length) await tx.workingHours.createMany({ data: hours.map((h) => ({ tenantId, resourceId: r.id, ...h })) });
      };
      const weekly = (branchId: string, days: number[], from: string, to: string) => days.map((weekday) => ({ weekday, branchId, ...day(from, to) }));

      await addResource('drRao', 'PRACTITIONER', 'Dr Anita Rao', ['gp'], [east.id, west.id], [...weekly(east.id, [1, 3, 5], '09:00', '17:00'), ...weekly(west.id, [2, 4], '09:00', '17:00')]);
      await addResource('drCarter', 'PRACTITIONER', 'Dr James Carter', ['gp'], [east.id], weekly(east.id, WEEKDAYS, '08:30', '18:00'));
      await addResource('drOkafor', 'PRACTITIONER', 'Dr Grace Okafor', ['gp'], [west.id], weekly(west.id, [...WEEKDAYS, 6], '09:00', '16:00'));
      await addResource('drNair', 'PRACTITIONER', 'Dr Priya Nair', ['dentist'], [east.id, west.id], [...weekly(east.id, [1, 2, 3], '09:00', '17:00'), ...weekly(west.id, [4, 5], '09:00', '17:00')]);
      await addResource('drKim', 'PRACTITIONER', 'Dr Daniel Kim', ['dentist'], [east.id], weekly(east.id, WEEKDAYS, '10:00', '19:00'));
      await addResource('drGarcia', 'PRACTITIONER', 'Dr Lucia Garcia', ['dentist'], [west.id], weekly(west.id, WEEKDAYS, '08:00', '16:00'));
      await addResource('ptShaw', 'PRACTITIONER', 'Emily Shaw (physio)', ['physio'], [east.id, west.id], [...weekly(east.id, [1, 2], '08:00', '14:00'), ...weekly(west.id, [3, 4, 5], '08:00', '14:00')]);
      await addResource('drIyer', 'PRACTITIONER', 'Dr Arjun Iyer', ['dermatologist'], [east.id], weekly(east.id, [2, 3, 4], '11:00', '19:00'));

      const allDay = (branchId: string) => weekly(branchId, [1, 2, 3, 4, 5, 6, 7], '00:00', '24:00');
      await addResource('eastRoom1', 'ROOM', 'Consult room 1', ['consult'], [east.id], allDay(east.id));
      await addResource('eastRoom2', 'ROOM', 'Consult room 2', ['consult'], [east.id], allDay(east.id));
      await addResource('eastGym', 'ROOM', 'Physio gym', ['physio'], [east.id], allDay(east.id));
      await addResource('eastChairA', 'CHAIR', 'Dental chair A', ['dental'], [east.id], allDay(east.id));
      await addResource('eastChairB', 'CHAIR', 'Dental chair B', ['dental'], [east.id], allDay(east.id));
      await addResource('westRoom1', 'ROOM', 'Consult room', ['consult'], [west.id], allDay(west.id));
      await addResource('westGym', 'ROOM', 'Physio room', ['physio'], [west.id], allDay(west.id));
      await addResource('westChair', 'CHAIR', 'Dental chair', ['dental'], [west.id], allDay(west.id));

      const addService = async (name: string, durationMin: number, priceCents: number, needs: { kind: ResourceKind; tag: string }[], buffers: { before?: number; after?: number } = {}) => {
        const s = await tx.service.create({
          data: { tenantId, name, durationMin, priceCents, bufferBeforeMin: buffers.before ?? 0, bufferAfterMin: buffers.after ?? 0 },
          select: { id: true },
        });
        await tx.serviceRequirement.createMany({ data: needs.map((n) => ({ tenantId, serviceId: s.id, kind: n.kind, tag: n.tag })) });
        return s.id;
      };
      const services = {
        gp: await addService('GP consultation', 15, 6500, [{ kind: 'PRACTITIONER', tag: 'gp' }, { kind: 'ROOM', tag: 'consult' }]),
        cleaning: await addService('Dental cleaning', 45, 12000, [{ kind: 'PRACTITIONER', tag: 'dentist' }, { kind: 'CHAIR', tag: 'dental' }], { after: 10 }),
        checkup: await addService('Dental check-up', 30, 8000, [{ kind: 'PRACTITIONER', tag: 'dentist' }, { kind: 'CHAIR', tag: 'dental' }], { after: 5 }),
        physio: await addService('Physiotherapy session', 60, 9500, [{ kind: 'PRACTITIONER', tag: 'physio' }, { kind: 'ROOM', tag: 'physio' }], { before: 5 }),
        derm: await addService('Dermatology consult', 20, 11000, [{ kind: 'PRACTITIONER', tag: 'dermatologist' }]),
      };
      await tx.servicePrice.createMany({ data: [{ tenantId, serviceId: services.gp, branchId: west.id, priceCents: 5500 }, { tenantId, serviceId: services.cleaning, branchId: west.id, priceCents: 10500 }] });

      const addProduct = async (name: string, priceCents: number, eastQty: number, westQty: number) => {
        const p = await tx.product.create({ data: { tenantId, name, priceCents }, select: { id: true } });
        await tx.productStock.createMany({ data: [{ tenantId, productId: p.id, branchId: east.id, quantity: eastQty }, { tenantId, productId: p.id, branchId: west.id, quantity: westQty }] });
        return p.id;
      };
      const products = {
        brush: await addProduct('Toothbrush kit', 900, 40, 25),
        mouthwash: await addProduct('Mouthwash 500 ml', 1200, 12, 0),
        brace: await addProduct('Knee support brace', 3400, 6, 4),
      };

      // Today's walk-in clinic with 30 tokens, in the east branch's local morning.
      const today = localDateOf((options.now ?? new Date()).getTime(), 'America/New_York');
      const sessionStart = new Date(localMinuteToInstant(today, 9 * 60, 'America/New_York'));
      const session = await tx.capacitySession.create({
        data: { tenantId, branchId: east.id, resourceId: resources.drCarter ?? null, name: 'Walk-in GP clinic', startsAt: sessionStart, endsAt: new Date(sessionStart.getTime() + 3 * 3_600_000), capacity: 30 },
        select: { id: true },
      });

      // A day under way needs more people than a clinic waiting for its tests.
      const patientCount = options.patients ?? (options.day ? 120 : 40);
      const patients: string[] = [];
      for (let i = 0; i < patientCount; i++) {
        const name = `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}${i >= FIRST.length * LAST.length ? ` ${i}` : ''}`;
        const p = await tx.patient.create({ data: { tenantId, name, phone: `+1212555${String(1000 + i).padStart(4, '0')}` }, select: { id: true } });
        patients.push(p.id);
      }

      const addStaff = async (local: string, name: string, role: 'RECEPTIONIST' | 'CALL_CENTRE' | 'BRANCH_MANAGER' | 'ADMIN', branchIds: string[]) => {
        const email = `${local}@${domain}`;
        const s = await tx.staff.create({ data: { tenantId, email, name, role, passwordHash }, select: { id: true } });
        if (branchIds.length) await tx.staffBranch.createMany({ data: branchIds.map((branchId) => ({ tenantId, staffId: s.id, branchId })) });
        return { id: s.id, email };
      };
      const staff = {
        receptionist: await addStaff('reception', 'Rita Reception', 'RECEPTIONIST', [east.id]),
        receptionistWest: await addStaff('reception.west', 'Walt Reception', 'RECEPTIONIST', [west.id]),
        callCentre: await addStaff('callcentre', 'Cal Centre', 'CALL_CENTRE', []),
        manager: await addStaff('manager', 'Mona Manager', 'BRANCH_MANAGER', [east.id]),
        admin: await addStaff('admin', 'Ada Admin', 'ADMIN', []),
      };

      if (options.day) await seedDemoDay(tx, { tenantId, branches: { east: east.id, west: west.id }, resources, services, sessionId: session.id, patients, staff }, options.now ?? new Date());
      return { tenantId, branches: { east: east.id, west: west.id }, resources, services, products, sessionId: session.id, patients, staff, password };
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
}

export async function isEmpty(db: Db): Promise<boolean> {
  return (await db.tenant.count()) === 0;
}
