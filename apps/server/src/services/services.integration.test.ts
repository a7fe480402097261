import { beforeAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { DomainError, domainErrorOf, type CreateServiceInput } from '@frontdesk/shared';
import { callerFor, type Caller } from '../testing/callers.js';
import { databaseForFile } from '../testing/file-database.js';
import { seedDemo } from '../seed/demo.js';

// The service setup commands: what each writes and appends, and that a bad,
// foreign or forbidden request changes nothing.

const setup = databaseForFile(async (db) => ({
  demo: await seedDemo(db.owner, { emailDomain: 'services.test', patients: 2 }),
  other: await seedDemo(db.owner, { tenantName: 'Other Clinic', emailDomain: 'services-other.test', patients: 1 }),
}));
let admin: Caller;
let manager: Caller;
let reception: Caller;
let otherAdmin: Caller;

beforeAll(async () => {
  const { db, demo, other } = setup;
  admin = await callerFor(db.deps, demo.staff.admin.email, demo.password);
  manager = await callerFor(db.deps, demo.staff.manager.email, demo.password);
  reception = await callerFor(db.deps, demo.staff.receptionist.email, demo.password);
  otherAdmin = await callerFor(db.deps, other.staff.admin.email, other.password);
});

const r = (key: string) => setup.demo.resources[key]!;

function refusalOf(error: unknown): { code: string; field?: string; message: string } {
  const cause = (error as { cause?: unknown }).cause;
  // A slip caught by the input schema: the desk sees it as BAD_INPUT naming the field.
  if (cause instanceof ZodError) return { code: 'BAD_INPUT', field: cause.issues[0]?.path.join('.'), message: cause.issues[0]?.message ?? '' };
  if (cause instanceof DomainError) return { code: cause.code, field: (cause.details as { field?: string }).field, message: cause.message };
  const shape = domainErrorOf(error);
  if (!shape) throw error;
  return { code: shape.code, field: (shape.details as { field?: string }).field, message: shape.message };
}
async function refused(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    return refusalOf(error);
  }
  throw new Error('expected a refusal');
}

/** What a refused command must leave as it was: the services with all they carry, and the log. */
async function snapshot() {
  const { rows } = await setup.db.sql.query(
    `SELECT (SELECT count(*) FROM event)::int AS events,
            (SELECT json_agg(s ORDER BY s.id) FROM service s) AS services,
            (SELECT json_agg(q ORDER BY q.id) FROM service_requirement q) AS requirements,
            (SELECT json_agg(p ORDER BY p.service_id, p.resource_id) FROM service_practitioner p) AS practitioners,
            (SELECT json_agg(p ORDER BY p.service_id, p.branch_id) FROM service_price p) AS prices`,
  );
  return rows[0];
}

async function eventsOf(serviceId: string) {
  const { rows } = await setup.db.sql.query<{ type: string; payload: Record<string, unknown>; actor_id: string; branch_id: string | null }>(
    `SELECT type, payload, actor_id, branch_id FROM event WHERE aggregate_id = $1 ORDER BY seq`,
    [serviceId],
  );
  return rows;
}

/** A service needing a dentist and a dental chair, offered by Dr Nair alone at 60 minutes, dearer at West. */
const implant = (over: Partial<CreateServiceInput> = {}): CreateServiceInput => ({
  name: `Implant review ${Math.random().toString(36).slice(2, 8)}`,
  durationMin: 45,
  bufferBeforeMin: 5,
  bufferAfterMin: 10,
  requirements: [
    { kind: 'PRACTITIONER', tag: 'dentist' },
    { kind: 'CHAIR', tag: 'dental' },
  ],
  practitioners: [{ resourceId: r('drNair'), durationMin: 60 }],
  basePriceCents: 20_000,
  prices: [{ branchId: setup.demo.branches.west, priceCents: 22_500 }],
  colour: '#3366CC',
  ...over,
});

describe('creating a service', () => {
  it('writes what it takes, needs, who offers it and its branch price; appends service.changed; the desks see it', async () => {
    const input = implant();
    const { service, settled } = await admin.setup.services.create(input);
    expect(settled).toEqual({ kept: [], cancelled: [], moved: [], released: [] });
    expect(service).toMatchObject({
      name: input.name,
      durationMin: 45,
      bufferBeforeMin: 5,
      bufferAfterMin: 10,
      basePriceCents: 20_000,
      colour: '#3366cc',
      active: true,
      requirements: [
        { kind: 'PRACTITIONER', tag: 'dentist' },
        { kind: 'CHAIR', tag: 'dental' },
      ],
      practitioners: [{ resourceId: r('drNair'), name: 'Dr Priya Nair', active: true, durationMin: 60 }],
      prices: [{ branchId: setup.demo.branches.west, priceCents: 22_500 }],
    });
    const events = await eventsOf(service.id);
    expect(events).toEqual([{ type: 'service.changed', payload: { serviceId: service.id, change: 'created' }, actor_id: setup.demo.staff.admin.id, branch_id: null }]);

    const listed = (await admin.setup.services.list()).find((s) => s.id === service.id);
    expect(listed).toEqual(service);
    const desk = (await reception.catalog.services()).find((s) => s.id === service.id)!;
    expect(desk.practitioners).toEqual([{ resourceId: r('drNair'), durationMin: 60 }]);
    expect(desk.colour).toBe('#3366cc');
  });

  it('with no practitioners listed, anyone meeting the requirements offers it', async () => {
    const { service } = await admin.setup.services.create(implant({ practitioners: [], prices: [], colour: '' }));
    expect(service.practitioners).toEqual([]);
    expect(service.prices).toEqual([]);
  });

  const slips: [string, Partial<CreateServiceInput>, string, RegExp][] = [
    ['a length off the 5-minute steps', { durationMin: 32 }, 'durationMin', /steps of 5 minutes/],
    ['a length of nothing', { durationMin: 0 }, 'durationMin', /at least 5 minutes/],
    ['a length over 12 hours', { durationMin: 725 }, 'durationMin', /at most 720 minutes/],
    ['a negative buffer', { bufferAfterMin: -5 }, 'bufferAfterMin', /cannot be negative/],
    ['no requirement', { requirements: [] }, 'requirements', /at least one kind of resource/],
    ['an empty name', { name: '  ' }, 'name', /name/],
    ['a colour that is not #rrggbb', { colour: 'red' }, 'colour', /#rrggbb/],
    ['a negative price', { basePriceCents: -1 }, 'basePriceCents', /negative/],
    ['a practitioner listed twice', { practitioners: [{ resourceId: '00000000-0000-4000-8000-000000000001' }, { resourceId: '00000000-0000-4000-8000-000000000001' }] }, 'practitioners', /once/],
  ];
  it.each(slips)('%s: BAD_INPUT naming the field, nothing changes', async (_what, over, field, message) => {
    const before = await snapshot();
    const refusal = await refused(admin.setup.services.create(implant(over)));
    expect(refusal).toMatchObject({ code: 'BAD_INPUT', field });
    expect(refusal.message).toMatch(message);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses in plain words what the clinic data does not allow, changing nothing', async () => {
    const before = await snapshot();
    const cases: [Partial<CreateServiceInput>, RegExp][] = [
      [{ practitioners: [{ resourceId: r('eastChairA') }] }, /Dental chair A is not a practitioner/],
      [{ practitioners: [{ resourceId: r('drCarter') }] }, /Dr James Carter does not have the tag "dentist"/],
      [{ requirements: [{ kind: 'CHAIR', tag: 'dental' }] }, /Only a service that needs a practitioner can list who offers it/],
      [
        { requirements: [{ kind: 'PRACTITIONER', tag: 'dentist' }, { kind: 'PRACTITIONER', tag: null }], practitioners: [{ resourceId: r('drNair'), durationMin: 60 }] },
        /own length only for a service that needs one practitioner/,
      ],
    ];
    for (const [over, message] of cases) {
      const refusal = await refused(admin.setup.services.create(implant(over)));
      expect(refusal).toMatchObject({ code: 'BAD_INPUT', field: 'practitioners' });
      expect(refusal.message).toMatch(message);
    }
    const name = await refused(admin.setup.services.create(implant({ name: 'dental CHECK-UP' })));
    expect(name).toMatchObject({ code: 'BAD_INPUT', field: 'name', message: 'A service called "dental CHECK-UP" already exists.' });
    expect(await snapshot()).toEqual(before);
  });

  it("another clinic's practitioner or branch is NOT_FOUND; a manager or receptionist is FORBIDDEN; nothing changes", async () => {
    const before = await snapshot();
    const { other } = setup;
    expect(await refused(admin.setup.services.create(implant({ practitioners: [{ resourceId: other.resources.drNair! }] })))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await refused(admin.setup.services.create(implant({ prices: [{ branchId: other.branches.west, priceCents: 1 }] })))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await refused(manager.setup.services.create(implant()))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refused(reception.setup.services.create(implant()))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refused(reception.setup.services.list())).toMatchObject({ code: 'FORBIDDEN' });
    expect(await snapshot()).toEqual(before);
  });
});

describe('changing a service', () => {
  it('update rewrites it; a branch price set, changed or dropped is a price.changed with what the branch now charges', async () => {
    const { demo } = setup;
    const { service } = await admin.setup.services.create(implant({ prices: [{ branchId: demo.branches.west, priceCents: 22_500 }] }));
    const { service: after } = await admin.setup.services.update({
      serviceId: service.id,
      ...implant({ name: `${service.name} (long)`, durationMin: 90, bufferBeforeMin: 0, requirements: [{ kind: 'PRACTITIONER', tag: 'dentist' }], basePriceCents: 25_000, colour: '' }),
      prices: [{ branchId: demo.branches.east, priceCents: 21_000 }],
    });
    expect(after).toMatchObject({ name: `${service.name} (long)`, durationMin: 90, bufferBeforeMin: 0, basePriceCents: 25_000, colour: '', requirements: [{ kind: 'PRACTITIONER', tag: 'dentist' }] });
    expect(after.prices).toEqual([{ branchId: demo.branches.east, priceCents: 21_000 }]);
    const events = (await eventsOf(service.id)).slice(1);
    expect(events.map((e) => [e.type, e.payload])).toEqual([
      ['service.changed', { serviceId: service.id, change: 'updated' }],
      ['price.changed', { serviceId: service.id, branchId: demo.branches.east, priceCents: 21_000 }],
      ['price.changed', { serviceId: service.id, branchId: demo.branches.west, priceCents: 25_000 }],
    ]);
    const desk = (await admin.catalog.services()).find((s) => s.id === service.id)!;
    expect(desk.prices).toEqual(expect.arrayContaining([{ branchId: demo.branches.east, priceCents: 21_000 }, { branchId: demo.branches.west, priceCents: 25_000 }]));
  });

  it("update of another clinic's service is NOT_FOUND, a bad one BAD_INPUT, and neither changes anything", async () => {
    const { service } = await admin.setup.services.create(implant());
    const before = await snapshot();
    expect(await refused(otherAdmin.setup.services.update({ serviceId: service.id, ...implant({ practitioners: [], prices: [] }) }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await refused(admin.setup.services.update({ serviceId: service.id, ...implant({ durationMin: 33 }) }))).toMatchObject({ code: 'BAD_INPUT', field: 'durationMin' });
    expect(await refused(admin.setup.services.update({ serviceId: service.id, ...implant({ name: 'GP consultation' }) }))).toMatchObject({ code: 'BAD_INPUT', field: 'name' });
    expect(await refused(manager.setup.services.update({ serviceId: service.id, ...implant() }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await snapshot()).toEqual(before);
  });

  it('setPractitioners replaces who offers it, with their own lengths, and appends service.changed', async () => {
    const { service } = await admin.setup.services.create(implant());
    const { service: after } = await admin.setup.services.setPractitioners({
      serviceId: service.id,
      practitioners: [{ resourceId: r('drNair') }, { resourceId: r('drKim'), durationMin: 30 }],
    });
    expect(after.practitioners.map((p) => [p.name, p.durationMin])).toEqual([
      ['Dr Daniel Kim', 30],
      ['Dr Priya Nair', null],
    ]);
    expect((await eventsOf(service.id)).at(-1)).toMatchObject({ type: 'service.changed', payload: { serviceId: service.id, change: 'practitioners' } });
    const before = await snapshot();
    expect(await refused(admin.setup.services.setPractitioners({ serviceId: service.id, practitioners: [{ resourceId: r('ptShaw') }] }))).toMatchObject({ code: 'BAD_INPUT', field: 'practitioners' });
    expect(await refused(otherAdmin.setup.services.setPractitioners({ serviceId: service.id, practitioners: [] }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await snapshot()).toEqual(before);
  });

  it('deactivate takes it off the desks (slots too) and activate brings it back, each with its event; twice is once', async () => {
    const { demo } = setup;
    const { service } = await admin.setup.services.create(implant());
    expect((await admin.setup.services.deactivate({ serviceId: service.id })).service.active).toBe(false);
    expect((await admin.setup.services.deactivate({ serviceId: service.id })).service.active).toBe(false);
    expect((await reception.catalog.services()).some((s) => s.id === service.id)).toBe(false);
    expect((await admin.setup.services.list()).find((s) => s.id === service.id)?.active).toBe(false);
    expect(await reception.availability.findSlots({ serviceId: service.id, branchIds: [demo.branches.east], from: new Date().toISOString(), limit: 3 })).toEqual([]);

    expect((await admin.setup.services.activate({ serviceId: service.id })).service.active).toBe(true);
    expect((await reception.availability.findSlots({ serviceId: service.id, branchIds: [demo.branches.east], from: new Date().toISOString(), limit: 3 })).length).toBe(3);
    expect((await eventsOf(service.id)).map((e) => e.payload.change)).toEqual(['created', 'deactivated', 'activated']);
    expect(await refused(otherAdmin.setup.services.deactivate({ serviceId: service.id }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await refused(manager.setup.services.activate({ serviceId: service.id }))).toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe("a branch's own price", () => {
  it('a manager sets it at his branch (catalog.setPrice), not at another, and sees his branches\' prices; the admin anywhere; each a price.changed', async () => {
    const { demo, other } = setup;
    const { service } = await admin.setup.services.create(implant({ prices: [] }));
    await manager.catalog.setPrice({ serviceId: service.id, branchId: demo.branches.east, priceCents: 19_000 });
    await admin.catalog.setPrice({ serviceId: service.id, branchId: demo.branches.west, priceCents: 23_000 });
    expect(await refused(manager.catalog.setPrice({ serviceId: service.id, branchId: demo.branches.west, priceCents: 1 }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refused(admin.catalog.setPrice({ serviceId: other.services.gp, branchId: demo.branches.west, priceCents: 1 }))).toMatchObject({ code: 'NOT_FOUND' });
    expect((await admin.setup.services.list()).find((s) => s.id === service.id)?.prices).toEqual(
      expect.arrayContaining([{ branchId: demo.branches.east, priceCents: 19_000 }, { branchId: demo.branches.west, priceCents: 23_000 }]),
    );
    // The manager reads the services with the prices of his own branches only.
    expect((await manager.setup.services.list()).find((s) => s.id === service.id)?.prices).toEqual([{ branchId: demo.branches.east, priceCents: 19_000 }]);
    expect((await eventsOf(service.id)).filter((e) => e.type === 'price.changed').map((e) => [e.branch_id, e.payload.priceCents])).toEqual([
      [demo.branches.east, 19_000],
      [demo.branches.west, 23_000],
    ]);
  });
});
