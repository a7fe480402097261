// Over 300 lines: every command that takes a key, raced and replayed across staff and branches, in one place so the rules read as a table.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlStateOf } from '../db/errors.js';
import { Prisma } from '../db/prisma.js';
import { inTransaction } from '../db/tx.js';
import { seedDemo, type DemoClinic } from '../seed/demo.js';
import { callerFor, type Caller } from '../testing/callers.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { domainOf, failure, failureCode } from '../testing/errors.js';
import { at, codeOf, race, upcoming } from '../testing/race.js';

// Idempotency keys belong to the staff member who sent them and to the one
// request they were sent with: a replay by that person of that request gets
// the first result; anyone else, or any other request, learns nothing of it.

const NY = 'America/New_York';
const CHI = 'America/Chicago';
let db: TestDatabase;
let demo: DemoClinic;
let midtown: Caller;
let midtownManager: Caller;
let lakeview: Caller;
let callCentre: Caller;
let monday: string;
let wednesday: string;
let friday: string;

async function count(table: string, where: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.sql.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params);
  return rows[0].n;
}

async function patient(i: number): Promise<{ id: string; name: string; phone: string }> {
  const { rows } = await db.sql.query('SELECT id, name, phone FROM patient WHERE id = $1', [demo.patients[i]]);
  return rows[0];
}

/** The JSON of whatever a call ended with, to look for what must not be in it. */
function shown(value: unknown): string {
  const domain = domainOf(value);
  return JSON.stringify(domain ?? value) ?? '';
}

const gpEast = (startsAt: string, patientId: string) => ({
  branchId: demo.branches.east,
  serviceId: demo.services.gp,
  resourceIds: [demo.resources.drCarter!],
  startsAt,
  patientId,
});

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 30 });
  demo = await seedDemo(db.owner, { emailDomain: 'idempotency.test', patients: 80 });
  [midtown, midtownManager, lakeview, callCentre] = await Promise.all([
    callerFor(db.deps, demo.staff.receptionist.email, demo.password, 'midtown desk'),
    callerFor(db.deps, demo.staff.manager.email, demo.password, 'midtown office'),
    callerFor(db.deps, demo.staff.receptionistWest.email, demo.password, 'lakeview desk'),
    callerFor(db.deps, demo.staff.callCentre.email, demo.password, 'call centre'),
  ]);
  monday = upcoming(1, NY);
  wednesday = upcoming(3, NY);
  friday = upcoming(5, NY);
});
afterAll(() => db.drop());

describe("a key answers only its own sender's request", () => {
  it("Lakeview reusing Midtown's key gets its own hold, not Midtown's appointment", async () => {
    const p = await patient(0);
    const key = 'shared-key-0001';
    const booked = await midtown.booking.book({ ...gpEast(at(monday, '09:00', NY), p.id), idempotencyKey: key });

    const held = await lakeview.booking.hold({
      branchId: demo.branches.west,
      serviceId: demo.services.gp,
      resourceIds: [demo.resources.drOkafor!],
      startsAt: at(monday, '10:00', CHI),
      idempotencyKey: key,
    });
    expect(held.id).not.toBe(booked.id);
    expect(held.branchId).toBe(demo.branches.west);
    expect(held.status).toBe('HELD');
    expect(JSON.stringify(held)).not.toContain(p.name);
    expect(JSON.stringify(held)).not.toContain(p.phone);
    expect(await count('appointment', 'id = $1 AND branch_id = $2', [held.id, demo.branches.west])).toBe(1);
  });

  it('Lakeview naming Midtown with that key is refused for the branch, before any key is looked at', async () => {
    const p = await patient(1);
    const key = 'shared-key-0002';
    await midtown.booking.book({ ...gpEast(at(monday, '09:30', NY), p.id), idempotencyKey: key });
    const error = await failure(lakeview.booking.book({ ...gpEast(at(monday, '09:30', NY), p.id), idempotencyKey: key }));
    expect(failureCode(error)).toBe('FORBIDDEN');
    expect(shown(error)).not.toContain(p.name);
  });

  it("a call-centre agent sending the very same request with Midtown's key runs it as her own: the slot is taken, nothing of Midtown's booking comes back", async () => {
    const p = await patient(2);
    const key = 'shared-key-0003';
    const input = { ...gpEast(at(monday, '10:00', NY), p.id), idempotencyKey: key };
    const booked = await midtown.booking.book(input);
    const error = await failure(callCentre.booking.book(input));
    expect(failureCode(error)).toBe('SLOT_TAKEN');
    const text = shown(error);
    for (const secret of [booked.id, p.name, p.phone]) expect(text).not.toContain(secret);
    expect(await count('appointment', 'patient_id = $1', [p.id])).toBe(1);
  });

  it('two staff of one branch using the same key each get their own result', async () => {
    const key = 'same-branch-key-0001';
    const a = await midtown.booking.book({ ...gpEast(at(monday, '11:00', NY), demo.patients[3]!), idempotencyKey: key });
    const b = await midtownManager.booking.book({ ...gpEast(at(monday, '11:30', NY), demo.patients[4]!), idempotencyKey: key });
    expect(b.id).not.toBe(a.id);
    expect(b.patient?.id).toBe(demo.patients[4]);
    expect(await count('idempotency_record', 'key = $1', [key])).toBe(2);
  });
});

describe('a key reused for a different request is refused, and says nothing of the first', () => {
  it('book with the key of an earlier booking at another time: BAD_INPUT naming the key, nothing booked', async () => {
    const p = await patient(5);
    const key = 'reused-key-0001';
    const first = await midtown.booking.book({ ...gpEast(at(monday, '12:00', NY), p.id), idempotencyKey: key });
    const error = await failure(midtown.booking.book({ ...gpEast(at(monday, '12:30', NY), demo.patients[6]!), idempotencyKey: key }));
    expect(failureCode(error)).toBe('BAD_INPUT');
    const domain = domainOf(error);
    expect(domain?.message).toContain(key);
    expect(domain?.details).toEqual({ field: 'idempotencyKey' });
    const text = shown(error);
    for (const secret of [first.id, p.name, p.phone, demo.branches.east, 'Midtown', first.startsAt]) expect(text).not.toContain(secret);
    expect(await count('appointment', 'patient_id = $1', [demo.patients[6]])).toBe(0);
  });

  it('hold with the key of an earlier book of the same slot: another command, refused', async () => {
    const key = 'reused-key-0002';
    const input = gpEast(at(monday, '13:00', NY), demo.patients[7]!);
    await midtown.booking.book({ ...input, idempotencyKey: key });
    const error = await failure(midtown.booking.hold({ ...input, idempotencyKey: key }));
    expect(failureCode(error)).toBe('BAD_INPUT');
  });

  it('issueToken with the key of a booking: refused, no token issued', async () => {
    const key = 'reused-key-0003';
    await midtown.booking.book({ ...gpEast(at(monday, '13:30', NY), demo.patients[8]!), idempotencyKey: key });
    const error = await failure(midtown.booking.issueToken({ sessionId: demo.sessionId, patientId: demo.patients[8]!, idempotencyKey: key }));
    expect(failureCode(error)).toBe('BAD_INPUT');
    expect(await count('token', 'patient_id = $1', [demo.patients[8]])).toBe(0);
  });

  it('the same request written differently (another offset, resources in another order) is a replay', async () => {
    const key = 'same-request-0001';
    const startsAt = at(monday, '14:00', NY);
    const first = await midtown.booking.hold({ ...gpEast(startsAt, demo.patients[9]!), resourceIds: [demo.resources.drCarter!, demo.resources.eastRoom1!], idempotencyKey: key });
    // The same instant written with New York's winter offset.
    const offset = new Date(Date.parse(startsAt) - 5 * 3_600_000).toISOString().replace('Z', '-05:00');
    const again = await midtown.booking.hold({
      ...gpEast(offset, demo.patients[9]!.toUpperCase()),
      resourceIds: [demo.resources.eastRoom1!, demo.resources.drCarter!],
      idempotencyKey: key,
    });
    expect(again.id).toBe(first.id);
    expect(await count('appointment', 'patient_id = $1', [demo.patients[9]])).toBe(1);
  });
});

describe('concurrent retries', () => {
  it('10 identical holds with one key at once: one appointment, returned to all (five rounds)', async () => {
    // A retry that passes the key check just before the first commits then meets its own appointment in the slot.
    const thursday = upcoming(4, NY);
    for (let round = 0; round < 5; round++) {
      const key = `race-hold-000${round}`;
      const patientId = demo.patients[10 + round]!;
      const input = { ...gpEast(at(thursday, `${9 + round}:00`.padStart(5, '0'), NY), patientId), idempotencyKey: key };
      const results = await race(10, () => midtown.booking.hold(input));
      expect(results.map(codeOf), `round ${round}`).toEqual(Array(10).fill('OK'));
      const ids = new Set(results.map((r) => (r as PromiseFulfilledResult<{ id: string }>).value.id));
      expect(ids.size).toBe(1);
      expect(await count('appointment', 'patient_id = $1', [patientId])).toBe(1);
      expect(await count('idempotency_record', 'key = $1', [key])).toBe(1);
      expect(await count('event', `type = 'appointment.held' AND aggregate_id = $1`, [[...ids][0]])).toBe(1);
    }
  });

  it('a retry that passed the key check just before the first request committed still gets the first result, not SLOT_TAKEN', async () => {
    // Both requests pass the key check; the availability check lets the first through and holds the second until the first is done.
    const availability = db.deps.availability;
    const real = availability.check.bind(availability);
    let arrived = 0;
    let bothArrived!: () => void;
    let release!: () => void;
    const both = new Promise<void>((r) => (bothArrived = r));
    const released = new Promise<void>((r) => (release = r));
    availability.check = async (q) => {
      const n = ++arrived;
      if (n === 1) await both;
      if (n === 2) {
        bothArrived();
        await released;
      }
      return real(q);
    };
    try {
      const input = { ...gpEast(at(wednesday, '15:00', NY), demo.patients[15]!), idempotencyKey: 'late-retry-0001' };
      const calls = [midtown.booking.hold(input), midtown.booking.hold(input)];
      await Promise.race(calls).catch(() => undefined);
      release();
      const results = await Promise.allSettled(calls);
      expect(results.map(codeOf)).toEqual(['OK', 'OK']);
      const ids = new Set(results.map((r) => (r as PromiseFulfilledResult<{ id: string }>).value.id));
      expect(ids.size).toBe(1);
      expect(await count('appointment', 'patient_id = $1', [demo.patients[15]])).toBe(1);
    } finally {
      delete (availability as Partial<typeof availability>).check;
    }
  });

  it('10 different bookings sent with one key at once: one wins, the others are refused', async () => {
    const key = 'race-book-0001';
    const results = await race(10, (i) =>
      midtown.booking.book({ ...gpEast(at(wednesday, `${10 + Math.floor(i / 4)}:${String((i % 4) * 15).padStart(2, '0')}`, NY), demo.patients[20 + i]!), idempotencyKey: key }),
    );
    const codes = results.map(codeOf);
    expect(codes.filter((c) => c === 'OK')).toHaveLength(1);
    expect(codes.filter((c) => c === 'BAD_INPUT')).toHaveLength(9);
    const winner = (results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ id: string }>).value;
    for (const r of results) if (r.status === 'rejected') expect(domainOf(r.reason)?.message).toContain(key);
    const patients = demo.patients.slice(20, 30);
    expect(await count('appointment', 'patient_id = ANY($1::uuid[])', [patients])).toBe(1);
    const { rows } = await db.sql.query('SELECT appointment_id FROM idempotency_record WHERE key = $1', [key]);
    expect(rows).toEqual([{ appointment_id: winner.id }]);
  });
});

describe('issueToken honours its key', () => {
  const tokensOf = async (patientId: string) => (await db.sql.query('SELECT id, number, status FROM token WHERE patient_id = $1', [patientId])).rows;
  const sessionIsConsistent = async () => {
    const { rows } = await db.sql.query(
      'SELECT s.issued, (SELECT count(*)::int FROM token t WHERE t.session_id = s.id) AS tokens FROM capacity_session s WHERE s.id = $1',
      [demo.sessionId],
    );
    expect(rows[0].issued).toBe(rows[0].tokens);
  };

  it('10 retries of one issueToken at once: exactly one token, the same one returned to all', async () => {
    const patientId = demo.patients[40]!;
    const results = await race(10, () => midtown.booking.issueToken({ sessionId: demo.sessionId, patientId, idempotencyKey: 'token-race-0001' }));
    expect(results.map(codeOf)).toEqual(Array(10).fill('OK'));
    const ids = new Set(results.map((r) => (r as PromiseFulfilledResult<{ token: { id: string } }>).value.token.id));
    expect(ids.size).toBe(1);
    expect(await tokensOf(patientId)).toHaveLength(1);
    await sessionIsConsistent();
  });

  it('a retry after the token was cancelled returns that token, never a second one', async () => {
    const patientId = demo.patients[41]!;
    const input = { sessionId: demo.sessionId, patientId, idempotencyKey: 'token-retry-0001' };
    const first = await midtown.booking.issueToken(input);
    await db.sql.query(`UPDATE token SET status = 'CANCELLED' WHERE id = $1`, [first.token.id]);
    const again = await midtown.booking.issueToken(input);
    expect(again.token.id).toBe(first.token.id);
    expect(again.token.status).toBe('CANCELLED');
    expect(await tokensOf(patientId)).toHaveLength(1);
    await sessionIsConsistent();
  });

  it('the key of a token sent for another patient: BAD_INPUT, no second token', async () => {
    const key = 'token-reuse-0001';
    await midtown.booking.issueToken({ sessionId: demo.sessionId, patientId: demo.patients[42]!, idempotencyKey: key });
    const error = await failure(midtown.booking.issueToken({ sessionId: demo.sessionId, patientId: demo.patients[43]!, idempotencyKey: key }));
    expect(failureCode(error)).toBe('BAD_INPUT');
    expect(shown(error)).not.toContain(demo.patients[42]);
    expect(await tokensOf(demo.patients[43]!)).toHaveLength(0);
    await sessionIsConsistent();
  });

  it('10 tokens for different patients sent with one key at once: one token, the others refused', async () => {
    const patients = demo.patients.slice(50, 60);
    const results = await race(10, (i) => midtown.booking.issueToken({ sessionId: demo.sessionId, patientId: patients[i]!, idempotencyKey: 'token-race-0002' }));
    const codes = results.map(codeOf);
    expect(codes.filter((c) => c === 'OK')).toHaveLength(1);
    expect(codes.filter((c) => c === 'BAD_INPUT')).toHaveLength(9);
    for (const r of results) if (r.status === 'rejected') expect(domainOf(r.reason)?.message).toContain('token-race-0002');
    expect(await count('token', 'patient_id = ANY($1::uuid[])', [patients])).toBe(1);
    await sessionIsConsistent();
  });

  it('a key sent with a patient who already holds a live token names that token from then on', async () => {
    const patientId = demo.patients[44]!;
    const first = await midtown.booking.issueToken({ sessionId: demo.sessionId, patientId });
    const keyed = await midtown.booking.issueToken({ sessionId: demo.sessionId, patientId, idempotencyKey: 'token-existing-0001' });
    expect(keyed.token.id).toBe(first.token.id);
    await db.sql.query(`UPDATE token SET status = 'CANCELLED' WHERE id = $1`, [first.token.id]);
    const retried = await midtown.booking.issueToken({ sessionId: demo.sessionId, patientId, idempotencyKey: 'token-existing-0001' });
    expect(retried.token.id).toBe(first.token.id);
    expect(await tokensOf(patientId)).toHaveLength(1);
  });
});

describe("another branch's ids are as unknown as ids that do not exist", () => {
  const nobody = '00000000-0000-4000-8000-000000000000';

  it('every appointment command from Lakeview on a Midtown appointment: NOT_FOUND, word for word as for a made-up id', async () => {
    const p = await patient(60);
    const booked = await midtown.booking.book(gpEast(at(friday, '09:00', NY), p.id));
    const calls = (appointmentId: string) => [
      () => lakeview.booking.get({ appointmentId }),
      () => lakeview.booking.cancel({ appointmentId, version: booked.version, reason: 'probe' }),
      // A stale version must not answer STALE with the current appointment.
      () => lakeview.booking.move({ appointmentId, version: booked.version + 5, startsAt: at(friday, '10:00', NY) }),
      () => lakeview.booking.confirm({ appointmentId, version: booked.version }),
      () => lakeview.booking.checkIn({ appointmentId, version: booked.version }),
      () => lakeview.booking.markNoShow({ appointmentId, version: booked.version }),
      () => lakeview.booking.extendHold({ appointmentId, version: booked.version }),
      () => lakeview.booking.release({ appointmentId }),
    ];
    const real = calls(booked.id);
    const fake = calls(nobody);
    for (let i = 0; i < real.length; i++) {
      const [a, b] = [await failure(real[i]!()), await failure(fake[i]!())];
      expect(domainOf(a), `call ${i}`).toEqual(domainOf(b));
      expect(failureCode(a)).toBe('NOT_FOUND');
      expect(shown(a)).not.toContain(p.name);
    }
    expect(await count('appointment', `id = $1 AND status = 'BOOKED' AND version = $2`, [booked.id, booked.version])).toBe(1);
  });

  it("issueToken from Lakeview on Midtown's session: NOT_FOUND, as for a made-up session", async () => {
    const a = await failure(lakeview.booking.issueToken({ sessionId: demo.sessionId, patientId: demo.patients[61]! }));
    const b = await failure(lakeview.booking.issueToken({ sessionId: nobody, patientId: demo.patients[61]! }));
    expect(failureCode(a)).toBe('NOT_FOUND');
    expect(domainOf(a)).toEqual(domainOf(b));
    expect(await count('token', 'patient_id = $1', [demo.patients[61]])).toBe(0);
  });

  it("a patient conflict seen from Lakeview names nothing of the Midtown appointment", async () => {
    const p = await patient(62);
    // 11:00–11:20 in New York with the dermatologist; Lakeview tries 10:15 Chicago (11:15 New York).
    const tuesday = upcoming(2, NY);
    const booked = await midtown.booking.book({ branchId: demo.branches.east, serviceId: demo.services.derm, resourceIds: [demo.resources.drIyer!], startsAt: at(tuesday, '11:00', NY), patientId: p.id });
    const error = await failure(
      lakeview.booking.book({ branchId: demo.branches.west, serviceId: demo.services.gp, resourceIds: [demo.resources.drOkafor!], startsAt: at(tuesday, '10:15', CHI), patientId: p.id }),
    );
    expect(failureCode(error)).toBe('SLOT_TAKEN');
    const text = shown(error);
    for (const secret of [booked.id, booked.endsAt, demo.branches.east, demo.resources.drIyer!, demo.services.derm, p.name, p.phone]) expect(text).not.toContain(secret);
  });

  it('a staff member moved off a branch cannot replay a key there', async () => {
    const key = 'moved-away-0001';
    const input = { ...gpEast(at(friday, '11:00', NY), demo.patients[63]!), idempotencyKey: key };
    const manager = await callerFor(db.deps, demo.staff.manager.email, demo.password, 'manager, moving');
    await manager.booking.book(input);
    // Moved by the admin's command: its event drops the manager's cached session at once.
    const admin = await callerFor(db.deps, demo.staff.admin.email, demo.password, 'admin, moving');
    await admin.admin.staff.setBranches({ staffId: demo.staff.manager.id, branchIds: [demo.branches.west] });
    try {
      expect(failureCode(await failure(manager.booking.book(input)))).toBe('FORBIDDEN');
    } finally {
      await admin.admin.staff.setBranches({ staffId: demo.staff.manager.id, branchIds: [demo.branches.east] });
    }
  });
});

describe('row-level security on idempotency records', () => {
  it("the runtime role sees no record with no tenant set, only its own tenant's with one, and can rewrite none", async () => {
    const other = await seedDemo(db.owner, { tenantName: 'Other clinic', emailDomain: 'idempotency-other.test', patients: 2 });
    const theirDesk = await callerFor(db.deps, other.staff.receptionist.email, other.password, 'other desk');
    await theirDesk.booking.book({ branchId: other.branches.east, serviceId: other.services.gp, resourceIds: [other.resources.drCarter!], startsAt: at(friday, '15:00', NY), patientId: other.patients[0]!, idempotencyKey: 'other-clinic-0001' });
    await midtown.booking.book({ ...gpEast(at(friday, '15:00', NY), demo.patients[64]!), idempotencyKey: 'own-clinic-0001' });

    const [unscoped] = await db.deps.db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM idempotency_record`;
    expect(unscoped?.n).toBe(0);
    const seen = await inTransaction(db.deps.db, { tenantId: demo.tenantId }, (tx) => tx.$queryRaw<{ tenant_id: string }[]>`SELECT tenant_id::text FROM idempotency_record`);
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen.map((r) => r.tenant_id))).toEqual(new Set([demo.tenantId]));
    for (const statement of [Prisma.sql`UPDATE idempotency_record SET request_hash = repeat('f', 64)`, Prisma.sql`DELETE FROM idempotency_record`]) {
      const error = await inTransaction(db.deps.db, { tenantId: demo.tenantId }, (tx) => tx.$executeRaw(statement)).catch((e: unknown) => e);
      expect(sqlStateOf(error)).toBe('42501');
    }
    // Written from the other clinic's transaction, a record naming this clinic is refused.
    const forged = await inTransaction(db.deps.db, { tenantId: other.tenantId }, (tx) =>
      tx.$executeRaw`INSERT INTO idempotency_record (tenant_id, staff_id, key, command, request_hash, branch_id, token_id)
                     VALUES (${demo.tenantId}::uuid, ${demo.staff.receptionist.id}::uuid, 'forged-0001', 'booking.issueToken', ${'0'.repeat(64)}, ${demo.branches.east}::uuid, ${randomUUID()}::uuid)`,
    ).catch((e: unknown) => e);
    expect(sqlStateOf(forged)).toBe('42501');
  });
});
