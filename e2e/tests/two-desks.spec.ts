import { activeOn, at, confirmWithNewPatient, expect, futureWeekday, openDesk, overlaps, screenshotPath, showDay, STAFF, test, wall } from '../fixtures/desk.js';

// Appointment blocks, one per appointment (a two-resource booking also draws an appt-part block).
const BOOKED = '[data-status="BOOKED"]:not([data-testid^="appt-part-"])';

// A receptionist at Midtown and a call-centre agent looking at the same day.

test('a slot desk A holds shows as held on desk B within a second, and B cannot book it', async ({ browser, db, demo }) => {
  const date = futureWeekday(1);
  const carter = demo.resource('Dr James Carter');
  const a = await openDesk(browser, STAFF.reception, { beforeSubmit: (page) => page.screenshot({ path: screenshotPath('login') }).then(() => undefined) });
  const b = await openDesk(browser, STAFF.callCentre);
  await showDay(a, demo.east, date);
  await showDay(b, demo.east, date);

  await a.getByTestId(`slot-${carter}-10:00`).click();
  await expect(a.getByTestId('booking-panel').getByTestId('hold-countdown')).toContainText('Held for you');

  const held = b.getByTestId(`col-${carter}`).locator('[data-status="HELD"]');
  await expect(held).toBeVisible({ timeout: 1_000 });
  await expect(held).toContainText('held');
  await b.screenshot({ path: screenshotPath('day-view-held-by-another-desk') });

  // The block covers the slot: clicking it only shows the appointment, never a booking form.
  await held.click();
  await expect(b.getByTestId('appointment-panel')).toBeVisible();
  await expect(b.getByTestId('booking-panel')).toHaveCount(0);
  // Even a click that reaches the slot underneath is refused by the server, in plain words.
  await b.getByTestId(`slot-${carter}-10:00`).dispatchEvent('click');
  await expect(b.getByTestId('conflict-panel')).toContainText('taken by another desk');
  await expect(b.getByTestId('booking-panel')).toHaveCount(0);

  const rows = await activeOn(db, carter, at(date, '10:00'), at(date, '10:15'));
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ status: 'HELD', created_by: demo.staff(STAFF.reception) });
  await a.context().close();
  await b.context().close();
});

test('two desks take the same slot at once: one holds and books, the other gets alternatives and books one with a click', async ({ browser, db, demo }) => {
  const date = futureWeekday(17); // a Monday no other spec books at Midtown
  const carter = demo.resource('Dr James Carter');
  const a = await openDesk(browser, STAFF.reception);
  const b = await openDesk(browser, STAFF.callCentre);
  await showDay(a, demo.east, date);
  await showDay(b, demo.east, date);

  // Both desks click the same free slot in the same moment (straight at the cell, as a person would before the other's hold shows).
  const slot = `slot-${carter}-11:00`;
  await Promise.all([a.getByTestId(slot).dispatchEvent('click'), b.getByTestId(slot).dispatchEvent('click')]);
  await expect(a.getByTestId('booking-panel').or(a.getByTestId('conflict-panel'))).toBeVisible();
  await expect(b.getByTestId('booking-panel').or(b.getByTestId('conflict-panel'))).toBeVisible();
  const aWon = await a.getByTestId('booking-panel').isVisible();
  const [winner, loser] = aWon ? [a, b] : [b, a];
  const [winnerEmail, loserEmail] = aWon ? [STAFF.reception, STAFF.callCentre] : [STAFF.callCentre, STAFF.reception];
  await expect(loser.getByTestId('booking-panel')).toHaveCount(0);

  const conflict = loser.getByTestId('conflict-panel');
  await expect(conflict).toContainText('That time has just been taken by another desk.');
  await expect(conflict.getByTestId('alternative-0')).toBeVisible();
  await expect(winner.getByTestId('booking-panel').getByTestId('hold-countdown')).toContainText('Held for you');
  await loser.screenshot({ path: screenshotPath('conflict-panel') });

  const alternative = (await conflict.getByTestId('alternative-0').locator('strong').textContent())!.trim();
  expect(alternative).not.toBe('11:00');
  await conflict.getByTestId('alternative-0').click();
  await expect(loser.getByTestId('booking-panel').locator('.when strong')).toContainText(`${alternative}–`);
  await expect(loser.getByTestId('conflict-panel')).toHaveCount(0);

  const winnerName = await confirmWithNewPatient(winner);
  await loser.getByTestId('booking-panel').getByTestId('patient-create-open').click();
  await loser.getByTestId('patient-create-name').fill('Jordan Alvarez');
  await loser.getByTestId('patient-create-phone').fill('+1 917 555 0101');
  await loser.getByTestId('patient-create-submit').click();
  await expect(loser.getByTestId('patient-chosen')).toBeVisible();
  await loser.screenshot({ path: screenshotPath('booking-panel') });
  await loser.getByTestId('confirm-booking').click();
  await expect(loser.getByTestId('appointment-status')).toHaveText('booked');

  // The database: no overlap anywhere, the winner at 11:00, the other desk at the alternative.
  expect(await overlaps(db)).toBe(0);
  const { rows } = await db.query<{ starts_at: Date; created_by: string; status: string; patient: string }>(
    `SELECT a.starts_at, a.created_by, a.status, p.name AS patient FROM appointment a JOIN patient p ON p.id = a.patient_id
      WHERE a.branch_id = $1 AND a.starts_at >= $2 AND a.starts_at < $3 AND a.status = 'BOOKED' ORDER BY a.starts_at`,
    [demo.east, at(date, '00:00'), at(date, '23:59')],
  );
  expect(rows).toHaveLength(2);
  const won = rows.find((r) => r.created_by === demo.staff(winnerEmail))!;
  const lost = rows.find((r) => r.created_by === demo.staff(loserEmail))!;
  expect(wall(won.starts_at)).toBe('11:00');
  expect(won.patient).toBe(winnerName);
  expect(wall(lost.starts_at)).toBe(alternative);
  expect(lost.patient).toBe('Jordan Alvarez');

  // Both desks show both bookings; one more hold for the picture of a busy day.
  await expect(winner.locator(BOOKED)).toHaveCount(2);
  await winner.getByTestId(`slot-${carter}-14:00`).click();
  await expect(loser.getByTestId(`col-${carter}`).locator('[data-status="HELD"]')).toBeVisible();
  await expect(loser.locator(BOOKED)).toHaveCount(2);
  await loser.screenshot({ path: screenshotPath('day-view') });
  await a.context().close();
  await b.context().close();
});
