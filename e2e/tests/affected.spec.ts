import { apiAs, at, bookVia, expect, futureWeekday, openDesk, screenshotPath, showDay, STAFF, test } from '../fixtures/desk.js';

test('blocking time over bookings asks first: one kept (marked on the sheet and the grid), one cancelled with a reason, one moved; the database agrees', async ({ browser, db, demo }) => {
  const date = futureWeekday(14, 3);
  const api = await apiAs(STAFF.reception);
  const derm = demo.service('Dermatology consult');
  const iyer = demo.resource('Dr Arjun Iyer');
  const kept = await bookVia(api, { branchId: demo.east, serviceId: derm, startsAt: at(date, '12:00'), resourceIds: [iyer] });
  const cancelled = await bookVia(api, { branchId: demo.east, serviceId: derm, startsAt: at(date, '13:00'), resourceIds: [iyer] });
  const moved = await bookVia(api, { branchId: demo.east, serviceId: derm, startsAt: at(date, '14:00'), resourceIds: [iyer] });

  const page = await openDesk(browser, STAFF.manager);
  const sheet = page.getByTestId('day-sheet');
  await expect(sheet).toBeVisible();
  await page.getByTestId('date-input').fill(date);
  await page.getByTestId('date-input').blur();
  await expect(sheet).toContainText('3 appointments');

  await page.getByLabel('Whose time').selectOption(iyer);
  await page.getByLabel('From').fill('11:00');
  await page.getByLabel('To').fill('16:00');
  await page.getByLabel('Kind of time off').selectOption('LEAVE');
  await page.getByLabel('Reason', { exact: true }).fill('Conference');
  await page.getByTestId('timeoff-add').click();

  const dialog = page.getByTestId('affected-dialog');
  await expect(dialog).toBeVisible();
  const rows = dialog.getByTestId('affected-row');
  await expect(rows).toHaveCount(3);
  // Nothing is written until the choices are applied.
  expect((await db.query(`SELECT count(*)::int AS n FROM time_off WHERE resource_id = $1 AND reason = 'Conference'`, [iyer])).rows[0].n).toBe(0);

  const row = (id: string) => dialog.locator(`[data-appointment-id="${id}"]`);
  await expect(row(kept.id)).toContainText('Dr Arjun Iyer is off then (Conference)');
  await row(kept.id).getByTestId('affected-action').selectOption('keep');
  await row(cancelled.id).getByTestId('affected-action').selectOption('cancel');
  await row(moved.id).getByTestId('affected-action').selectOption('move');
  const firstFree = await row(moved.id).getByTestId('affected-move-time').locator('option').first().textContent();
  expect(firstFree).toBeTruthy();

  // A cancellation needs a reason: said next to the field, nothing sent.
  await page.getByTestId('affected-apply').click();
  await expect(page.getByTestId('affected-reason-error')).toBeVisible();
  await page.getByTestId('affected-reason').fill('Doctor at a conference');
  await page.screenshot({ path: screenshotPath('setup-affected-dialog') });
  await page.getByTestId('affected-apply').click();

  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('timeoff-settled')).toContainText('1 appointment moved, 1 appointment cancelled, 1 appointment kept as an exception');
  const keptRow = page.getByTestId(`sheet-row-${kept.id}`);
  await expect(keptRow.getByTestId('kept-outside-hours')).toBeVisible();
  await expect(page.getByTestId(`sheet-row-${cancelled.id}`)).toContainText('cancelled');
  await page.screenshot({ path: screenshotPath('day-sheet-kept') });

  const { rows: found } = await db.query<{ id: string; status: string; kept: boolean; cancel_reason: string | null; starts_at: Date }>(
    `SELECT id, status::text, kept_outside_hours AS kept, cancel_reason, starts_at FROM appointment WHERE id = ANY($1::uuid[])`,
    [[kept.id, cancelled.id, moved.id]],
  );
  const byId = new Map(found.map((r) => [r.id, r]));
  expect(byId.get(kept.id)).toMatchObject({ status: 'BOOKED', kept: true });
  expect(byId.get(cancelled.id)).toMatchObject({ status: 'CANCELLED', kept: false, cancel_reason: 'Doctor at a conference' });
  expect(byId.get(moved.id)).toMatchObject({ status: 'BOOKED', kept: false });
  // Moved out of the leave.
  const movedAt = byId.get(moved.id)!.starts_at.getTime();
  expect(movedAt < Date.parse(at(date, '11:00')) || movedAt >= Date.parse(at(date, '16:00'))).toBe(true);
  const outside = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM appointment_resource ar JOIN appointment a ON a.id = ar.appointment_id
      WHERE ar.active AND NOT a.kept_outside_hours AND a.ends_at > now()
        AND NOT frontdesk_schedule_allows(ar.tenant_id, ar.resource_id, a.branch_id, ar.starts_at, ar.ends_at)`,
  );
  expect(outside.rows[0]!.n).toBe(0);

  // The day grid marks the kept one too.
  await showDay(page, demo.east, date);
  await expect(page.getByTestId(`appt-${kept.id}`).getByTestId('kept-outside-hours')).toBeVisible();
  await page.context().close();
});

test('closing the dialog changes nothing', async ({ browser, db, demo }) => {
  const date = futureWeekday(15, 3);
  const api = await apiAs(STAFF.reception);
  const iyer = demo.resource('Dr Arjun Iyer');
  const booked = await bookVia(api, { branchId: demo.east, serviceId: demo.service('Dermatology consult'), startsAt: at(date, '12:00'), resourceIds: [iyer] });
  const page = await openDesk(browser, STAFF.manager);
  await page.getByTestId('date-input').fill(date);
  await page.getByTestId('date-input').blur();
  await expect(page.getByTestId('day-sheet')).toContainText('· 1 appointment');
  await page.getByLabel('Whose time').selectOption(iyer);
  await page.getByLabel('From').fill('11:00');
  await page.getByLabel('To').fill('13:00');
  await page.getByTestId('timeoff-add').click();
  await expect(page.getByTestId('affected-row')).toHaveCount(1);
  await page.getByTestId('affected-keep-all').click();
  await page.getByTestId('affected-close').click();
  await expect(page.getByTestId('affected-dialog')).toBeHidden();
  const { rows } = await db.query(`SELECT status::text, kept_outside_hours AS kept FROM appointment WHERE id = $1`, [booked.id]);
  expect(rows[0]).toEqual({ status: 'BOOKED', kept: false });
  expect((await db.query(`SELECT count(*)::int AS n FROM time_off WHERE resource_id = $1 AND starts_at = $2`, [iyer, at(date, '11:00')])).rows[0].n).toBe(0);
  await page.context().close();
});
