import type { Page } from '@playwright/test';
import type pg from 'pg';
import { localDateOf } from '@frontdesk/shared';
import { activeOn, apiAs, at, bookVia, EAST_TZ, expect, futureWeekday, newPatient, openDesk, screenshotPath, showDay, STAFF, test } from '../fixtures/desk.js';

// What a desk does with its own holds, with a second desk watching where it
// matters: moving on to another slot, closing the panel, a closing window
// and signing out free the time at once; another service keeps the booking's
// patient and note; a patient clash names the appointment in the way. And the
// demo clinic's day, seeded for today.

const ADMIN = 'admin@demo.frontdesk.test';
const HELD = '[data-status="HELD"]:not([data-testid^="appt-part-"])';

async function statusOf(db: pg.Pool, id: string): Promise<string> {
  return (await db.query<{ status: string }>('SELECT status FROM appointment WHERE id = $1', [id])).rows[0]!.status;
}

/** The appointment id of the hold open in a desk's booking panel (its block is "mine"). */
async function heldId(page: Page): Promise<string> {
  const block = page.locator('.appt.mine[data-testid^="appt-"]:not([data-testid^="appt-part-"])');
  await expect(block).toHaveCount(1);
  return (await block.getAttribute('data-testid'))!.replace('appt-', '');
}

test('a desk that clicks slot A, then slot B: A is free on the other desk at once, and the other desk can hold it', async ({ browser, db, demo }) => {
  const date = futureWeekday(11, 2);
  const carter = demo.resource('Dr James Carter');
  const a = await openDesk(browser, STAFF.reception);
  const b = await openDesk(browser, STAFF.callCentre);
  await showDay(a, demo.east, date);
  await showDay(b, demo.east, date);

  await a.getByTestId(`slot-${carter}-11:00`).click();
  await expect(a.getByTestId('booking-panel').locator('.when strong')).toContainText('11:00–');
  const first = await heldId(a);
  await expect(b.getByTestId(`col-${carter}`).locator(HELD)).toHaveCount(1);

  await a.getByTestId(`slot-${carter}-14:00`).click();
  await expect(a.getByTestId('booking-panel').locator('.when strong')).toContainText('14:00–');
  expect(await statusOf(db, first)).toBe('RELEASED');
  // Desk B sees one hold, at 14:00; 11:00 is free again without waiting for the deadline.
  const held = b.getByTestId(`col-${carter}`).locator(HELD);
  await expect(held).toHaveCount(1);
  await expect(held).toContainText('14:00');
  await b.getByTestId(`slot-${carter}-11:00`).click();
  await expect(b.getByTestId('booking-panel').getByTestId('hold-countdown')).toContainText('Held for you');
  expect(await activeOn(db, carter, at(date, '11:00'), at(date, '11:15'))).toMatchObject([{ status: 'HELD', created_by: demo.staff(STAFF.callCentre) }]);
  await a.context().close();
  await b.context().close();
});

test('closing the booking panel, a closing window and signing out each free the hold on the other desk', async ({ browser, db, demo }) => {
  const date = futureWeekday(11, 3);
  const carter = demo.resource('Dr James Carter');
  const a = await openDesk(browser, STAFF.reception);
  const b = await openDesk(browser, STAFF.callCentre);
  await showDay(b, demo.east, date);
  const heldOnB = b.getByTestId(`col-${carter}`).locator(HELD);

  // Release (the panel's close).
  await showDay(a, demo.east, date);
  await a.getByTestId(`slot-${carter}-09:00`).click();
  const released = await heldId(a);
  await expect(heldOnB).toHaveCount(1);
  await a.getByTestId('booking-release').click();
  await expect(a.getByTestId('booking-panel')).toHaveCount(0);
  await expect(heldOnB).toHaveCount(0);
  expect(await statusOf(db, released)).toBe('RELEASED');

  // Escape, from anywhere in the panel.
  await a.getByTestId(`slot-${carter}-09:30`).click();
  const escaped = await heldId(a);
  await expect(heldOnB).toHaveCount(1);
  await a.getByTestId('booking-note').press('Escape');
  await expect(heldOnB).toHaveCount(0);
  expect(await statusOf(db, escaped)).toBe('RELEASED');

  // The window goes away (a reload here): a keepalive request lets the hold go, and the panel does not come back.
  await a.getByTestId(`slot-${carter}-10:00`).click();
  const unloaded = await heldId(a);
  await expect(heldOnB).toHaveCount(1);
  await a.reload();
  await expect(a.getByTestId('day-grid')).toBeVisible();
  await expect(heldOnB).toHaveCount(0);
  expect(await statusOf(db, unloaded)).toBe('RELEASED');
  await expect(a.getByTestId('booking-panel')).toHaveCount(0);

  // Signing out: the server releases the sign-in's holds with the sign-out.
  await showDay(a, demo.east, date);
  await a.getByTestId(`slot-${carter}-10:30`).click();
  const signedOut = await heldId(a);
  await expect(heldOnB).toHaveCount(1);
  await a.getByTestId('sign-out').click();
  await expect(a.getByTestId('login-email')).toBeVisible();
  await expect(heldOnB).toHaveCount(0);
  expect(await statusOf(db, signedOut)).toBe('RELEASED');
  const { rows } = await db.query<{ type: string }>(`SELECT type FROM event WHERE aggregate_id = $1 ORDER BY seq`, [signedOut]);
  expect(rows.map((r) => r.type)).toEqual(['appointment.held', 'appointment.released']);
  await a.context().close();
  await b.context().close();
});

test('another service for the hold keeps the patient and the note; only the practitioner\'s services are offered; a longer one that does not fit keeps the hold', async ({ browser, db, demo }) => {
  const date = futureWeekday(12, 2);
  const kim = demo.resource('Dr Daniel Kim');
  const api = await apiAs(STAFF.callCentre);
  // Another desk's booking at 10:45: a 45-minute cleaning from 10:00 will not fit there.
  await bookVia(api, { branchId: demo.east, serviceId: demo.service('Dental check-up'), startsAt: at(date, '10:45'), resourceIds: [kim] });

  const a = await openDesk(browser, STAFF.reception);
  const b = await openDesk(browser, STAFF.manager);
  await showDay(a, demo.east, date);
  await b.getByTestId('tab-day').click();
  await showDay(b, demo.east, date);
  await a.getByTestId('service-select').selectOption({ label: 'Dental check-up · 30 min' });
  await a.getByTestId(`slot-${kim}-13:00`).click();
  const panel = a.getByTestId('booking-panel');
  await expect(panel.locator('.when strong')).toHaveText('13:00–13:30');
  const hold = await heldId(a);

  const name = `Service Swap ${Date.now() % 100000}`;
  await panel.getByTestId('patient-create-open').click();
  await panel.getByTestId('patient-create-name').fill(name);
  await panel.getByTestId('patient-create-phone').fill('+1 917 555 0142');
  await panel.getByTestId('patient-create-submit').click();
  await expect(panel.getByTestId('patient-chosen')).toContainText(name);
  await panel.getByTestId('booking-note').fill('Sensitive on the left side');

  // Only what Dr Kim does is offered.
  const options = await panel.getByTestId('booking-service').locator('option').allTextContents();
  expect(options.length).toBeGreaterThan(1);
  for (const o of options) expect(o).toMatch(/^Dental/);

  await panel.getByTestId('booking-service').selectOption({ label: 'Dental cleaning · 45 min · $120.00' });
  await expect(panel.locator('.when strong')).toHaveText('13:00–13:45');
  await expect(panel.getByTestId('patient-chosen')).toContainText(name);
  await expect(panel.getByTestId('booking-note')).toHaveValue('Sensitive on the left side');
  // The same appointment, still held, with the new service; the other desk sees its new length.
  const row = (await db.query<{ status: string; service_id: string; ends_at: Date }>('SELECT status, service_id, ends_at FROM appointment WHERE id = $1', [hold])).rows[0]!;
  expect(row).toMatchObject({ status: 'HELD', service_id: demo.service('Dental cleaning') });
  expect(row.ends_at.toISOString()).toBe(at(date, '13:45'));
  await expect(b.getByTestId(`appt-${hold}`)).toContainText('Dental cleaning');

  await panel.getByTestId('confirm-booking').click();
  await expect(a.getByTestId('appointment-status')).toHaveText('booked');
  const booked = (await db.query<{ status: string; note: string; patient: string }>('SELECT a.status, a.note, p.name AS patient FROM appointment a JOIN patient p ON p.id = a.patient_id WHERE a.id = $1', [hold])).rows[0]!;
  expect(booked).toEqual({ status: 'BOOKED', note: 'Sensitive on the left side', patient: name });

  // At 10:00 the cleaning runs into the 10:45 booking: the hold stays a check-up, the conflict offers cleanings elsewhere.
  await a.getByTestId('appointment-panel').getByLabel('Close').click();
  await a.getByTestId(`slot-${kim}-10:00`).click();
  await expect(panel.locator('.when strong')).toHaveText('10:00–10:30');
  const kept = await heldId(a);
  await panel.getByTestId('booking-note').fill('Kept note');
  await panel.getByTestId('booking-service').selectOption({ label: 'Dental cleaning · 45 min · $120.00' });
  await expect(panel.getByTestId('booking-error')).toContainText('The hold is kept as it was.');
  await expect(a.getByTestId('conflict-panel').getByTestId('alternative-0')).toBeVisible();
  await expect(panel.locator('.when strong')).toHaveText('10:00–10:30');
  await expect(panel.getByTestId('booking-note')).toHaveValue('Kept note');
  expect(await statusOf(db, kept)).toBe('HELD');
  await a.screenshot({ path: screenshotPath('service-change-conflict') });
  // Taking an alternative swaps the hold for a cleaning there, the note still in the panel.
  await a.getByTestId('conflict-panel').getByTestId('alternative-0').click();
  await expect(a.getByTestId('conflict-panel')).toHaveCount(0);
  await expect(panel.getByTestId('booking-service')).toHaveValue(demo.service('Dental cleaning'));
  await expect(panel.getByTestId('booking-note')).toHaveValue('Kept note');
  expect(await statusOf(db, kept)).toBe('RELEASED');
  await a.context().close();
  await b.context().close();
});

test('a patient who already has an appointment then: the refusal names it, in plain words', async ({ browser, demo }) => {
  const date = futureWeekday(12, 3);
  const api = await apiAs(STAFF.callCentre);
  const patient = await newPatient(api, `Clash Patient ${Date.now() % 100000}`);
  await api.booking.book.mutate({ branchId: demo.east, serviceId: demo.service('GP consultation'), startsAt: at(date, '11:00'), resourceIds: [demo.resource('Dr James Carter')], patientId: patient.id });

  const a = await openDesk(browser, STAFF.reception);
  await showDay(a, demo.east, date);
  await a.getByTestId(`slot-${demo.resource('Dr Daniel Kim')}-11:00`).click();
  const panel = a.getByTestId('booking-panel');
  await panel.getByTestId('patient-search').fill(patient.name);
  await panel.getByTestId(`patient-result-${patient.id}`).click();
  await panel.getByTestId('confirm-booking').click();
  const sentence = 'This patient already has GP consultation with Dr James Carter and Consult room 1 at 11:00–11:15 (Midtown (New York)).';
  await expect(panel.getByTestId('booking-error')).toHaveText(sentence);
  await expect(a.getByTestId('conflict-panel')).toContainText(sentence);
  await expect(a.getByTestId('conflict-panel').getByTestId('alternative-0')).toBeVisible();
  await a.context().close();
});

test('"+5 min" adds five minutes to what the hold has left', async ({ browser, db, demo }) => {
  const date = futureWeekday(12, 4);
  const a = await openDesk(browser, STAFF.reception);
  await showDay(a, demo.east, date);
  await a.getByTestId(`slot-${demo.resource('Dr James Carter')}-09:00`).click();
  const hold = await heldId(a);
  const left = async () => (await db.query<{ s: number }>('SELECT extract(epoch FROM hold_expires_at - now())::int AS s FROM appointment WHERE id = $1', [hold])).rows[0]!.s;
  const before = await left();
  await a.getByTestId('hold-extend').click();
  await expect.poll(left).toBeGreaterThan(before + 4 * 60);
  await expect(a.getByTestId('hold-countdown')).toContainText(/Held for you: (9|10):/);
  await a.getByTestId('booking-release').click();
  await a.context().close();
});

test("the day sheet and its CSV leave out released holds; the clinic's 12-hour clock shows on every desk", async ({ browser, db, demo }) => {
  const date = futureWeekday(12, 5);
  const api = await apiAs(STAFF.callCentre);
  const carter = demo.resource('Dr James Carter');
  await bookVia(api, { branchId: demo.east, serviceId: demo.service('GP consultation'), startsAt: at(date, '14:00'), resourceIds: [carter] });
  const hold = await api.booking.hold.mutate({ branchId: demo.east, serviceId: demo.service('GP consultation'), startsAt: at(date, '15:00'), resourceIds: [carter] });
  await api.booking.release.mutate({ appointmentId: hold.id, version: hold.version });

  const manager = await openDesk(browser, STAFF.manager);
  await manager.getByTestId('date-input').fill(date);
  await manager.getByTestId('date-input').blur();
  const sheet = manager.getByTestId('day-sheet');
  await expect(sheet).toContainText('· 1 appointment');
  await expect(manager.getByTestId(`sheet-row-${hold.id}`)).toHaveCount(0);
  await manager.getByTestId('show-lapsed-holds').check();
  await expect(manager.getByTestId(`sheet-row-${hold.id}`)).toContainText('released');
  await manager.getByTestId('show-lapsed-holds').uncheck();

  const admin = await apiAs(ADMIN);
  try {
    await admin.clinic.setTimeFormat.mutate({ timeFormat: '12h' });
    // Live: the manager's open sheet changes its clock without a reload.
    await expect(sheet.locator('tbody tr:not(.sheet-group)').first()).toContainText('2:00 PM–2:15 PM');
    await manager.getByTestId('tab-day').click();
    await showDay(manager, demo.east, date);
    await expect(manager.getByTestId('day-grid').locator('.timelabel', { hasText: /^2 PM$/ })).toBeVisible();
    await manager.screenshot({ path: screenshotPath('day-view-12-hour') });
  } finally {
    await admin.clinic.setTimeFormat.mutate({ timeFormat: '24h' });
  }
  await expect(manager.getByTestId('day-grid').locator('.timelabel', { hasText: /^14:00$/ })).toBeVisible();
  expect((await db.query('SELECT time_format FROM tenant')).rows.map((r) => r.time_format)).toEqual(['24h']);
  await manager.context().close();
});

test("the demo clinic opens on today's day: past, present and upcoming appointments and a queue being served", async ({ browser, demo }) => {
  const today = localDateOf(Date.now(), EAST_TZ);
  const a = await openDesk(browser, STAFF.reception);
  await showDay(a, demo.east, today);
  const grid = a.getByTestId('day-grid');
  for (const status of ['COMPLETED', 'CHECKED_IN', 'BOOKED']) await expect(grid.locator(`[data-status="${status}"]`).first()).toBeVisible();
  await a.getByTestId('tokens-open').click();
  const session = a.getByTestId('tokens-panel').locator('.tokenstats').first();
  await expect(session).toContainText('issued 14/30');
  await expect(a.getByTestId('now-serving').first()).toHaveText('9');
  await a.getByTestId('tokens-open').click();
  await a.screenshot({ path: screenshotPath('day-view-today') });
  await a.context().close();
});
