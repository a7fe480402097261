// Over 300 lines: one race test per booking invariant, each checking the database, kept together as the invariants' proof.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '@frontdesk/shared';
import { seedDemo, type DemoClinic } from '../seed/demo.js';
import { callerFor, type Caller } from '../testing/callers.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { at, codeOf, race, upcoming } from '../testing/race.js';

const NY = 'America/New_York';
let db: TestDatabase;
let demo: DemoClinic;
let desks: Caller[];
let monday: string;
let tuesday: string;

function domainOf(result: PromiseSettledResult<unknown>): DomainError | null {
  return result.status === 'rejected' && (result.reason as { cause?: unknown }).cause instanceof DomainError
    ? ((result.reason as { cause: DomainError }).cause)
    : null;
}

/** Overlapping active occupancy of any resource, read straight from the tables. */
async function resourceOverlaps(): Promise<number> {
  const { rows } = await db.sql.query(`
    SELECT count(*)::int AS n FROM appointment_resource x JOIN appointment_resource y
      ON x.resource_id = y.resource_id AND x.appointment_id < y.appointment_id
     WHERE x.active AND y.active AND tstzrange(x.starts_at, x.ends_at, '[)') && tstzrange(y.starts_at, y.ends_at, '[)')`);
  return rows[0].n;
}

async function patientOverlaps(): Promise<number> {
  const { rows } = await db.sql.query(`
    SELECT count(*)::int AS n FROM appointment x JOIN appointment y
      ON x.patient_id = y.patient_id AND x.id < y.id
     WHERE x.status IN ('HELD','BOOKED','CHECKED_IN','COMPLETED') AND y.status IN ('HELD','BOOKED','CHECKED_IN','COMPLETED')
       AND tstzrange(x.starts_at, x.ends_at, '[)') && tstzrange(y.starts_at, y.ends_at, '[)')`);
  return rows[0].n;
}

async function count(table: string, where = 'true'): Promise<number> {
  const { rows } = await db.sql.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`);
  return rows[0].n;
}

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 40 });
  demo = await seedDemo(db.owner, { emailDomain: 'booking.test', patients: 120 });
  const seats = [
    ['receptionist', 'front desk 1'],
    ['callCentre', 'call centre'],
    ['manager', 'manager office'],
    ['admin', 'admin'],
  ] as const;
  desks = await Promise.all(seats.map(([who, desk]) => callerFor(db.deps, demo.staff[who].email, demo.password, desk)));
  monday = upcoming(1, NY);
  tuesday = upcoming(2, NY);
});
afterAll(() => db.drop());

const desk = (i: number) => desks[i % desks.length]!;

describe('invariant 1: a resource is never double-booked', () => {
  it('50 desks booking overlapping times of one practitioner: one wins, the rest get SLOT_TAKEN with alternatives', async () => {
    const results = await race(50, (i) =>
      desk(i).booking.book({
        branchId: demo.branches.east,
        serviceId: demo.services.gp,
        resourceIds: [demo.resources.drCarter!, demo.resources.eastRoom1!],
        // Starts spread over 10:00–10:10, so every pair overlaps the 15-minute consult.
        startsAt: at(monday, `10:${String(i % 10).padStart(2, '0')}`, NY),
        patientId: demo.patients[i]!,
      }),
    );
    const codes = results.map(codeOf);
    expect(codes.filter((c) => c === 'OK')).toHaveLength(1);
    expect(codes.filter((c) => c === 'SLOT_TAKEN')).toHaveLength(49);
    const taken = domainOf(results.find((r) => codeOf(r) === 'SLOT_TAKEN')!) as DomainError<'SLOT_TAKEN'>;
    expect(taken.details.alternatives.length).toBeGreaterThan(0);
    expect(taken.details.blockers.length).toBeGreaterThan(0);
    expect(JSON.stringify(taken.details)).not.toMatch(/Aarav|Maya|\+1 212/);
    expect(await resourceOverlaps()).toBe(0);
    expect(await count('appointment', `status = 'BOOKED' AND starts_at::date = '${monday}'::date`)).toBe(1);
  });

  it('back-to-back is fine: [10:30, 10:45) and [10:45, 11:00)', async () => {
    const base = { branchId: demo.branches.east, serviceId: demo.services.gp, resourceIds: [demo.resources.drCarter!, demo.resources.eastRoom2!] };
    await desk(0).booking.book({ ...base, startsAt: at(monday, '10:30', NY), patientId: demo.patients[60]! });
    await desk(1).booking.book({ ...base, startsAt: at(monday, '10:45', NY), patientId: demo.patients[61]! });
    expect(await resourceOverlaps()).toBe(0);
  });
});

describe('invariant 2: dentist + chair take all or none', () => {
  it('two dentists racing for the only free chair: one gets both, the loser holds nothing', async () => {
    // Chair B is blocked for the morning, so chair A is the only chair for both.
    await db.owner.timeOff.create({ data: { tenantId: demo.tenantId, branchId: demo.branches.east, resourceId: demo.resources.eastChairB!, kind: 'BLOCKED', startsAt: new Date(at(tuesday, '08:00', NY)), endsAt: new Date(at(tuesday, '13:00', NY)), reason: 'repair' } });
    const dentists = [demo.resources.drNair!, demo.resources.drKim!];
    const results = await race(20, (i) =>
      desk(i).booking.book({
        branchId: demo.branches.east,
        serviceId: demo.services.checkup,
        resourceIds: [dentists[i % 2]!],
        startsAt: at(tuesday, '11:00', NY),
        patientId: demo.patients[i + 20]!,
      }),
    );
    expect(results.map(codeOf).filter((c) => c === 'OK')).toHaveLength(1);
    const { rows } = await db.sql.query(`
      SELECT a.id, count(ar.*)::int AS n FROM appointment a LEFT JOIN appointment_resource ar ON ar.appointment_id = a.id
       WHERE a.service_id = $1 GROUP BY a.id`, [demo.services.checkup]);
    expect(rows).toHaveLength(1);
    expect(rows[0].n).toBe(2);
    expect(await resourceOverlaps()).toBe(0);
  });
});

describe('invariant 3: a patient is never in two overlapping appointments', () => {
  it('one patient booked with two practitioners at once: one succeeds, one is refused', async () => {
    const patientId = demo.patients[100]!;
    const results = await race(10, (i) =>
      desk(i).booking.book({
        branchId: demo.branches.east,
        serviceId: i % 2 === 0 ? demo.services.gp : demo.services.cleaning,
        resourceIds: [i % 2 === 0 ? demo.resources.drRao! : demo.resources.drKim!],
        startsAt: at(monday, '14:00', NY),
        patientId,
      }),
    );
    expect(results.map(codeOf).filter((c) => c === 'OK')).toHaveLength(1);
    expect(results.map(codeOf).every((c) => c === 'OK' || c === 'SLOT_TAKEN')).toBe(true);
    expect(await patientOverlaps()).toBe(0);
  });
});

describe('invariant 4: tokens never exceed capacity', () => {
  it('100 desks issuing tokens on a 30-token session: exactly tokens 1..30', async () => {
    const reception = [desks[0]!, desks[2]!, desks[3]!];
    const results = await race(100, (i) => reception[i % 3]!.booking.issueToken({ sessionId: demo.sessionId, patientId: demo.patients[i]! }));
    const codes = results.map(codeOf);
    expect(codes.filter((c) => c === 'OK')).toHaveLength(30);
    expect(codes.filter((c) => c === 'CAPACITY_FULL')).toHaveLength(70);
    const { rows } = await db.sql.query('SELECT number FROM token WHERE session_id = $1 ORDER BY number', [demo.sessionId]);
    expect(rows.map((r) => r.number)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const { rows: s } = await db.sql.query('SELECT issued, capacity FROM capacity_session WHERE id = $1', [demo.sessionId]);
    expect(s[0]).toEqual({ issued: 30, capacity: 30 });
  });

  it('a call-centre agent cannot issue tokens', async () => {
    await expect(desks[1]!.booking.issueToken({ sessionId: demo.sessionId, patientId: demo.patients[0]! })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('invariant 5: stock never goes below zero', () => {
  it('20 confirms each taking the last mouthwash bottles: exactly the stock is sold, a cancel gives it back', async () => {
    const placed: { id: string; version: number }[] = [];
    for (let i = 0; i < 20; i++) {
      const minute = 9 * 60 + i * 15;
      const hhmm = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
      placed.push(await desk(i).booking.hold({ branchId: demo.branches.east, serviceId: demo.services.gp, resourceIds: [demo.resources.drCarter!], startsAt: at(upcoming(3, NY, 2), hhmm, NY), holdMinutes: 10 }));
    }
    const results = await race(placed.length, (i) =>
      desk(i).booking.confirm({ appointmentId: placed[i]!.id, version: placed[i]!.version, patientId: demo.patients[i + 40]!, products: [{ productId: demo.products.mouthwash, quantity: 1 }] }),
    );
    const codes = results.map(codeOf);
    expect(codes.filter((c) => c === 'OK')).toHaveLength(12);
    expect(codes.filter((c) => c === 'OUT_OF_STOCK')).toHaveLength(placed.length - 12);
    const stock = async () => (await db.sql.query('SELECT quantity FROM product_stock WHERE product_id = $1 AND branch_id = $2', [demo.products.mouthwash, demo.branches.east])).rows[0].quantity;
    expect(await stock()).toBe(0);
    expect(await count('appointment_product', `product_id = '${demo.products.mouthwash}'`)).toBe(12);
    const sold = results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ id: string; version: number }>;
    await desks[0]!.booking.cancel({ appointmentId: sold.value.id, version: sold.value.version, reason: 'patient called' });
    expect(await stock()).toBe(1);
  });
});

describe('invariant 6: a hold expires at its deadline', () => {
  it('an expired hold frees the time for another desk, and the expiry is in the log', async () => {
    const slot = { branchId: demo.branches.east, serviceId: demo.services.derm, resourceIds: [demo.resources.drIyer!], startsAt: at(tuesday, '15:00', NY) };
    const hold = await desks[1]!.booking.hold(slot);
    await expect(desks[0]!.booking.book({ ...slot, patientId: demo.patients[70]! })).rejects.toMatchObject({ cause: { code: 'SLOT_TAKEN' } });
    // Time passes: the deadline is now behind us.
    await db.sql.query(`UPDATE appointment SET hold_expires_at = now() - interval '1 second' WHERE id = $1`, [hold.id]);
    const booked = await desks[0]!.booking.book({ ...slot, patientId: demo.patients[70]! });
    expect(booked.status).toBe('BOOKED');
    const { rows } = await db.sql.query('SELECT status FROM appointment WHERE id = $1', [hold.id]);
    expect(rows[0].status).toBe('EXPIRED');
    expect(await count('event', `type = 'appointment.expired' AND aggregate_id = '${hold.id}'`)).toBe(1);
    await expect(desks[1]!.booking.confirm({ appointmentId: hold.id, version: hold.version, patientId: demo.patients[71]! })).rejects.toMatchObject({ cause: { code: expect.stringMatching(/HOLD_EXPIRED|STALE/) } });
  });

  it('the sweeper expires due holds and tells every desk', async () => {
    const hold = await desks[1]!.booking.hold({ branchId: demo.branches.east, serviceId: demo.services.derm, resourceIds: [demo.resources.drIyer!], startsAt: at(tuesday, '16:00', NY) });
    await db.sql.query(`UPDATE appointment SET hold_expires_at = now() - interval '1 second' WHERE id = $1`, [hold.id]);
    expect(await db.deps.holdExpiry.expireDue()).toBeGreaterThanOrEqual(1);
    expect(await count('appointment', `id = '${hold.id}' AND status = 'EXPIRED'`)).toBe(1);
    expect(await count('appointment_resource', `appointment_id = '${hold.id}' AND active`)).toBe(0);
    expect(await count('event', `type = 'appointment.expired' AND aggregate_id = '${hold.id}'`)).toBe(1);
  });
});

describe('invariant 7: an idempotency key never books twice', () => {
  it('the same command sent 10 times at once makes one appointment and returns it to all', async () => {
    const results = await race(10, () =>
      desks[0]!.booking.book({ branchId: demo.branches.east, serviceId: demo.services.gp, resourceIds: [demo.resources.drCarter!], startsAt: at(tuesday, '09:00', NY), patientId: demo.patients[80]!, idempotencyKey: 'desk1-retry-0001' }),
    );
    expect(results.map(codeOf)).toEqual(Array(10).fill('OK'));
    const ids = new Set(results.map((r) => (r as PromiseFulfilledResult<{ id: string }>).value.id));
    expect(ids.size).toBe(1);
    expect(await count('idempotency_record', `key = 'desk1-retry-0001'`)).toBe(1);
    expect(await count('appointment', `patient_id = '${demo.patients[80]}'`)).toBe(1);
  });
});

describe('invariant 8: a stale edit is refused', () => {
  it('a move based on an old version gets STALE with the current version', async () => {
    const booked = await desks[0]!.booking.book({ branchId: demo.branches.east, serviceId: demo.services.gp, resourceIds: [demo.resources.drCarter!], startsAt: at(tuesday, '12:00', NY), patientId: demo.patients[90]! });
    const moved = await desks[1]!.booking.move({ appointmentId: booked.id, version: booked.version, startsAt: at(tuesday, '12:30', NY) });
    expect(moved.version).toBe(booked.version + 1);
    const error = await desks[0]!.booking.move({ appointmentId: booked.id, version: booked.version, startsAt: at(tuesday, '13:00', NY) }).catch((e: { cause: DomainError<'STALE'> }) => e.cause);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError<'STALE'>).code).toBe('STALE');
    expect(((error as DomainError<'STALE'>).details.current as { version: number }).version).toBe(moved.version);
    const { rows } = await db.sql.query('SELECT starts_at, version FROM appointment WHERE id = $1', [booked.id]);
    expect(rows[0].starts_at.toISOString()).toBe(new Date(at(tuesday, '12:30', NY)).toISOString());
  });

  it('concurrent moves of one appointment: one applies, the others are STALE', async () => {
    const booked = await desks[0]!.booking.book({ branchId: demo.branches.east, serviceId: demo.services.gp, resourceIds: [demo.resources.drCarter!], startsAt: at(tuesday, '14:00', NY), patientId: demo.patients[91]! });
    const results = await race(8, (i) => desk(i).booking.move({ appointmentId: booked.id, version: booked.version, startsAt: at(tuesday, `15:${String(i * 5).padStart(2, '0')}`, NY) }));
    const codes = results.map(codeOf);
    expect(codes.filter((c) => c === 'OK')).toHaveLength(1);
    expect(codes.filter((c) => c === 'STALE')).toHaveLength(7);
    expect(await count('appointment', `id = '${booked.id}' AND version = ${booked.version + 1}`)).toBe(1);
    expect(await resourceOverlaps()).toBe(0);
  });
});

describe('the appointment lifecycle', () => {
  it('hold → confirm → check in, each step in the log with who did it', async () => {
    const hold = await desks[1]!.booking.hold({ branchId: demo.branches.east, serviceId: demo.services.gp, resourceIds: [demo.resources.drRao!], startsAt: at(monday, '16:00', NY) });
    expect(hold.status).toBe('HELD');
    expect(hold.holdExpiresAt).not.toBeNull();
    const booked = await desks[1]!.booking.confirm({ appointmentId: hold.id, version: hold.version, patientId: demo.patients[95]! });
    expect(booked.status).toBe('BOOKED');
    expect(booked.patient?.id).toBe(demo.patients[95]);
    // Check-in opens an hour before the start: the booking is brought to the next few minutes.
    await db.sql.query(`UPDATE appointment SET starts_at = now() + interval '10 minutes', ends_at = now() + interval '25 minutes' WHERE id = $1`, [booked.id]);
    const checkedIn = await desks[0]!.booking.checkIn({ appointmentId: booked.id, version: booked.version });
    expect(checkedIn.status).toBe('CHECKED_IN');
    const { rows } = await db.sql.query('SELECT type, actor_id, desk FROM event WHERE aggregate_id = $1 ORDER BY seq', [hold.id]);
    expect(rows.map((r) => r.type)).toEqual(['appointment.held', 'appointment.booked', 'appointment.checked_in']);
    expect(rows[0].actor_id).toBe(demo.staff.callCentre.id);
    expect(rows[2].desk).toBe('front desk 1');
  });

  it('a receptionist of another branch cannot touch it, nor learn that it exists', async () => {
    const west = await callerFor(db.deps, demo.staff.receptionistWest.email, demo.password);
    const booked = await desks[0]!.booking.book({ branchId: demo.branches.east, serviceId: demo.services.gp, resourceIds: [demo.resources.drCarter!], startsAt: at(monday, '17:00', NY), patientId: demo.patients[96]! });
    await expect(west.booking.cancel({ appointmentId: booked.id, version: booked.version, reason: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await count('appointment', `id = '${booked.id}' AND status = 'BOOKED'`)).toBe(1);
  });

  it('outside working hours is OUTSIDE_HOURS with the hours', async () => {
    const error = await desks[0]!.booking
      .hold({ branchId: demo.branches.east, serviceId: demo.services.gp, resourceIds: [demo.resources.drCarter!], startsAt: at(monday, '07:00', NY) })
      .catch((e: { cause: DomainError<'OUTSIDE_HOURS'> }) => e.cause);
    expect((error as DomainError).code).toBe('OUTSIDE_HOURS');
    expect((error as DomainError<'OUTSIDE_HOURS'>).details.resourceHours.length).toBeGreaterThan(0);
  });
});

describe('bad input gets a clear typed error and changes nothing', () => {
  const good = () => ({ branchId: demo.branches.east, serviceId: demo.services.gp, startsAt: at(tuesday, '10:00', NY), patientId: demo.patients[1]! });
  const cases: [string, () => Record<string, unknown>][] = [
    ['a malformed id', () => ({ ...good(), branchId: 'not-a-uuid' })],
    ['a missing field', () => { const { serviceId: _s, ...rest } = good(); return rest; }],
    ['a time without offset', () => ({ ...good(), startsAt: '2027-01-01T10:00:00' })],
    ['a year out of range', () => ({ ...good(), startsAt: '9999-01-01T10:00:00Z' })],
    ['a zero-minute hold', () => ({ ...good(), holdMinutes: 0 })],
    ['a huge hold', () => ({ ...good(), holdMinutes: 100000 })],
    ['a time in the past', () => ({ ...good(), startsAt: '2020-01-01T10:00:00Z' })],
    ['an unknown service', () => ({ ...good(), serviceId: '00000000-0000-4000-8000-000000000000' })],
    ['a script in the key', () => ({ ...good(), idempotencyKey: '<script>alert(1)</script>' })],
  ];
  it.each(cases)('%s', async (_name, input) => {
    const before = await count('appointment');
    const events = await count('event');
    const result = await desks[0]!.booking.hold(input() as never).then(() => 'OK', (e: { code?: string; cause?: { code?: string } }) => e.cause?.code ?? e.code);
    expect(['BAD_REQUEST', 'BAD_INPUT', 'NOT_FOUND']).toContain(result);
    expect(await count('appointment')).toBe(before);
    expect(await count('event')).toBe(events);
  });
});

describe('product lines', () => {
  it('the same product listed twice is BAD_INPUT and changes nothing', async () => {
    const before = await count('appointment');
    const result = await desks[0]!.booking
      .book({ branchId: demo.branches.east, serviceId: demo.services.gp, resourceIds: [demo.resources.drCarter!], startsAt: at(tuesday, '16:30', NY), patientId: demo.patients[2]!, products: [{ productId: demo.products.brush, quantity: 1 }, { productId: demo.products.brush, quantity: 2 }] })
      .then(() => 'OK', (e: { code?: string }) => e.code);
    expect(result).toBe('BAD_REQUEST');
    expect(await count('appointment')).toBe(before);
  });
});
