import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { seedDemo, type DemoClinic } from '../seed/demo.js';
import { callerFor } from '../testing/callers.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { at, upcoming } from '../testing/race.js';
import { startHoldSweeper } from './hold-sweeper.js';

let db: TestDatabase;
let demo: DemoClinic;
beforeAll(async () => {
  db = await createTestDatabase();
  demo = await seedDemo(db.owner, { emailDomain: 'sweeper.test', patients: 2 });
});
afterAll(() => db.drop());

it('the background sweeper expires a lapsed hold on its own and logs it', async () => {
  const desk = await callerFor(db.deps, demo.staff.callCentre.email, demo.password);
  const hold = await desk.booking.hold({ branchId: demo.branches.east, serviceId: demo.services.gp, resourceIds: [demo.resources.drCarter!], startsAt: at(upcoming(4, 'America/New_York'), '11:00', 'America/New_York') });
  await db.sql.query(`UPDATE appointment SET hold_expires_at = now() - interval '1 second' WHERE id = $1`, [hold.id]);
  const sweeper = startHoldSweeper(db.deps.holdExpiry, createLogger('silent'), 50);
  try {
    await expect
      .poll(async () => (await db.sql.query('SELECT status FROM appointment WHERE id = $1', [hold.id])).rows[0].status, { timeout: 5000 })
      .toBe('EXPIRED');
  } finally {
    await sweeper.stop();
  }
  const { rows } = await db.sql.query(`SELECT desk, actor_id FROM event WHERE type = 'appointment.expired' AND aggregate_id = $1`, [hold.id]);
  expect(rows).toEqual([{ desk: 'hold sweeper', actor_id: null }]);
});
