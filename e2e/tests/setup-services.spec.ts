import { randomUUID } from 'node:crypto';
import { apiAs, at, bookVia, expect, futureWeekday, openDesk, screenshotPath, showDay, STAFF, test } from '../fixtures/desk.js';

const ADMIN = 'admin@demo.frontdesk.test';

test('an admin sets up a service needing a dentist and a chair, offered by one dentist at her own length and priced at a branch; the day view offers it only on her column, and a manager sets its price at his branch', async ({ browser, db, demo }) => {
  const name = `Implant consult ${randomUUID().slice(0, 4)}`;
  const nair = demo.resource('Dr Priya Nair');
  const kim = demo.resource('Dr Daniel Kim');
  const monday = futureWeekday(8, 1);

  const page = await openDesk(browser, ADMIN);
  await page.getByTestId('tab-setup').click();
  await page.getByTestId('setup-tab-services').click();
  const section = page.getByTestId('setup-services');
  await section.getByTestId('service-new').click();
  const form = section.getByTestId('service-form');

  await form.getByLabel('Name', { exact: true }).fill(name);
  await form.getByLabel('Length (min)').fill('32');
  await form.getByLabel('Buffer after (min)').fill('10');
  await form.getByLabel('Need 1: tag').fill('dentist');
  await form.getByTestId('service-add-chair').click();
  await form.getByLabel('Need 2: tag').fill('dental');
  await form.getByLabel('Dr Priya Nair', { exact: true }).check();
  await form.getByLabel('Own length for Dr Priya Nair (minutes)').fill('60');
  await form.getByLabel('Base price').fill('200');
  await form.getByLabel('Price at Lakeview (Chicago)').fill('225.50');
  await form.getByLabel('Colour #00838f').check();

  // A slip is named beside its field, and nothing is sent.
  await form.getByTestId('service-save').click();
  await expect(form.getByTestId('service-duration-error')).toHaveText('The length goes in steps of 5 minutes.');
  await form.getByLabel('Length (min)').fill('45');
  await form.getByTestId('service-save').click();
  await expect(section.getByTestId('service-notice')).toHaveText(`${name} is set up.`);

  const row = section.locator(`[data-testid="service-row"][data-name="${name}"]`);
  await expect(row.getByTestId('service-needs-cell')).toHaveText('Practitioner (dentist) + Chair (dental)');
  await expect(row.getByTestId('service-practitioners-cell')).toHaveText('Dr Priya Nair (60 min)');
  await expect(row.getByTestId('service-price-cell')).toContainText('Lakeview (Chicago): $225.50');
  await expect(row.getByTestId('service-price-cell')).toContainText('Midtown (New York): $200.00');
  await expect(row.getByTestId('service-status')).toHaveText('Offered');

  const { rows } = await db.query<{ id: string; duration_min: number; buffer_after_min: number; colour: string; practitioners: { resource_id: string; duration_min: number }[]; prices: { branch_id: string; price_cents: number }[] }>(
    `SELECT s.id, s.duration_min, s.buffer_after_min, s.colour,
            (SELECT json_agg(json_build_object('resource_id', p.resource_id, 'duration_min', p.duration_min)) FROM service_practitioner p WHERE p.service_id = s.id) AS practitioners,
            (SELECT json_agg(json_build_object('branch_id', p.branch_id, 'price_cents', p.price_cents)) FROM service_price p WHERE p.service_id = s.id) AS prices
       FROM service s WHERE s.name = $1`,
    [name],
  );
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ duration_min: 45, buffer_after_min: 10, colour: '#00838f', practitioners: [{ resource_id: nair, duration_min: 60 }], prices: [{ branch_id: demo.west, price_cents: 22_550 }] });

  // The edit form, for the README.
  await row.getByTestId('service-edit').click();
  await expect(form.getByLabel('Own length for Dr Priya Nair (minutes)')).toHaveValue('60');
  await page.screenshot({ path: screenshotPath('setup-services') });
  await form.getByTestId('service-cancel').click();

  // The day view: on Dr Nair's column the new service is held for her 60 minutes; on Dr Kim's it is not offered.
  await showDay(page, demo.east, monday);
  await page.getByTestId('service-select').selectOption({ label: `${name} · 45 min` });
  await page.getByTestId(`slot-${nair}-10:00`).click();
  const panel = page.getByTestId('booking-panel');
  await expect(panel.getByTestId('booking-service')).toHaveValue(rows[0]!.id);
  await expect(panel.locator('.when')).toContainText('10:00–11:00');
  await expect(panel.getByTestId('booking-service').locator('option', { hasText: name })).toHaveText(`${name} · 60 min · $200.00`);
  const held = await db.query<{ ends_at: Date }>(`SELECT ends_at FROM appointment WHERE service_id = $1 AND status = 'HELD'`, [rows[0]!.id]);
  expect(held.rows.map((r) => r.ends_at.toISOString())).toEqual([at(monday, '11:00')]);
  await panel.getByTestId('booking-release').click();
  await expect(panel).toBeHidden();

  await page.getByTestId(`slot-${kim}-11:00`).click();
  await expect(panel.getByTestId('booking-service')).toBeVisible();
  await expect(panel.getByTestId('booking-service')).not.toHaveValue(rows[0]!.id);
  await expect(panel.getByTestId('booking-service').locator('option', { hasText: name })).toHaveCount(0);
  await expect(panel.getByTestId('booking-service').locator('option', { hasText: 'Dental check-up' })).toHaveCount(1);
  await panel.getByTestId('booking-release').click();

  // The Midtown manager sees the service and sets its price at his branch; editing it is the admin's.
  const manager = await openDesk(browser, STAFF.manager);
  await manager.getByTestId('tab-setup').click();
  await manager.getByTestId('setup-tab-services').click();
  const managerRow = manager.getByTestId('setup-services').locator(`[data-testid="service-row"][data-name="${name}"]`);
  await expect(managerRow.getByTestId('service-edit')).toHaveCount(0);
  await expect(manager.getByTestId('service-new')).toHaveCount(0);
  await managerRow.getByTestId(`service-price-change-${demo.east}`).click();
  await managerRow.getByLabel(`Price of ${name} at Midtown (New York)`).fill('210');
  await managerRow.getByTestId(`service-price-save-${demo.east}`).click();
  await expect(managerRow.getByTestId('service-price-cell')).toHaveText(/Midtown \(New York\): \$210\.00/);
  await expect(managerRow.getByTestId('service-price-cell')).not.toContainText('Lakeview');
  const priced = await db.query<{ price_cents: number }>('SELECT price_cents FROM service_price WHERE service_id = $1 AND branch_id = $2', [rows[0]!.id, demo.east]);
  expect(priced.rows).toEqual([{ price_cents: 21_000 }]);
});

test('stopping a service with a booked appointment asks what to do with it first; kept, it stays booked and marked', async ({ browser, db, demo }) => {
  const name = `Whitening ${randomUUID().slice(0, 4)}`;
  const admin = await apiAs(ADMIN);
  const { service } = await admin.setup.services.create.mutate({
    name,
    durationMin: 30,
    requirements: [{ kind: 'PRACTITIONER', tag: 'dentist' }, { kind: 'CHAIR', tag: 'dental' }],
    basePriceCents: 15_000,
  });
  const monday = futureWeekday(9, 1);
  const booked = await bookVia(await apiAs(STAFF.reception), { branchId: demo.east, serviceId: service.id, startsAt: at(monday, '11:00'), resourceIds: [demo.resource('Dr Priya Nair')] });

  const page = await openDesk(browser, ADMIN);
  await page.getByTestId('tab-setup').click();
  await page.getByTestId('setup-tab-services').click();
  const row = page.getByTestId('setup-services').locator(`[data-testid="service-row"][data-name="${name}"]`);
  await row.getByTestId('service-deactivate').click();

  const dialog = page.getByTestId('affected-dialog');
  await expect(dialog.getByTestId('affected-row')).toHaveCount(1);
  await expect(dialog.getByTestId('affected-row')).toContainText(booked.patientName);
  await expect(row.getByTestId('service-status')).toHaveText('Offered');
  await dialog.getByTestId('affected-keep-all').click();
  await dialog.getByTestId('affected-apply').click();
  await expect(dialog).toBeHidden();
  await expect(row.getByTestId('service-status')).toHaveText('Not offered');
  await expect(page.getByTestId('service-notice')).toHaveText(`${name} is no longer offered.`);

  const { rows } = await db.query<{ status: string; kept_outside_hours: boolean; active: boolean }>(
    'SELECT a.status, a.kept_outside_hours, s.active FROM appointment a JOIN service s ON s.id = a.service_id WHERE a.id = $1',
    [booked.id],
  );
  expect(rows).toEqual([{ status: 'BOOKED', kept_outside_hours: true, active: false }]);
});
