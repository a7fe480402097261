import { localDateOf } from '@frontdesk/shared';
import { apiAs, EAST_TZ, expect, futureWeekday, newPatient, openDesk, showDay, STAFF, test } from '../fixtures/desk.js';

test('a whole booking without the mouse: N, the patient search, ↓ and Enter, the service, Enter; every key in the help list', async ({ browser, db, demo }) => {
  const api = await apiAs(STAFF.reception);
  const tag = `Keyb${Date.now().toString(36)}`;
  const patients = [await newPatient(api, `${tag} Alpha Moreno`), await newPatient(api, `${tag} Bravo Moreno`)];
  const page = await openDesk(browser, STAFF.reception);
  await showDay(page, demo.east, futureWeekday(9));
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

  // The help list names the queue's keys and the booking's own.
  await page.keyboard.press('?');
  const help = page.getByTestId('shortcuts');
  await expect(help.getByTestId('shortcuts-queue')).toContainText('Call next');
  await expect(help.getByTestId('shortcuts-queue')).toContainText('Recall');
  await expect(help.getByTestId('shortcuts-new-booking')).toContainText('Walk the patients found');
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);

  // N: the next free time held, the patient search focused.
  await page.keyboard.press('n');
  const panel = page.getByTestId('booking-panel');
  await expect(panel.getByTestId('hold-countdown')).toContainText('Held for you');
  const search = panel.getByTestId('patient-search');
  await expect(search).toBeFocused();

  // Type, ↓ to the second patient found, Enter picks that one.
  await page.keyboard.type(tag);
  const options = panel.locator('[role="option"]');
  await expect(options).toHaveCount(2);
  await expect(options.nth(0)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowDown');
  await expect(options.nth(1)).toHaveAttribute('aria-selected', 'true');
  await expect(search).toHaveAttribute('aria-activedescendant', (await options.nth(1).getAttribute('id'))!);
  const picked = (await options.nth(1).locator('strong').textContent())!.trim();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(panel.getByTestId('patient-chosen')).toContainText(picked);

  // Focus is on the service: Tab goes on to the next field and Shift+Tab comes back; Enter there confirms.
  const service = panel.getByTestId('booking-service');
  await expect(service).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(service).not.toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(service).toBeFocused();
  const serviceId = await service.inputValue();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('appointment-status')).toHaveText('booked');

  const pickedId = patients.find((p) => p.name === picked)!.id;
  const { rows } = await db.query<{ status: string; service_id: string; created_by: string }>(
    `SELECT status, service_id, created_by FROM appointment WHERE patient_id = $1`,
    [pickedId],
  );
  expect(rows).toEqual([{ status: 'BOOKED', service_id: serviceId, created_by: demo.staff(STAFF.reception) }]);
  await page.context().close();
});

test("N in the queue panel calls the next token and nothing else: the desk's own N (new booking) stands aside there", async ({ browser, db, demo }) => {
  const reception = await apiAs(STAFF.reception);
  const name = `Keyboard queue ${Date.now().toString(36)}`;
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO capacity_session (tenant_id, branch_id, name, starts_at, ends_at, capacity)
     SELECT tenant_id, id, $2, now() - interval '30 minutes', now() + interval '2 hours', 20 FROM branch WHERE id = $1 RETURNING id`,
    [demo.east, name],
  );
  const p = await newPatient(reception, `${name} Walker`);
  await reception.booking.issueToken.mutate({ sessionId: rows[0]!.id, patientId: p.id });
  const since = new Date();

  const page = await openDesk(browser, STAFF.reception, { desk: 'Keyboard queue desk' });
  await showDay(page, demo.east, localDateOf(Date.now(), EAST_TZ));
  await page.getByTestId('tokens-open').click();
  await page.getByTestId('tokens-panel').getByText(name, { exact: true }).click();
  await page.getByTestId('queue-counter').fill('Counter 9');
  await page.getByTestId('queue-call-next').focus();
  await page.keyboard.press('n');
  await expect(page.getByTestId('queue-now-serving')).toHaveText('1');
  // Out of the panel, N is the new booking again: exactly one hold made since, that one (a stray one would be there, released or not).
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('n');
  await expect(page.getByTestId('booking-panel').getByTestId('hold-countdown')).toContainText('Held for you');
  const made = async () => (await db.query(`SELECT id FROM appointment WHERE created_by = $1 AND created_at >= $2`, [demo.staff(STAFF.reception), since])).rows.length;
  await expect.poll(made).toBe(1);
  await page.getByTestId('booking-release').click();
  await page.context().close();
});
