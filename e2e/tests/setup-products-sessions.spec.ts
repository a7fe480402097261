import { randomUUID } from 'node:crypto';
import { apiAs, at, expect, futureWeekday, openDesk, screenshotPath, showDay, STAFF, test } from '../fixtures/desk.js';

const ADMIN = 'admin@demo.frontdesk.test';
const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

test('a manager receives stock with a reason and sets a low-stock alert; the booking panel on the front desk shows "low stock"', async ({ browser, db, demo }) => {
  // A product of this test's own, made by the admin, so no other test's stock moves it.
  const admin = await apiAs(ADMIN);
  const name = `Cold pack ${randomUUID().slice(0, 4)}`;
  const product = await admin.setup.products.create.mutate({ name, priceCents: 650 });

  const page = await openDesk(browser, STAFF.manager, { desk: 'manager office' });
  await page.getByTestId('tab-setup').click();
  await page.getByTestId('setup-tab-products').click();
  const section = page.getByTestId('setup-products');
  const row = section.locator(`[data-testid="product-row"][data-name="${name}"]`);
  await expect(row.getByTestId('product-stock')).toHaveText('0');

  // Receiving without saying from where is named beside the field; nothing is sent.
  let sent = 0;
  page.on('request', (r) => { if (r.url().includes('setup.products.receiveStock')) sent++; });
  await row.getByTestId('product-receive').click();
  const receive = section.getByTestId('stock-receive-form');
  await receive.getByLabel('Received').fill('5');
  await receive.getByTestId('stock-save').click();
  await expect(receive.getByTestId('stock-why-error')).toHaveText('Say where the stock came from (supplier, invoice).');
  expect(sent).toBe(0);
  await receive.getByLabel('From (supplier, invoice)').fill('MedSupply, invoice 7781');
  await receive.getByTestId('stock-save').click();
  await expect(section.getByTestId('products-notice')).toContainText('+5, 5 in stock now');
  await expect(row.getByTestId('product-stock')).toHaveText('5');

  // The alert at 6: at or below it, the row says low.
  await row.getByTestId('product-branch-settings').click();
  const settings = section.getByTestId('branch-product-form');
  await settings.getByLabel('Low-stock alert at').fill('6');
  await settings.getByLabel('Price here').fill('7.25');
  await settings.getByTestId('branch-product-save').click();
  await expect(row.getByTestId('product-low')).toBeVisible();
  await expect(row.getByTestId('product-threshold')).toHaveText('6');
  await expect(row.getByTestId('product-price-here')).toContainText('7.25');

  // The database has it, and the event says who, from which desk and why.
  const { rows: stock } = await db.query('SELECT quantity, low_stock_threshold FROM product_stock WHERE product_id = $1 AND branch_id = $2', [product.id, demo.east]);
  expect(stock).toEqual([{ quantity: 5, low_stock_threshold: 6 }]);
  const { rows: events } = await db.query<{ payload: { delta: number; reason: string }; actor_id: string; desk: string }>(
    `SELECT payload, actor_id, desk FROM event WHERE type = 'stock.changed' AND aggregate_id = $1`,
    [product.id],
  );
  expect(events).toEqual([{ payload: { productId: product.id, branchId: demo.east, quantity: 5, delta: 5, reason: 'Received: MedSupply, invoice 7781' }, actor_id: demo.staff(STAFF.manager), desk: 'manager office' }]);

  await row.getByTestId('product-history').click();
  await expect(section.getByTestId('stock-history-row')).toHaveCount(1);
  await expect(section.getByTestId('stock-history-row')).toContainText('Received: MedSupply, invoice 7781');
  await page.screenshot({ path: screenshotPath('setup-products') });

  // The front desk: booking with the product shows it is running low, at this branch's price.
  const desk = await openDesk(browser, STAFF.reception);
  const date = futureWeekday(5, 3);
  await showDay(desk, demo.east, date);
  await desk.getByTestId(`slot-${demo.resource('Dr James Carter')}-16:00`).click();
  const panel = desk.getByTestId('booking-panel');
  await expect(panel.getByTestId(`low-stock-${product.id}`)).toHaveText('low stock (5 left)');
  await expect(panel.locator('label.product', { hasText: name })).toContainText('$7.25');
  await panel.getByTestId('booking-release').click();
  await expect(panel).toHaveCount(0);
  // Let go, the time is free again for the next test.
  const held = async () => (await db.query(`SELECT 1 FROM appointment WHERE branch_id = $1 AND starts_at = $2 AND status = 'HELD'`, [demo.east, at(date, '16:00')])).rowCount;
  await expect.poll(held).toBe(0);
  await desk.context().close();
  await page.context().close();
});

test('a manager creates a Monday–Friday OPD; its sessions are made ahead and the day view offers their tokens', async ({ browser, db, demo }) => {
  const name = `OPD ${randomUUID().slice(0, 4)}`;
  const monday = futureWeekday(3, 1);
  const friday = addDays(monday, 4);

  const page = await openDesk(browser, STAFF.manager);
  await page.getByTestId('tab-setup').click();
  await page.getByTestId('setup-tab-sessions').click();
  const section = page.getByTestId('setup-sessions');
  await section.getByTestId('template-new').click();
  const form = section.getByTestId('template-form');

  // An end before the start is named beside the field first.
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('With').selectOption({ label: 'Dr James Carter' });
  await form.getByLabel('Starts').fill('09:00');
  await form.getByLabel('Ends').fill('08:00');
  await form.getByLabel('Tokens').fill('25');
  await form.getByLabel('First day').fill(monday);
  await form.getByLabel('Last day').fill(friday);
  await form.getByTestId('template-save').click();
  await expect(form.getByTestId('template-endMinute-error')).toHaveText('A session must end after it starts.');
  await form.getByLabel('Ends').fill('12:00');
  for (const day of [1, 2, 3, 4, 5]) await expect(form.getByTestId(`template-day-${day}`)).toBeChecked();
  await expect(form.getByTestId('template-day-6')).not.toBeChecked();
  await form.getByTestId('template-save').click();
  await expect(section.getByTestId('sessions-notice')).toContainText('5 sessions made ahead.');
  const row = section.locator(`[data-testid="template-row"][data-name="${name}"]`);
  await expect(row).toContainText('Mon–Fri');
  await expect(row.getByTestId('template-upcoming').locator('li')).toHaveCount(3);
  // The form as it edits the template, above the list.
  await row.getByTestId('template-edit').click();
  await expect(section.getByTestId('template-form').getByLabel('Name')).toHaveValue(name);
  await page.screenshot({ path: screenshotPath('setup-sessions') });
  await section.getByTestId('template-form').getByRole('button', { name: 'Cancel' }).click();

  // Five sessions in the database, each 09:00–12:00 in New York, 25 tokens, with Dr Carter.
  const { rows } = await db.query<{ date: string; start: string; end: string; capacity: number; resource_id: string }>(
    `SELECT to_char(s.starts_at AT TIME ZONE 'America/New_York', 'YYYY-MM-DD') AS date, to_char(s.starts_at AT TIME ZONE 'America/New_York', 'HH24:MI') AS start,
            to_char(s.ends_at AT TIME ZONE 'America/New_York', 'HH24:MI') AS "end", s.capacity, s.resource_id
       FROM capacity_session s JOIN session_template t ON t.id = s.template_id WHERE t.name = $1 ORDER BY s.starts_at`,
    [name],
  );
  expect(rows).toEqual([0, 1, 2, 3, 4].map((n) => ({ date: addDays(monday, n), start: '09:00', end: '12:00', capacity: 25, resource_id: demo.resource('Dr James Carter') })));

  // The front desk's token area on that Wednesday offers it, and a token can be issued from it.
  const desk = await openDesk(browser, STAFF.reception);
  await showDay(desk, demo.east, addDays(monday, 2));
  await desk.getByTestId('tokens-open').click();
  const tokens = desk.getByTestId('tokens-panel');
  await expect(tokens.locator('.sessions li', { hasText: name })).toContainText('09:00–12:00');
  await expect(tokens.locator('.sessions li', { hasText: name })).toContainText('issued 0/25');
  await desk.context().close();
  await page.context().close();
});
