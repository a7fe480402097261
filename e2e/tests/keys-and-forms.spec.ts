import { expect, futureWeekday, openDesk, showDay, STAFF, test } from '../fixtures/desk.js';

test('the day view by keyboard: shortcuts, focus on the patient search, and forms that name a slip beside its field before sending', async ({ browser, demo }) => {
  const page = await openDesk(browser, STAFF.reception);
  const date = futureWeekday(6);
  await showDay(page, demo.east, date);
  const carter = demo.resource('Dr James Carter');
  const searches: string[] = [];
  page.on('request', (r) => { if (r.url().includes('patients.search')) searches.push(r.url()); });

  // ? opens the list, Escape closes it.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('?');
  await expect(page.getByTestId('shortcuts')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('shortcuts')).toHaveCount(0);

  // / with nothing open: the tokens panel, its search focused.
  await page.keyboard.press('/');
  await expect(page.getByTestId('tokens-panel')).toBeVisible();
  await expect(page.getByTestId('patient-search')).toBeFocused();
  // A search below two characters after trimming is not sent.
  await page.getByTestId('patient-search').fill('  a  ');
  await page.waitForTimeout(600);
  expect(searches).toEqual([]);
  await page.getByTestId('patient-search').fill(' Ma ');
  await expect.poll(() => searches.length).toBeGreaterThan(0);
  expect(decodeURIComponent(searches[0]!)).toContain('"query":"Ma"');
  // Escape while typing leaves the panel; out of the field it closes it.
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('tokens-panel')).toBeVisible();
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('tokens-panel')).toHaveCount(0);

  // A click holds; the patient search is focused at once.
  await page.getByTestId(`slot-${carter}-10:00`).click();
  const panel = page.getByTestId('booking-panel');
  await expect(panel.getByTestId('hold-countdown')).toContainText('Held for you');
  await expect(panel.getByTestId('patient-search')).toBeFocused();

  // New patient with a short phone: named beside the field, nothing sent.
  await panel.getByTestId('patient-search').fill('12');
  await panel.getByTestId('patient-create-open').click();
  await expect(panel.getByTestId('patient-create-phone')).toHaveValue('12');
  await panel.getByTestId('patient-create-name').fill('Form Check');
  let created = 0;
  page.on('request', (r) => { if (/patients\.(create|register)/.test(r.url())) created++; });
  await panel.getByTestId('patient-create-submit').click();
  await expect(panel.getByTestId('patient-create-phone-problem')).toHaveText('Enter a phone number with at least 5 digits.');
  expect(created).toBe(0);
  await panel.getByTestId('patient-create-phone').fill('+1 917 555 0199');
  await panel.getByTestId('patient-create-submit').click();
  await expect(panel.getByTestId('patient-chosen')).toContainText('Form Check');

  // A note over the limit: named beside it, no confirm sent.
  let confirms = 0;
  page.on('request', (r) => { if (r.url().includes('booking.confirm')) confirms++; });
  await panel.getByTestId('booking-note').fill('x'.repeat(1001));
  await panel.getByTestId('confirm-booking').click();
  await expect(panel.getByTestId('booking-note-problem')).toHaveText('A note has at most 1000 characters.');
  expect(confirms).toBe(0);
  await panel.getByTestId('booking-note').fill('fine');
  await panel.getByTestId('booking-note').press('Control+Enter');
  await expect(page.getByTestId('appointment-panel')).toBeVisible();
  expect(confirms).toBe(1);

  // The booked appointment: C asks to check in (weeks ahead, refused in plain words: check-in opens shortly before), H shows the history.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('c');
  await expect(page.getByTestId('appointment-panel')).toContainText('Check-in opens 60 minutes before the appointment');
  await expect(page.getByTestId('appointment-status')).toHaveText('booked');
  await page.keyboard.press('h');
  await expect(page.getByTestId('history-drawer')).toBeVisible();
  // ←/→ turn the day when no move is previewed.
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('date-input')).not.toHaveValue(date);
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('date-input')).toHaveValue(date);
});
