import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError, domainErrorOf } from '@frontdesk/shared';
import { seedDemo, type DemoClinic } from '../seed/demo.js';
import { callerFor, type Caller } from '../testing/callers.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { at, upcoming } from '../testing/race.js';
import { poolOf } from './pg-tx.js';

// FRONTDESK_DB_PREPARE=on: the booking's direct transactions prepare their
// statements once per connection; bookings, refusals and the rows written are
// the same as unprepared.

const NY = 'America/New_York';
let db: TestDatabase;
let demo: DemoClinic;
let desk: Caller;

beforeAll(async () => {
  // One connection: every booking reuses the statements the first one prepared.
  db = await createTestDatabase({ poolSize: 1, prepareStatements: true });
  demo = await seedDemo(db.owner, { emailDomain: 'prepared.test', patients: 6 });
  desk = await callerFor(db.deps, demo.staff.receptionist.email, demo.password, 'prepared desk');
});
afterAll(() => db.drop());

describe('prepared booking statements', () => {
  it('books again and again on one connection, refuses a taken time with alternatives, and the statements are prepared there', async () => {
    const day = upcoming(3, NY, 4);
    const book = (hhmm: string, patient: number) =>
      desk.booking.book({ branchId: demo.branches.east, serviceId: demo.services.gp, resourceIds: [demo.resources.drRao!], startsAt: at(day, hhmm, NY), patientId: demo.patients[patient]! });
    const booked = [];
    for (const [i, hhmm] of ['09:00', '09:30', '10:00', '10:30'].entries()) booked.push(await book(hhmm, i));
    expect(booked.map((a) => a.status)).toEqual(['BOOKED', 'BOOKED', 'BOOKED', 'BOOKED']);
    const refusal = await book('09:00', 5).catch((error: unknown) => error);
    const cause = (refusal as { cause?: unknown }).cause;
    expect(domainErrorOf(refusal)?.code ?? (cause instanceof DomainError ? cause.code : undefined)).toBe('SLOT_TAKEN');

    const { rows } = await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM appointment WHERE id = ANY($1::uuid[]) AND status = 'BOOKED'`, [booked.map((a) => a.id)]);
    expect(rows[0]!.n).toBe(4);
    const client = await poolOf(db.deps.db)!.connect();
    try {
      const prepared = await client.query<{ name: string }>(`SELECT name FROM pg_prepared_statements WHERE name LIKE 'fd\\_%'`);
      expect(prepared.rowCount).toBeGreaterThan(0);
    } finally {
      client.release();
    }
  });
});
