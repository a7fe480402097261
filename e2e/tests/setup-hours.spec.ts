import type { Locator, Page } from '@playwright/test';
import { apiAs, at, bookVia, expect, futureWeekday, openDesk, screenshotPath, STAFF, test } from '../fixtures/desk.js';

const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** The vertical position of a wall-clock time on the week grid (its hour label marks the line). */
async function lineOf(page: Page, hhmm: string): Promise<number> {
  const label = page.getByTestId('hours-week').locator('.timelabel', { hasText: hhmm });
  const box = (await label.boundingBox())!;
  return box.y + 7; // the label is drawn 7px above its line
}

/** Drags with the mouse from one point to another, in steps, as a hand would. */
async function drag(page: Page, x: number, fromY: number, toY: number): Promise<void> {
  await page.mouse.move(x, fromY);
  await page.mouse.down();
  await page.mouse.move(x, (fromY + toY) / 2, { steps: 4 });
  await page.mouse.move(x, toY, { steps: 4 });
  await page.mouse.up();
}

async function centreX(locator: Locator): Promise<number> {
  const box = (await locator.boundingBox())!;
  return box.x + box.width / 2;
}

test('a manager sets a split shift by form, adds hours for one date by drag, adds leave, keeps a booking a shorter day leaves out, and the week and the day grid show them', async ({ browser, db, demo }) => {
  // A practitioner of this test's own (the run's database is new), so its weekly hours touch no other test.
  const name = 'Dr Hana Weeks';
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO resource (tenant_id, kind, name, tags) SELECT tenant_id, 'PRACTITIONER', $1, ARRAY['gp'] FROM branch WHERE id = $2 RETURNING id`,
    [name, demo.east],
  );
  const resourceId = rows[0]!.id;
  await db.query(`INSERT INTO resource_branch (tenant_id, resource_id, branch_id) SELECT tenant_id, $1, id FROM branch WHERE id = $2`, [resourceId, demo.east]);
  const monday = futureWeekday(2, 1);
  const wednesday = addDays(monday, 2);
  const friday = addDays(monday, 4);

  const page = await openDesk(browser, STAFF.manager);
  await page.getByTestId('tab-setup').click();
  await page.getByTestId('setup-tab-hours').click();
  const section = page.getByTestId('hours-section');
  await section.getByTestId('hours-resource').selectOption(resourceId);
  await section.getByTestId('hours-next-week').click();
  await section.getByTestId('hours-next-week').click();
  await expect(section.getByTestId(`hours-day-${monday}`)).toBeVisible();

  // The weekly pattern by form: Monday 09:00–12:00 and 14:00–18:00. An overlap is named beside its row first.
  const form = section.getByTestId('hours-pattern-form');
  await form.getByRole('button', { name: '+ Add hours on Monday' }).click();
  await form.getByLabel('Monday from (1)').fill('09:00');
  await form.getByLabel('Monday until (1)').fill('12:00');
  await form.getByRole('button', { name: '+ Add hours on Monday' }).click();
  await form.getByLabel('Monday from (2)').fill('11:00');
  await form.getByLabel('Monday until (2)').fill('18:00');
  await form.getByTestId('hours-pattern-save').click();
  await expect(form.getByTestId('hours-pattern-1-problem-1')).toHaveText('It overlaps 09:00–12:00.');
  await form.getByLabel('Monday from (2)').fill('14:00');
  await form.getByTestId('hours-pattern-save').click();
  await expect(form.getByTestId('hours-pattern-saved')).toBeVisible();
  await expect(section.getByTestId(`hours-day-text-${monday}`)).toHaveText('09:00–12:00, 14:00–18:00');
  await expect(section.getByTestId(`hours-block-${monday}-1`)).toContainText('14:00–18:00');

  // Wednesday, this date only, by drag: press at 10:00 and pull down to 13:00, then pull the bottom edge to 14:00.
  await section.getByTestId('hours-target-date').check();
  const wedColumn = section.getByTestId(`hours-col-${wednesday}`);
  await drag(page, await centreX(wedColumn), (await lineOf(page, '10:00')) + 1, (await lineOf(page, '13:00')) + 1);
  await expect(section.getByTestId(`hours-exception-mark-${wednesday}`)).toBeVisible();
  await expect(section.getByTestId(`hours-day-text-${wednesday}`)).toHaveText('10:00–13:00');
  const edge = section.getByTestId(`hours-edge-${wednesday}-0-end`);
  const edgeBox = (await edge.boundingBox())!;
  await drag(page, edgeBox.x + edgeBox.width / 2, edgeBox.y + edgeBox.height / 2, (await lineOf(page, '14:00')) + 1);
  await expect(section.getByTestId(`hours-day-text-${wednesday}`)).toHaveText('10:00–14:00');

  // Leave on Friday by form.
  await section.getByTestId(`hours-day-${friday}`).getByRole('button').click();
  await section.getByTestId('hours-tab-leave').click();
  await section.getByLabel('First day').fill(friday);
  await section.getByLabel('Last day').fill(friday);
  await section.getByLabel('Reason').fill('Training course');
  await section.getByTestId('hours-leave-save').click();
  await expect(section.getByTestId('hours-leave-saved')).toBeVisible();
  await expect(section.getByTestId(`hours-day-${friday}`)).toContainText('on leave');

  // A booking on Monday shows on the week as a count and a mark.
  const api = await apiAs(STAFF.reception);
  await bookVia(api, { branchId: demo.east, serviceId: demo.service('GP consultation'), startsAt: at(monday, '09:30'), resourceIds: [resourceId] });
  await section.getByTestId('hours-this-week').click();
  await section.getByTestId('hours-next-week').click();
  await section.getByTestId('hours-next-week').click();
  await expect(section.getByTestId(`hours-count-${monday}`)).toHaveText('1 appt');
  await section.getByTestId('hours-tab-pattern').click();
  await page.screenshot({ path: screenshotPath('setup-hours') });

  // Starting Mondays at 10:00 would leave that 09:30 booking out: the change waits for a choice, here to keep it.
  const pattern = section.getByTestId('hours-pattern-form');
  await pattern.getByLabel('Monday from (1)').fill('10:00');
  await pattern.getByTestId('hours-pattern-save').click();
  const dialog = page.getByTestId('affected-dialog');
  await expect(dialog.getByTestId('affected-row')).toHaveCount(1);
  await expect(dialog.getByTestId('affected-row')).toContainText(name);
  await dialog.getByTestId('affected-keep-all').click();
  await dialog.getByTestId('affected-apply').click();
  await expect(dialog).toBeHidden();
  await expect(section.getByTestId(`hours-day-text-${monday}`)).toHaveText('10:00–12:00, 14:00–18:00');
  const kept = await db.query(`SELECT a.kept_outside_hours, a.status::text FROM appointment a JOIN appointment_resource r ON r.appointment_id = a.id WHERE r.resource_id = $1`, [resourceId]);
  expect(kept.rows).toEqual([{ kept_outside_hours: true, status: 'BOOKED' }]);

  // What the server holds.
  const weekly = await db.query(`SELECT weekday, start_minute, end_minute FROM working_hours WHERE resource_id = $1 ORDER BY weekday, start_minute`, [resourceId]);
  expect(weekly.rows).toEqual([
    { weekday: 1, start_minute: 600, end_minute: 720 },
    { weekday: 1, start_minute: 840, end_minute: 1080 },
  ]);
  const exception = await db.query(`SELECT to_char(date, 'YYYY-MM-DD') AS date, start_minute, end_minute FROM working_hours_exception WHERE resource_id = $1`, [resourceId]);
  expect(exception.rows).toEqual([{ date: wednesday, start_minute: 600, end_minute: 840 }]);
  const leave = await db.query(`SELECT kind::text, starts_at, ends_at FROM time_off WHERE resource_id = $1`, [resourceId]);
  expect(leave.rows).toEqual([{ kind: 'LEAVE', starts_at: new Date(at(friday, '00:00')), ends_at: new Date(at(addDays(friday, 1), '00:00')) }]);

  // The day grid works from the same hours: Wednesday 10:00–14:00 only, Monday 10:00 to noon and from 14:00.
  await page.getByTestId('tab-day').click();
  await page.getByTestId('date-input').fill(wednesday);
  await page.getByTestId('date-input').blur();
  await expect(page.getByTestId(`slot-${resourceId}-10:00`)).toHaveClass(/\bwork\b/);
  await expect(page.getByTestId(`slot-${resourceId}-13:45`)).toHaveClass(/\bwork\b/);
  await expect(page.getByTestId(`slot-${resourceId}-09:45`)).toHaveClass(/\bclosed\b/);
  await expect(page.getByTestId(`slot-${resourceId}-14:00`)).toHaveClass(/\bclosed\b/);
  await page.getByTestId('date-input').fill(monday);
  await page.getByTestId('date-input').blur();
  await expect(page.getByTestId(`slot-${resourceId}-09:45`)).toHaveClass(/\bclosed\b/);
  await expect(page.getByTestId(`slot-${resourceId}-11:45`)).toHaveClass(/\bwork\b/);
  await expect(page.getByTestId(`slot-${resourceId}-12:00`)).toHaveClass(/\bclosed\b/);
  await expect(page.getByTestId(`slot-${resourceId}-14:00`)).toHaveClass(/\bwork\b/);
});
