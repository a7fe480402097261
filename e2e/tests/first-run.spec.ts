import { expect, screenshotPath, serverUrl, test } from '../fixtures/desk.js';
import { emptyServer, fillFirstRun, signIn, type EmptyServer } from '../fixtures/empty-server.js';

// From an empty database: the first-run screen makes the organisation and its
// admin, the admin invites a receptionist with a temporary password, and the
// receptionist must choose her own before the day opens.

let server: EmptyServer;
test.beforeAll(async () => {
  server = await emptyServer();
});
test.afterAll(async () => {
  await server?.stop();
});

const CLINIC = {
  organisation: 'Riverside Health',
  branch: 'Riverside Central',
  timeZone: 'Europe/Lisbon',
  address: 'Rua Augusta 12, 1100-053 Lisboa',
  phone: '+351 21 000 0000',
  adminName: 'Inês Costa',
  adminEmail: 'ines@riverside.example',
  adminPassword: 'tide pool orange 42',
};

test('first run on an empty server, a receptionist with a temporary password, her own password, then the day', async ({ browser }) => {
  const admin = await (await browser.newContext({ baseURL: server.url })).newPage();
  await admin.goto('/');
  await expect(admin.getByTestId('first-run')).toBeVisible();
  // On the server's own machine: no setup code asked for.
  await expect(admin.getByLabel('Setup code')).toHaveCount(0);

  // Slips are named next to their fields, and nothing is sent.
  await admin.getByTestId('first-run-submit').click();
  await expect(admin.getByTestId('first-run-organisationName-error')).toBeVisible();
  await fillFirstRun(admin, { ...CLINIC, timeZone: 'Lisbon' });
  await admin.getByLabel('Confirm password').fill('something else entirely');
  await admin.getByTestId('first-run-submit').click();
  await expect(admin.getByTestId('first-run-timeZone-error')).toContainText('time zone from the list');
  await expect(admin.getByTestId('first-run-confirmPassword-error')).toContainText('differ');
  expect((await server.db.query('SELECT count(*)::int AS n FROM tenant')).rows[0].n).toBe(0);

  await fillFirstRun(admin, CLINIC);
  await expect(admin.getByTestId('password-strength')).toHaveText('Strong.');
  await admin.getByTestId('first-run').screenshot({ path: screenshotPath('first-run') });
  await admin.getByTestId('first-run-submit').click();
  await expect(admin.getByTestId('setup')).toBeVisible();
  await expect(admin.getByTestId('staff-name')).toHaveText(CLINIC.adminName);

  const tenant = await server.db.query('SELECT t.name, b.name AS branch, b.time_zone, b.address, b.phone FROM tenant t JOIN branch b ON b.tenant_id = t.id');
  expect(tenant.rows).toEqual([{ name: CLINIC.organisation, branch: CLINIC.branch, time_zone: CLINIC.timeZone, address: CLINIC.address, phone: CLINIC.phone }]);
  const firstAdmin = await server.db.query('SELECT role, must_change_password FROM staff WHERE email = $1', [CLINIC.adminEmail]);
  expect(firstAdmin.rows).toEqual([{ role: 'ADMIN', must_change_password: false }]);

  // A receptionist, with a temporary password made by the server and shown once.
  await admin.getByTestId('setup-tab-staff').click();
  await admin.getByTestId('staff-new').click();
  const form = admin.getByTestId('staff-form');
  await form.getByLabel('Name').fill('Rosa Reyes');
  await form.getByLabel('Email').fill('rosa@riverside.example');
  await expect(form.getByLabel('Role')).toHaveValue('RECEPTIONIST');
  await expect(form.getByLabel(CLINIC.branch)).toBeChecked();
  await admin.getByTestId('staff-save').click();
  const temporary = (await admin.getByTestId('staff-temp-password').textContent())!.trim();
  expect(temporary).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}-[a-z2-9]{5}$/);
  const rosaRow = admin.locator('[data-testid="staff-row"][data-email="rosa@riverside.example"]');
  await expect(rosaRow.getByTestId('staff-status')).toHaveText('Temporary password');
  await admin.screenshot({ path: screenshotPath('setup-staff') });
  const rosa = await server.db.query('SELECT role, must_change_password FROM staff WHERE email = $1', ['rosa@riverside.example']);
  expect(rosa.rows).toEqual([{ role: 'RECEPTIONIST', must_change_password: true }]);
  await admin.getByTestId('staff-temp-password-done').click();
  await expect(admin.getByTestId('staff-temp-password')).toHaveCount(0);

  // Rosa signs in at the counter: her own password first, then the day.
  const desk = await (await browser.newContext({ baseURL: server.url })).newPage();
  await desk.goto('/');
  await signIn(desk, 'rosa@riverside.example', temporary, 'Counter 1');
  await expect(desk.getByTestId('change-password')).toBeVisible();
  await desk.getByLabel('Temporary password').fill(temporary);
  await desk.getByLabel('New password', { exact: true }).fill('short');
  await desk.getByTestId('change-password-submit').click();
  await expect(desk.getByTestId('change-password-newPassword-error')).toContainText('12 characters');
  await desk.getByLabel('New password', { exact: true }).fill('rosa sunny counter 7');
  await desk.getByLabel('Confirm new password').fill('rosa sunny counter 7');
  await desk.getByTestId('change-password-submit').click();
  await expect(desk.getByTestId('staff-name')).toHaveText('Rosa Reyes');
  await expect(desk.getByTestId('tab-day')).toHaveClass(/on/);
  await expect(desk.getByTestId('day-grid')).toBeVisible();
  const changed = await server.db.query('SELECT must_change_password FROM staff WHERE email = $1', ['rosa@riverside.example']);
  expect(changed.rows).toEqual([{ must_change_password: false }]);

  // The admin's list follows on reload: Rosa is active now.
  await admin.reload();
  await admin.getByTestId('tab-setup').click();
  await admin.getByTestId('setup-tab-staff').click();
  await expect(rosaRow.getByTestId('staff-status')).toHaveText('Active');
});

test('from another machine (through a proxy) the first run asks for the setup code from the log', async ({ browser }) => {
  const remote = await emptyServer();
  try {
    const context = await browser.newContext({ baseURL: remote.url, extraHTTPHeaders: { 'x-forwarded-for': '203.0.113.5' } });
    const page = await context.newPage();
    await page.goto('/');
    await fillFirstRun(page, { ...CLINIC, adminEmail: 'remote@riverside.example' });
    await page.getByLabel('Setup code').fill('AAAA-BBBB-CCCC');
    await page.getByTestId('first-run-submit').click();
    await expect(page.getByTestId('first-run-setupCode-error')).toContainText('setup code is not right');
    expect((await remote.db.query('SELECT count(*)::int AS n FROM tenant')).rows[0].n).toBe(0);

    await page.getByLabel('Setup code').fill(remote.setupCode().toLowerCase());
    await page.getByTestId('first-run-submit').click();
    await expect(page.getByTestId('setup')).toBeVisible();
    expect((await remote.db.query('SELECT count(*)::int AS n FROM tenant')).rows[0].n).toBe(1);
  } finally {
    await remote.stop();
  }
});

test('the demo server, which has a clinic, opens on sign-in, never the first run', async ({ page }) => {
  await page.goto(serverUrl());
  await expect(page.getByTestId('login-form')).toBeVisible();
  await expect(page.getByTestId('first-run')).toHaveCount(0);
});
