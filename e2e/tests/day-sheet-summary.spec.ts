import { apiAs, at, bookVia, expect, futureWeekday, openDesk, screenshotPath, STAFF, test } from '../fixtures/desk.js';

const usd = (cents: number) => (cents / 100).toLocaleString('en-US', { style: 'currency', currency: 'USD' });
const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

test("manager's day sheet: grouped by practitioner, totals match the database, and a two-day block over a booking is settled in the dialog", async ({ browser, db, demo }) => {
  const date = futureWeekday(7, 3); // a Wednesday: Dr Rao and Dr Carter both work at Midtown
  const api = await apiAs(STAFF.reception);
  const gp = demo.service('GP consultation');
  const carter = demo.resource('Dr James Carter');
  const rao = demo.resource('Dr Anita Rao');
  const hit = await bookVia(api, { branchId: demo.east, serviceId: gp, startsAt: at(date, '09:00'), resourceIds: [carter] });
  const arrived = await bookVia(api, { branchId: demo.east, serviceId: gp, startsAt: at(date, '10:00'), resourceIds: [rao] });
  const noShow = await bookVia(api, { branchId: demo.east, serviceId: gp, startsAt: at(date, '11:00'), resourceIds: [rao] });
  const cancelled = await bookVia(api, { branchId: demo.east, serviceId: gp, startsAt: at(date, '13:00'), resourceIds: [rao] });
  await api.booking.cancel.mutate({ appointmentId: cancelled.id, version: cancelled.version, reason: 'Patient unwell' });
  // States a future day cannot reach through the desk (arrival, no-show) and a sale, written straight.
  await db.query(`UPDATE appointment SET status = 'CHECKED_IN' WHERE id = $1`, [arrived.id]);
  await db.query(`UPDATE appointment SET status = 'NO_SHOW' WHERE id = $1`, [noShow.id]);
  const { rows: products } = await db.query<{ id: string; name: string; price_cents: number }>(`SELECT id, name, price_cents FROM product WHERE tenant_id = (SELECT tenant_id FROM appointment WHERE id = $1) ORDER BY name LIMIT 1`, [arrived.id]);
  const product = products[0]!;
  await db.query(`INSERT INTO appointment_product (tenant_id, appointment_id, product_id, quantity, unit_price_cents) SELECT tenant_id, id, $2, 2, $3 FROM appointment WHERE id = $1`, [arrived.id, product.id, product.price_cents]);

  const page = await openDesk(browser, STAFF.manager);
  const sheet = page.getByTestId('day-sheet');
  await expect(sheet).toBeVisible();
  await page.getByTestId('date-input').fill(date);
  await page.getByTestId('date-input').blur();
  await expect(sheet).toContainText('4 appointments');
  await expect(page.getByTestId('sheet-group-Dr Anita Rao').locator('tr[data-testid^="sheet-row-"]')).toHaveCount(3);
  await expect(page.getByTestId('sheet-group-Dr James Carter').locator('tr[data-testid^="sheet-row-"]')).toHaveCount(1);

  // The totals strip against the database.
  const day = [at(date, '00:00'), at(nextDay(date), '00:00')];
  const { rows } = await db.query<{ status: string; n: number; cents: number }>(
    `SELECT status::text, count(*)::int AS n, sum(price_cents)::int AS cents FROM appointment WHERE branch_id = $1 AND starts_at >= $2 AND starts_at < $3 GROUP BY status`,
    [demo.east, ...day],
  );
  const n = (s: string) => rows.find((r) => r.status === s)?.n ?? 0;
  const cents = (s: string) => rows.find((r) => r.status === s)?.cents ?? 0;
  const revenue = cents('BOOKED') + cents('CHECKED_IN') + cents('COMPLETED') + 2 * product.price_cents;
  expect([n('BOOKED'), n('CHECKED_IN'), n('NO_SHOW'), n('CANCELLED')]).toEqual([1, 1, 1, 1]);
  await expect(page.getByTestId('total-booked')).toHaveText(String(n('BOOKED')));
  await expect(page.getByTestId('total-arrived')).toHaveText(String(n('CHECKED_IN')));
  await expect(page.getByTestId('total-completed')).toHaveText(String(n('COMPLETED')));
  await expect(page.getByTestId('total-no-shows')).toHaveText(String(n('NO_SHOW')));
  await expect(page.getByTestId('total-cancelled')).toHaveText(String(n('CANCELLED')));
  await expect(page.getByTestId('total-revenue')).toHaveText(usd(revenue));
  await expect(page.getByTestId('cancel-reasons')).toContainText('Patient unwell × 1');
  await expect(page.getByTestId('products-sold')).toContainText(`${product.name} × 2`);
  await page.screenshot({ path: screenshotPath('day-sheet'), fullPage: true });

  // Dr Carter away two whole days: the booking on the first is listed, not silently accepted.
  await page.getByTestId('timeoff-resource').selectOption(carter);
  await page.getByLabel('First day').fill(date);
  await page.getByLabel('Last day').fill(nextDay(date));
  await page.getByTestId('timeoff-whole-days').check();
  await page.getByLabel('Kind of time off').selectOption('LEAVE');
  await page.getByTestId('timeoff-reason').fill('Conference');
  await page.getByTestId('timeoff-add').click();
  const dialog = page.getByTestId('affected-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.locator(`[data-appointment-id="${hit.id}"]`)).toBeVisible();
  const before = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM time_off WHERE resource_id = $1 AND starts_at < $3 AND ends_at > $2`, [carter, ...day]);
  expect(before.rows[0]!.n).toBe(0); // nothing changed while the dialog asks

  await dialog.getByTestId('affected-cancel-all').click();
  await dialog.getByTestId('affected-reason').fill('Doctor at a conference');
  await dialog.getByTestId('affected-apply').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('timeoff-settled')).toContainText('1 appointment cancelled');

  const { rows: after } = await db.query<{ status: string; cancel_reason: string }>(`SELECT status::text, cancel_reason FROM appointment WHERE id = $1`, [hit.id]);
  expect(after[0]).toEqual({ status: 'CANCELLED', cancel_reason: 'Doctor at a conference' });
  const { rows: off } = await db.query<{ starts_at: Date; ends_at: Date }>(`SELECT starts_at, ends_at FROM time_off WHERE resource_id = $1 AND starts_at < $3 AND ends_at > $2`, [carter, ...day]);
  expect(off.map((o) => [o.starts_at.toISOString(), o.ends_at.toISOString()])).toEqual([[at(date, '00:00'), at(nextDay(nextDay(date)), '00:00')]]);
  // The booking's time is free again, and the sheet's totals follow.
  const { rows: freed } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM appointment_resource WHERE appointment_id = $1 AND active`, [hit.id]);
  expect(freed[0]!.n).toBe(0);
  await expect(page.getByTestId('total-cancelled')).toHaveText('2');
  await expect(page.getByTestId('cancel-reasons')).toContainText('Doctor at a conference × 1');
  await page.context().close();
});
