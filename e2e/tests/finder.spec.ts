import { expect, openDesk, STAFF, test, wall } from '../fixtures/desk.js';

test('call-centre finder: earliest free for a service across branches, filter to one branch, hold with a key', async ({ browser, db, demo }) => {
  const page = await openDesk(browser, STAFF.callCentre);
  const finder = page.getByTestId('finder');
  await expect(finder).toBeVisible(); // the call centre starts on the finder

  await page.getByTestId('finder-service').selectOption({ label: 'GP consultation · 15 min' });
  const results = page.getByTestId('finder-results');
  const rows = results.locator('li[data-testid^="finder-slot-"]');
  const allAt = async (branch: string) => {
    const texts = await rows.allTextContents();
    return texts.length > 1 && texts.every((t) => t.includes(branch));
  };
  await expect(results.getByTestId('finder-slot-0')).toBeVisible();

  // One finder, both branches: ticking one branch narrows every slot offered to it.
  await page.getByTestId(`finder-branch-${demo.east}`).check();
  await expect.poll(() => allAt('Midtown (New York)')).toBe(true);
  await page.getByTestId(`finder-branch-${demo.east}`).uncheck();
  await page.getByTestId(`finder-branch-${demo.west}`).check();
  await expect.poll(() => allAt('Lakeview (Chicago)')).toBe(true);

  // Keyboard: from the first slot, ↓ to the second, H holds it.
  await rows.first().hover();
  await expect(rows.first()).toHaveClass(/\bon\b/);
  await page.mouse.move(5, 5); // up to the top bar, clear of the list
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('ArrowDown');
  await expect(results.getByTestId('finder-slot-1')).toHaveClass(/\bon\b/);
  const time = (await results.getByTestId('finder-slot-1').locator('.slot-time').textContent())!.trim();
  await page.keyboard.press('h');

  // The desk lands on that branch and day with the hold open.
  const panel = page.getByTestId('booking-panel');
  await expect(panel.getByTestId('hold-countdown')).toContainText('Held for you');
  await expect(panel.locator('.when strong')).toContainText(`${time}–`);
  await expect(page.getByTestId('branch-select')).toHaveValue(demo.west);

  const { rows: held } = await db.query<{ starts_at: Date; branch_id: string }>(
    `SELECT starts_at, branch_id FROM appointment WHERE created_by = $1 AND status = 'HELD' ORDER BY created_at DESC LIMIT 1`,
    [demo.staff(STAFF.callCentre)],
  );
  expect(held).toHaveLength(1);
  expect(held[0]!.branch_id).toBe(demo.west);
  expect(wall(held[0]!.starts_at, 'America/Chicago')).toBe(time);
  await expect(page.getByTestId('date-input')).toHaveValue(new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Chicago' }).format(held[0]!.starts_at));
  await page.context().close();
});
