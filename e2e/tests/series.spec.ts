import { apiAs, at, bookVia, expect, futureWeekday, openDesk, overlaps, screenshotPath, showDay, STAFF, test, wall } from '../fixtures/desk.js';

// A recurring series from the booking panel: four weekly GP visits with
// Dr Carter, the third already taken by another desk; the check shows it with
// its nearest times (same day first), the desk picks one, and all four are
// booked in one go. Weeks 20–23 only: no other spec books them.

const first = futureWeekday(20, 1);
const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

test('a weekly series of four with one visit taken: the desk picks an alternative and books all four at once', async ({ browser, db, demo }) => {
  const carter = demo.resource('Dr James Carter');
  const gp = demo.service('GP consultation');
  const api = await apiAs(STAFF.callCentre);
  // Another desk has the third Monday's 10:00 with Dr Carter.
  const taken = await bookVia(api, { branchId: demo.east, serviceId: gp, startsAt: at(addDays(first, 14), '10:00'), resourceIds: [carter] });

  const page = await openDesk(browser, STAFF.reception, { desk: 'series desk' });
  try {
    await showDay(page, demo.east, first);
    await page.getByTestId(`slot-${carter}-10:00`).click();
    const panel = page.getByTestId('booking-panel');
    await expect(panel.getByTestId('hold-countdown')).toContainText('Held for you');
    const name = `Series Patient ${Date.now().toString(36)}`;
    await panel.getByTestId('patient-create-open').click();
    await panel.getByTestId('patient-create-name').fill(name);
    await panel.getByTestId('patient-create-phone').fill(`+1 917 555 ${String(Math.floor(Math.random() * 9000) + 1000)}`);
    await panel.getByTestId('patient-create-submit').click();
    await expect(panel.getByTestId('patient-chosen')).toContainText(name);

    // Repeat…: weekly, four visits, checked.
    await panel.getByTestId('booking-repeat').click();
    const dialog = page.getByTestId('series-dialog');
    await expect(dialog.getByLabel('Repeats')).toBeFocused();
    await dialog.getByLabel('Number of visits').fill('1');
    await dialog.getByTestId('series-check').click();
    // A slip is said next to its field, and nothing is checked.
    await expect(dialog.getByTestId('series-count-error')).toHaveText('A series has at least 2 visits.');
    await dialog.getByLabel('Number of visits').fill('4');
    await dialog.getByLabel('Number of visits').press('Enter');
    const rows = dialog.getByTestId('series-row');
    await expect(rows).toHaveCount(4);
    await expect(dialog.getByTestId('series-summary')).toContainText('1 of 4 taken');
    await expect(rows.nth(0)).toHaveAttribute('data-state', 'free');
    await expect(rows.nth(2)).toHaveAttribute('data-state', 'taken');
    await expect(rows.nth(2)).toContainText('That time is taken.');
    // The nearest alternative is on the same day; the desk takes the second one offered.
    const choice = rows.nth(2).getByTestId('series-choice');
    const options = await choice.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(options.length).toBeGreaterThan(2);
    const picked = options[1]!;
    expect(new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' }).format(new Date(picked))).toBe(addDays(first, 14));
    await choice.selectOption(picked);
    await page.screenshot({ path: screenshotPath('series') });

    await dialog.getByTestId('series-book-all').click();
    await expect(page.getByTestId('series-dialog')).toHaveCount(0);

    // The database: one series, four booked visits in their places, the third at the picked time, nothing overlapping; the hold gone.
    const { rows: visits } = await db.query<{ id: string; series_index: number; status: string; starts_at: Date }>(
      `SELECT a.id, a.series_index, a.status::text AS status, a.starts_at FROM appointment a JOIN patient p ON p.id = a.patient_id
        WHERE p.name = $1 AND a.series_id IS NOT NULL ORDER BY a.series_index`,
      [name],
    );
    expect(visits.map((v) => [v.series_index, v.status])).toEqual([1, 2, 3, 4].map((i) => [i, 'BOOKED']));
    expect(visits[2]!.starts_at.toISOString()).toBe(picked);
    expect(visits.filter((v) => v.series_index !== 3).map((v) => wall(v.starts_at))).toEqual(['10:00', '10:00', '10:00']);
    const { rows: holds } = await db.query(`SELECT 1 FROM appointment WHERE status = 'HELD' AND starts_at = $1 AND hold_expires_at > now()`, [at(first, '10:00')]);
    expect(holds).toEqual([]);
    expect(await overlaps(db)).toBe(0);
    const { rows: other } = await db.query<{ status: string }>(`SELECT status::text AS status FROM appointment WHERE id = $1`, [taken.id]);
    expect(other[0]!.status).toBe('BOOKED');

    // The second visit on its day: "2 of 4", and cancel offers the three scopes.
    await showDay(page, demo.east, addDays(first, 7));
    await page.getByTestId(`appt-${visits[1]!.id}`).click();
    const appointment = page.getByTestId('appointment-panel');
    await expect(appointment.getByTestId('series-place')).toHaveText('Visit 2 of 4');
    await appointment.getByTestId('cancel-open').click();
    await expect(appointment.getByLabel('Cancel which visits')).toBeVisible();
    await expect(appointment.getByLabel('Cancel which visits').locator('option')).toHaveText(['This visit only', 'This and the following visits', 'The whole series']);
    await appointment.getByLabel('Cancel which visits').selectOption('following');
    await appointment.getByLabel('Reason').selectOption('PATIENT_REQUEST');
    await appointment.getByTestId('cancel-confirm').click();
    await expect(appointment.getByTestId('appointment-status')).toHaveText('cancelled');
    // Visits 2 to 4 cancelled, each on its own; the first stays booked.
    const { rows: after } = await db.query<{ status: string }>(`SELECT status::text AS status FROM appointment WHERE series_id = (SELECT series_id FROM appointment WHERE id = $1) ORDER BY series_index`, [visits[0]!.id]);
    expect(after.map((v) => v.status)).toEqual(['BOOKED', 'CANCELLED', 'CANCELLED', 'CANCELLED']);
  } finally {
    await page.context().close();
  }
});
