import { expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { callerFor } from '../testing/callers.js';
import { demoDatabase } from '../testing/file-database.js';
import { at, upcoming } from '../testing/race.js';
import { startHoldSweeper } from './hold-sweeper.js';

const setup = demoDatabase({ emailDomain: 'sweeper.test', patients: 2 });

it('the background sweeper expires a lapsed hold on its own and logs it', async () => {
  const desk = await callerFor(setup.db.deps, setup.demo.staff.callCentre.email, setup.demo.password);
  const hold = await desk.booking.hold({ branchId: setup.demo.branches.east, serviceId: setup.demo.services.gp, resourceIds: [setup.demo.resources.drCarter!], startsAt: at(upcoming(4, 'America/New_York'), '11:00', 'America/New_York') });
  await setup.db.sql.query(`UPDATE appointment SET hold_expires_at = now() - interval '1 second' WHERE id = $1`, [hold.id]);
  const sweeper = startHoldSweeper(setup.db.deps.holdExpiry, createLogger('silent'), 50);
  try {
    await expect
      .poll(async () => (await setup.db.sql.query('SELECT status FROM appointment WHERE id = $1', [hold.id])).rows[0].status, { timeout: 5000 })
      .toBe('EXPIRED');
  } finally {
    await sweeper.stop();
  }
  const { rows } = await setup.db.sql.query(`SELECT desk, actor_id FROM event WHERE type = 'appointment.expired' AND aggregate_id = $1`, [hold.id]);
  expect(rows).toEqual([{ desk: 'hold sweeper', actor_id: null }]);
});
