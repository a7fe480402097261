import { expect, futureWeekday, openDesk, screenshotPath, STAFF, test, wall } from '../fixtures/desk.js';

const weekdayIn = (instant: string, zone: string) => new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'short' }).format(new Date(instant));

test("call centre: a caller in another zone sees both times; Tuesday afternoons; show more; earliest per practitioner; hold then a new patient, the hold kept", async ({ browser, db, demo }) => {
  const page = await openDesk(browser, STAFF.callCentre);
  const finder = page.getByTestId('finder');
  await expect(finder).toBeVisible();
  await page.getByTestId('finder-service').selectOption({ label: 'GP consultation · 15 min' });
  await page.getByTestId('finder-start').fill(futureWeekday(8));
  await page.getByTestId('finder-weekday-2').check();
  await page.getByTestId('finder-time-of-day').selectOption('afternoon');
  // The caller rings from London: each time in the branch's zone and in theirs.
  await page.getByTestId('finder-caller-zone').selectOption('Europe/London');

  const rows = page.getByTestId('finder-results').locator('li[data-starts-at]');
  await expect(rows).toHaveCount(20);
  const read = async () =>
    rows.evaluateAll((els) => els.map((el) => ({ key: el.getAttribute('data-key')!, startsAt: el.getAttribute('data-starts-at')!, zone: el.getAttribute('data-zone')!, text: el.textContent ?? '' })));
  const first = await read();
  for (const r of first) {
    expect(weekdayIn(r.startsAt, r.zone)).toBe('Tue');
    const hm = wall(r.startsAt, r.zone);
    expect(hm >= '12:00' && hm < '17:00', `${hm} in ${r.zone}`).toBe(true);
    expect(r.text).toContain(`caller ${wall(r.startsAt, 'Europe/London')}`);
  }
  const row0 = rows.first();
  await expect(row0.getByTestId('finder-slot-zone')).toHaveText(/^(EST|EDT|CST|CDT)$/);
  await expect(row0.getByTestId('finder-slot-caller')).toContainText(/GMT|BST/);
  await page.screenshot({ path: screenshotPath('finder') });

  // The branch's own zone as the caller's: no second time.
  await page.getByTestId('finder-caller-zone').selectOption('America/New_York');
  const eastRow = rows.filter({ hasText: 'Midtown' }).first();
  await expect(eastRow.getByTestId('finder-slot-caller')).toHaveCount(0);
  const westRow = rows.filter({ hasText: 'Lakeview' }).first();
  await expect(westRow.getByTestId('finder-slot-caller')).toContainText(`caller ${wall((await westRow.getAttribute('data-starts-at'))!, 'America/New_York')}`);

  // Show more: the next twenty carry on after the first, none twice.
  await page.getByTestId('finder-more').click();
  await expect(rows).toHaveCount(40);
  const all = await read();
  expect(new Set(all.map((r) => r.key)).size).toBe(40);
  expect(all.slice(0, 20).map((r) => r.key)).toEqual(first.map((r) => r.key));
  for (const r of all.slice(20)) expect(r.startsAt >= first.at(-1)!.startsAt).toBe(true);
  for (const r of all) expect(weekdayIn(r.startsAt, r.zone)).toBe('Tue');

  // Earliest per practitioner: one row under each GP's name, each a different practitioner.
  await page.getByTestId('finder-grouped').check();
  const groups = page.getByTestId('finder-results').locator('li.slot-group');
  await expect(groups).toHaveCount(3);
  expect(new Set(await groups.locator('h3').allTextContents())).toEqual(new Set(['Dr Anita Rao', 'Dr James Carter', 'Dr Grace Okafor']));
  for (const g of await groups.all()) await expect(g.locator('li[data-starts-at]')).toHaveCount(1);
  await expect(page.getByTestId('finder-more')).toHaveCount(0);
  await page.getByTestId('finder-grouped').uncheck();

  // Hold the first time; the day opens with the patient search focused.
  const chosen = (await rows.first().getAttribute('data-starts-at'))!;
  await page.getByTestId('finder-hold-0').click();
  const panel = page.getByTestId('booking-panel');
  await expect(panel.getByTestId('hold-countdown')).toContainText('Held for you');
  await expect(panel.getByTestId('patient-search')).toBeFocused();
  const { rows: held } = await db.query<{ id: string; starts_at: Date }>(
    `SELECT id, starts_at FROM appointment WHERE created_by = $1 AND status = 'HELD' ORDER BY created_at DESC LIMIT 1`,
    [demo.staff(STAFF.callCentre)],
  );
  expect(held[0]!.starts_at.toISOString()).toBe(chosen);

  // A caller not on file: searched, not found, made on the spot; the hold is still the same one.
  const name = `Caller London ${Date.now().toString(36)}`;
  await page.keyboard.type(name);
  await expect(panel.getByTestId('patient-results')).toContainText('No patient matches');
  await panel.getByTestId('patient-create-open').click();
  await panel.getByTestId('patient-create-phone').fill('+44 20 7946 0123');
  await panel.getByTestId('patient-create-submit').click();
  await expect(panel.getByTestId('patient-chosen')).toContainText(name);
  await expect(panel.getByTestId('hold-countdown')).toContainText('Held for you');
  await panel.getByTestId('confirm-booking').click();
  await expect(page.getByTestId('appointment-status')).toHaveText('booked');

  const { rows: booked } = await db.query<{ status: string; starts_at: Date; name: string }>(
    `SELECT a.status, a.starts_at, p.name FROM appointment a JOIN patient p ON p.id = a.patient_id WHERE a.id = $1`,
    [held[0]!.id],
  );
  expect(booked).toEqual([{ status: 'BOOKED', starts_at: held[0]!.starts_at, name }]);
  await page.context().close();
});
