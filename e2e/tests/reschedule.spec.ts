import { apiAs, at, bookVia, expect, futureWeekday, openDesk, showDay, STAFF, test, wall } from '../fixtures/desk.js';

test('drag an appointment to another time, then move it again with the keyboard: the row moves and its version goes up each time', async ({ browser, db, demo }) => {
  const date = futureWeekday(5);
  const carter = demo.resource('Dr James Carter');
  const api = await apiAs(STAFF.reception);
  const booked = await bookVia(api, { branchId: demo.east, serviceId: demo.service('GP consultation'), startsAt: at(date, '11:00'), resourceIds: [carter] });
  const row = async () =>
    (await db.query<{ starts_at: Date; ends_at: Date; version: number; status: string }>('SELECT starts_at, ends_at, version, status FROM appointment WHERE id = $1', [booked.id])).rows[0]!;
  const before = await row();

  const page = await openDesk(browser, STAFF.reception);
  await showDay(page, demo.east, date);
  const block = page.getByTestId(`appt-${booked.id}`);
  await expect(block).toHaveAttribute('data-status', 'BOOKED');

  await block.dragTo(page.getByTestId(`slot-${carter}-14:00`));
  await expect(page.getByTestId('notice')).toHaveText('Moved to 14:00.');
  await expect.poll(async () => wall((await row()).starts_at)).toBe('14:00');
  const dragged = await row();
  expect(dragged.version).toBe(before.version + 1);
  expect(dragged.ends_at.getTime() - dragged.starts_at.getTime()).toBe(before.ends_at.getTime() - before.starts_at.getTime());
  expect(dragged.status).toBe('BOOKED');

  // Keyboard: select, ↓ ↓ (15 minutes each), Enter.
  await block.click();
  await expect(page.getByTestId('appointment-panel')).toHaveAttribute('data-appointment', booked.id);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('move-preview')).toContainText('Move to 14:30');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('notice')).toHaveText('Moved to 14:30.');
  await expect.poll(async () => wall((await row()).starts_at)).toBe('14:30');
  expect((await row()).version).toBe(before.version + 2);
  await expect(block).toContainText('14:30');
  await page.context().close();
});
