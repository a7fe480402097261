import { apiAs, at, bookVia, expect, futureWeekday, openDesk, screenshotPath, showDay, STAFF, test } from '../fixtures/desk.js';

// A booked appointment edited from its panel, a visit carried through to
// completed with its times, and a late cancellation, each checked in the database.

const ADMIN = 'admin@demo.frontdesk.test';
const date = futureWeekday(18, 3); // a Wednesday: Dr Rao and Dr Carter both work at Midtown

test('edit the practitioner of a booking from its panel: the same appointment, now with Dr Rao, one version later', async ({ browser, db, demo }) => {
  const api = await apiAs(STAFF.reception);
  const carter = demo.resource('Dr James Carter');
  const rao = demo.resource('Dr Anita Rao');
  const booked = await bookVia(api, { branchId: demo.east, serviceId: demo.service('GP consultation'), startsAt: at(date, '09:00'), resourceIds: [carter] });

  const page = await openDesk(browser, STAFF.reception);
  await showDay(page, demo.east, date);
  await page.getByTestId(`appt-${booked.id}`).click();
  const panel = page.getByTestId('appointment-panel');
  await expect(panel).toHaveAttribute('data-appointment', booked.id);
  await panel.getByTestId('edit-open').click();
  await panel.getByLabel('Practitioner').selectOption(rao);
  await panel.getByLabel('Note').fill('Asked for Dr Rao');
  await panel.getByTestId('edit-save').click();
  await expect(page.getByTestId('notice')).toHaveText('Appointment updated.');
  await expect(panel).toContainText('Dr Anita Rao');
  await expect(panel).toContainText('Asked for Dr Rao');

  const { rows } = await db.query<{ resource_id: string }>(`SELECT resource_id FROM appointment_resource WHERE appointment_id = $1 AND active`, [booked.id]);
  expect(rows.map((r) => r.resource_id)).toContain(rao);
  expect(rows.map((r) => r.resource_id)).not.toContain(carter);
  const { rows: after } = await db.query<{ version: number; starts_at: Date }>(`SELECT version, starts_at FROM appointment WHERE id = $1`, [booked.id]);
  expect(after[0]!.version).toBe(booked.version + 1);
  expect(after[0]!.starts_at.toISOString()).toBe(booked.startsAt);
});

test('the visit from arrival to completed: too early to check in is said in plain words; waiting time, consultation and completed times shown', async ({ browser, db, demo }) => {
  const api = await apiAs(STAFF.reception);
  const gp = demo.service('GP consultation');
  const early = await bookVia(api, { branchId: demo.east, serviceId: gp, startsAt: at(date, '10:00'), resourceIds: [demo.resource('Dr James Carter')] });
  const visit = await bookVia(api, { branchId: demo.east, serviceId: gp, startsAt: at(date, '10:30'), resourceIds: [demo.resource('Dr James Carter')], patientName: 'E2E Waiting Patient' });
  // Arrived twelve minutes ago: a state a day weeks ahead cannot reach through the desk, written straight.
  await db.query(`UPDATE appointment SET status = 'CHECKED_IN', checked_in_at = now() - interval '12 minutes', version = version + 1 WHERE id = $1`, [visit.id]);

  const page = await openDesk(browser, STAFF.reception);
  await showDay(page, demo.east, date);
  const panel = page.getByTestId('appointment-panel');

  await page.getByTestId(`appt-${early.id}`).click();
  await panel.getByTestId('check-in').click();
  await expect(panel.getByTestId('appointment-error')).toContainText('Check-in opens 60 minutes before the appointment');
  expect((await db.query(`SELECT status::text FROM appointment WHERE id = $1`, [early.id])).rows[0].status).toBe('BOOKED');

  await page.getByTestId(`appt-${visit.id}`).click();
  await expect(panel).toHaveAttribute('data-appointment', visit.id);
  await expect(panel.getByTestId('waiting-time')).toHaveText(/^waiting 1[2-9] min$/);
  await panel.getByTestId('start-consultation').click();
  await expect(panel.getByTestId('appointment-status')).toHaveText('in consultation');
  await expect(panel.getByTestId('progress-consultation')).toContainText('In consultation');
  await expect(panel.getByTestId('waiting-time')).toHaveText(/^waited 1[2-9] min$/);
  await panel.getByTestId('complete').click();
  await expect(panel.getByTestId('appointment-status')).toHaveText('completed');
  await expect(panel.getByTestId('progress-completed')).toContainText('Completed');
  await expect(panel.getByTestId('progress-arrived')).toContainText('Arrived');
  await panel.screenshot({ path: screenshotPath('appointment-progress') });

  const { rows } = await db.query<{ status: string; checked_in_at: Date; consultation_started_at: Date; completed_at: Date }>(
    `SELECT status::text, checked_in_at, consultation_started_at, completed_at FROM appointment WHERE id = $1`,
    [visit.id],
  );
  const row = rows[0]!;
  expect(row.status).toBe('COMPLETED');
  expect(row.consultation_started_at.getTime()).toBeGreaterThan(row.checked_in_at.getTime());
  expect(row.completed_at.getTime()).toBeGreaterThanOrEqual(row.consultation_started_at.getTime());
  const { rows: events } = await db.query<{ type: string }>(`SELECT type FROM event WHERE aggregate_id = $1 ORDER BY seq`, [visit.id]);
  expect(events.map((e) => e.type)).toEqual(['appointment.booked', 'appointment.consultation_started', 'appointment.completed']);
});

test('a cancellation inside the notice period set in Setup › Clinic is flagged late, with its reason from the list', async ({ browser, db, demo }) => {
  const api = await apiAs(STAFF.reception);
  // Within the longest notice period a clinic may set (30 days): a Wednesday two weeks ahead.
  const soon = futureWeekday(2, 3);
  const booked = await bookVia(api, { branchId: demo.east, serviceId: demo.service('GP consultation'), startsAt: at(soon, '16:30'), resourceIds: [demo.resource('Dr Anita Rao')] });
  const admin = await openDesk(browser, ADMIN);
  try {
    // A notice period longer than the weeks until this booking: cancelling it now is late.
    await admin.getByTestId('tab-setup').click();
    await admin.getByTestId('setup-tab-clinic').click();
    const card = admin.getByTestId('setup-clinic-visits');
    await expect(card.getByLabel('Check-in opens (minutes before the start)')).toHaveValue('60');
    await card.getByLabel('Late cancellation: less notice than (hours)').fill('720');
    await card.getByTestId('visit-settings-save').click();
    await expect(card.getByTestId('visit-settings-saved')).toBeVisible();
    expect((await db.query(`SELECT late_cancel_notice_hours FROM tenant WHERE id = (SELECT tenant_id FROM appointment WHERE id = $1)`, [booked.id])).rows[0].late_cancel_notice_hours).toBe(720);

    const page = await openDesk(browser, STAFF.reception);
    await showDay(page, demo.east, soon);
    await page.getByTestId(`appt-${booked.id}`).click();
    const panel = page.getByTestId('appointment-panel');
    await panel.getByTestId('cancel-open').click();
    await panel.getByLabel('Reason').selectOption('ILLNESS');
    await panel.getByLabel('Details (optional)').fill('Flu');
    await panel.getByTestId('cancel-confirm').click();
    await expect(panel.getByTestId('appointment-status')).toHaveText('cancelled');
    await expect(panel.getByTestId('late-cancel-badge')).toHaveText('Late cancellation');
    await expect(panel.getByTestId('cancel-detail')).toContainText('Illness — Flu');
    const { rows } = await db.query(`SELECT cancelled_late, cancel_reason_code, cancel_reason FROM appointment WHERE id = $1`, [booked.id]);
    expect(rows[0]).toEqual({ cancelled_late: true, cancel_reason_code: 'ILLNESS', cancel_reason: 'Flu' });
  } finally {
    await db.query(`UPDATE tenant SET late_cancel_notice_hours = 24 WHERE id = (SELECT tenant_id FROM appointment WHERE id = $1)`, [booked.id]);
  }
});

test("editing onto a practitioner who is busy then: the refusal with the nearest free times, and the booking unchanged", async ({ browser, db, demo }) => {
  const api = await apiAs(STAFF.reception);
  const gp = demo.service('GP consultation');
  const carter = demo.resource('Dr James Carter');
  const rao = demo.resource('Dr Anita Rao');
  await bookVia(api, { branchId: demo.east, serviceId: gp, startsAt: at(date, '14:00'), resourceIds: [rao] });
  const mine = await bookVia(api, { branchId: demo.east, serviceId: gp, startsAt: at(date, '14:00'), resourceIds: [carter] });

  const page = await openDesk(browser, STAFF.reception);
  await showDay(page, demo.east, date);
  await page.getByTestId(`appt-${mine.id}`).click();
  const panel = page.getByTestId('appointment-panel');
  await panel.getByTestId('edit-open').click();
  await panel.getByLabel('Practitioner').selectOption(rao);
  await panel.getByTestId('edit-save').click();
  const conflict = panel.getByTestId('conflict-panel');
  await expect(conflict).toContainText('Dr Anita Rao is not free at that time.');
  await expect(conflict.getByTestId('alternative-0')).toBeVisible();

  const { rows } = await db.query<{ resource_id: string }>(`SELECT resource_id FROM appointment_resource WHERE appointment_id = $1 AND active`, [mine.id]);
  expect(rows.map((r) => r.resource_id)).toContain(carter);
  expect((await db.query(`SELECT version FROM appointment WHERE id = $1`, [mine.id])).rows[0].version).toBe(mine.version);
});
