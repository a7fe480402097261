import { randomUUID } from 'node:crypto';
import { apiAs, at, expect, futureWeekday, openDesk, screenshotPath, showDay, STAFF, test } from '../fixtures/desk.js';

// Reminders and confirmations at the desk: an admin turns messages on and words the reminder with a
// preview; a booking's confirmation is sent (the e2e server has no SMTP: the outbox takes it) and shows
// "sent" on the appointment; the patient's link confirms it and "Confirmed by patient" appears live.

const ADMIN = 'admin@demo.frontdesk.test';
const date = futureWeekday(32, 3); // this spec's week: a Wednesday, Dr Carter works at Midtown

test('configure messages, book, see the confirmation sent, and the patient’s confirmation arrive live', async ({ browser, db, demo }) => {
  const admin = await openDesk(browser, ADMIN);
  await admin.getByTestId('tab-setup').click();
  await admin.getByTestId('setup-tab-messages').click();
  const section = admin.getByTestId('setup-messages');
  await section.getByRole('checkbox', { name: 'Booking confirmation', exact: true }).check();
  await section.getByRole('checkbox', { name: 'Reminder', exact: true }).check();
  await section.getByRole('checkbox', { name: 'Booking changed', exact: true }).check();
  await section.getByRole('checkbox', { name: 'Cancellation', exact: true }).check();
  await section.getByLabel('Template').selectOption('reminder');
  // A placeholder that does not exist is refused next to its field, and nothing is saved.
  await section.getByLabel('Subject').fill('See you on {date} at {tme}');
  await section.getByTestId('messages-save').click();
  await expect(section.getByTestId('template-subject-error')).toContainText('{tme} is not a placeholder');
  await section.getByLabel('Subject').fill('See you on {date} at {time}, {patient}');
  await expect(section.getByTestId('template-preview')).toContainText('See you on Tuesday, November 24, 2026 at 9:30 AM, Ana Shah');
  await section.getByLabel('Hold messages back').check();
  await section.getByTestId('messages-save').click();
  await expect(section.getByTestId('messages-saved')).toBeVisible();
  const saved = await db.query<{ enabled: string[]; quiet_start_min: number; templates: Record<string, { subject: string }> }>('SELECT enabled, quiet_start_min, templates FROM message_settings');
  expect(saved.rows[0]!.enabled.sort()).toEqual(['cancellation', 'change', 'confirmation', 'reminder']);
  expect(saved.rows[0]!.quiet_start_min).toBe(21 * 60);
  expect(saved.rows[0]!.templates.reminder?.subject).toBe('See you on {date} at {time}, {patient}');
  await admin.screenshot({ path: screenshotPath('messages-setup') });
  // Quiet hours off again: the confirmation below must not wait for the morning whatever the hour of this run.
  await section.getByLabel('Hold messages back').uncheck();
  await section.getByTestId('messages-save').click();
  await expect(section.getByTestId('messages-saved')).toBeVisible();

  const api = await apiAs(STAFF.reception);
  const patient = await api.patients.create.mutate({ name: `Ana Message ${randomUUID().slice(0, 4)}`, phone: '+1 917 555 0199', email: 'ana.message@example.test', preferredContact: 'email', consentToMessages: true });
  const booked = await api.booking.book.mutate({
    branchId: demo.east,
    serviceId: demo.service('GP consultation'),
    startsAt: at(date, '10:30'),
    resourceIds: [demo.resource('Dr James Carter')],
    patientId: patient.id,
    idempotencyKey: `e2e-${randomUUID()}`,
  });

  const desk = await openDesk(browser, STAFF.reception);
  await showDay(desk, demo.east, date);
  await desk.getByTestId(`appt-${booked.id}`).click();
  const panel = desk.getByTestId('appointment-panel');
  const confirmation = panel.locator('[data-testid="message-row"][data-kind="confirmation"]');
  await expect(confirmation.getByTestId('message-state')).toHaveText('sent', { timeout: 30_000 });
  await expect(panel.locator('[data-testid="message-row"][data-kind="reminder_48h"]').getByTestId('message-state')).toHaveText('queued');
  await expect(panel.getByTestId('confirmed-by-patient')).toHaveCount(0);

  const { rows } = await db.query<{ body: string; state: string }>("SELECT body, state FROM message WHERE appointment_id = $1 AND kind = 'confirmation'", [booked.id]);
  expect(rows[0]!.state).toBe('sent');
  const link = /http:\/\/\S+\/m\/\S+/.exec(rows[0]!.body)?.[0];
  expect(link).toBeTruthy();

  // The patient, nobody signed in, on their own browser.
  const context = await browser.newContext();
  const phone = await context.newPage();
  await phone.goto(link!);
  await expect(phone.getByTestId('link-when')).toContainText('10:30 AM');
  await phone.screenshot({ path: screenshotPath('patient-link') });
  await phone.getByTestId('link-confirm').click();
  await expect(phone.getByTestId('link-state')).toContainText('You have confirmed this appointment');

  await expect(panel.getByTestId('confirmed-by-patient')).toBeVisible();
  // Away from the grid, so no appointment's details hover over the panel.
  await desk.mouse.move(1, 1);
  await panel.screenshot({ path: screenshotPath('appointment-messages') });
  expect((await db.query("SELECT answer FROM message WHERE appointment_id = $1 AND kind = 'confirmation'", [booked.id])).rows[0]).toEqual({ answer: 'confirmed' });
  await context.close();
});
