import type { Page } from '@playwright/test';
import pg from 'pg';
import { apiAs, at, bookVia, expect, futureWeekday, openDesk, screenshotPath, showDay, STAFF, test } from '../fixtures/desk.js';
import { ENV_DB } from '../fixtures/stack.js';

// The day and week views at a small laptop's screen (1366×768): ten and more
// columns, short bookings that stay readable, the desk's own columns and colours.

const LAPTOP = { width: 1366, height: 768 };
// A Tuesday of this spec's own: at Midtown Dr Carter, Dr Kim and Emily Shaw work.
const tuesday = futureWeekday(16, 2);
const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Hex (#rrggbb) as the browser reports a computed colour. */
function rgb(hex: string): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
}

async function openLaptopDesk(browser: Parameters<typeof openDesk>[0]): Promise<Page> {
  const page = await openDesk(browser, STAFF.reception, { desk: 'views desk' });
  await page.setViewportSize(LAPTOP);
  return page;
}

test.describe.configure({ mode: 'serial' });

let booked: { short: string; next: string; name: string; nextName: string; monday: string; thursday: string; kim: string };
// Hooks cannot take the per-test pool: one of their own.
const pool = () => new pg.Pool({ connectionString: process.env[ENV_DB], max: 1 });

test.beforeAll(async () => {
  const db = pool();
  const api = await apiAs(STAFF.reception);
  const demo = await db.query<{ id: string; name: string }>(`SELECT id, name FROM resource UNION ALL SELECT id, name FROM service`);
  const id = (name: string) => demo.rows.find((r) => r.name === name)!.id;
  const east = (await db.query<{ id: string }>(`SELECT id FROM branch WHERE name LIKE 'Midtown%'`)).rows[0]!.id;
  const carter = id('Dr James Carter');
  const gp = id('GP consultation');
  // Two 15-minute bookings back to back, one of them arrived, and Carter's Monday and Thursday of the same week.
  const short = await bookVia(api, { branchId: east, serviceId: gp, startsAt: at(tuesday, '10:00'), resourceIds: [carter], patientName: 'Chloe Garcia-Whitfield' });
  const next = await bookVia(api, { branchId: east, serviceId: gp, startsAt: at(tuesday, '10:15'), resourceIds: [carter], patientName: 'Tomás Ibáñez' });
  await db.query(`UPDATE appointment SET status = 'CHECKED_IN' WHERE id = $1`, [next.id]);
  const monday = await bookVia(api, { branchId: east, serviceId: gp, startsAt: at(addDays(tuesday, -1), '09:30'), resourceIds: [carter], patientName: 'Monday Patient' });
  const thursday = await bookVia(api, { branchId: east, serviceId: gp, startsAt: at(addDays(tuesday, 2), '15:00'), resourceIds: [carter], patientName: 'Thursday Patient' });
  const kim = await bookVia(api, { branchId: east, serviceId: id('Dental check-up'), startsAt: at(tuesday, '11:00'), resourceIds: [id('Dr Daniel Kim')], patientName: 'Kim Only' });
  await bookVia(api, { branchId: east, serviceId: id('Physiotherapy session'), startsAt: at(tuesday, '09:00'), resourceIds: [id('Emily Shaw (physio)')], patientName: 'Ravi Shah' });
  booked = { short: short.id, next: next.id, name: short.patientName, nextName: next.patientName, monday: monday.id, thursday: thursday.id, kim: kim.id };

  // Ten columns at least: the demo's Midtown has eleven; rooms of this spec's own make up any shortfall (taken away after).
  const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM resource r JOIN resource_branch b ON b.resource_id = r.id WHERE b.branch_id = $1 AND r.active`, [east]);
  for (let i = Number(rows[0]!.n); i < 10; i++) {
    const made = await db.query<{ id: string }>(`INSERT INTO resource (tenant_id, kind, name, tags) SELECT tenant_id, 'ROOM', $1, ARRAY[]::text[] FROM branch WHERE id = $2 RETURNING id`, [`Views room ${i}`, east]);
    await db.query(`INSERT INTO resource_branch (tenant_id, resource_id, branch_id) SELECT tenant_id, $1, id FROM branch WHERE id = $2`, [made.rows[0]!.id, east]);
  }
  await db.end();
});

test.afterAll(async () => {
  const db = pool();
  await db.query(`UPDATE resource SET active = false WHERE name LIKE 'Views room %'`);
  await db.query(`UPDATE service SET colour = '' WHERE name = 'GP consultation'`);
  await db.end();
});

test('at 1366×768 ten and more columns scroll sideways under a sticky time column and heads; a 15-minute booking shows the name and status, its details on hover and focus; zoom', async ({ browser, demo }) => {
  const page = await openLaptopDesk(browser);
  await showDay(page, demo.east, tuesday);
  const grid = page.getByTestId('day-grid');
  expect(await page.locator('[data-testid^="colhead-"]').count()).toBeGreaterThanOrEqual(10);
  const overflow = await grid.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
  expect(overflow.scroll).toBeGreaterThan(overflow.client);

  // The 15-minute booking: one line with the patient's name and the status as icon and word.
  const block = page.getByTestId(`appt-${booked.short}`);
  await expect(block).toHaveAttribute('data-density', 'line');
  await expect(block).toContainText(booked.name.slice(0, 12));
  // The status as a shape (icon) before the name and a word after it.
  await expect(block.locator('.status-icon')).toHaveText('○');
  await expect(page.getByTestId(`appt-status-${booked.short}`)).toContainText('booked');
  await expect(page.getByTestId(`appt-${booked.next}`).locator('.status-icon')).toHaveText('✓');
  await expect(page.getByTestId(`appt-status-${booked.next}`)).toContainText('arrived');
  const nameBox = (await block.locator('.appt-what').boundingBox())!;
  expect(nameBox.width).toBeGreaterThan(100);
  // Back to back: neither block covers the other.
  const a = (await block.boundingBox())!;
  const b = (await page.getByTestId(`appt-${booked.next}`).boundingBox())!;
  expect(a.y + a.height).toBeLessThanOrEqual(b.y);

  // Full details on keyboard focus, and on hover.
  await block.focus();
  const peek = page.getByTestId('appt-peek');
  await expect(peek).toContainText(booked.name);
  await expect(peek).toContainText('GP consultation');
  await expect(peek).toContainText('Dr James Carter');
  await page.getByTestId(`appt-${booked.next}`).hover();
  await expect(peek).toContainText(booked.nextName);
  await expect(peek).toContainText('arrived');
  await block.focus();
  await page.screenshot({ path: screenshotPath('day-view-compact') });
  await block.blur();

  // Scrolled right and down: the time column stays at the left edge, the heads at the top.
  const before = (await grid.boundingBox())!;
  await grid.evaluate((el) => {
    el.scrollLeft = el.scrollWidth;
    el.scrollTop = 300;
  });
  await expect.poll(() => grid.evaluate((el) => el.scrollLeft)).toBeGreaterThan(100);
  const times = (await page.getByTestId('grid-times').boundingBox())!;
  expect(Math.abs(times.x - before.x)).toBeLessThan(2);
  const lastHead = page.locator('[data-testid^="colhead-"]').last();
  await expect(lastHead).toBeInViewport();
  const head = (await lastHead.boundingBox())!;
  expect(Math.abs(head.y - before.y)).toBeLessThan(2);
  const firstHead = (await page.locator('[data-testid^="colhead-"]').first().boundingBox())!;
  expect(firstHead.x).toBeLessThan(before.x); // scrolled away under the time column

  // Zoom: + makes rows taller (the booking gets its time line), − back; the buttons do the same.
  await grid.evaluate((el) => (el.scrollLeft = 0));
  await page.keyboard.press('+');
  await expect(grid).toHaveAttribute('data-zoom', '1');
  await expect(block).toHaveAttribute('data-density', 'compact');
  await expect(page.getByTestId(`appt-status-${booked.next}`)).toHaveText(/✓\s*arrived/);
  expect((await block.boundingBox())!.height).toBeGreaterThan(a.height);
  await page.getByTestId('zoom-in').click();
  await expect(grid).toHaveAttribute('data-zoom', '2');
  await page.keyboard.press('-');
  await page.getByTestId('zoom-out').click();
  await expect(grid).toHaveAttribute('data-zoom', '0');
  await expect(block).toHaveAttribute('data-density', 'line');
  await page.context().close();
});

test('columns ticked off and a saved column set survive a reload', async ({ browser, demo }) => {
  const page = await openLaptopDesk(browser);
  await showDay(page, demo.east, tuesday);
  const chairA = demo.resource('Dental chair A');
  const gym = demo.resource('Physio gym');
  await page.getByTestId('columns-open').click();
  await page.getByTestId(`column-toggle-${chairA}`).uncheck();
  await page.getByTestId(`column-toggle-${gym}`).uncheck();
  await expect(page.getByTestId(`colhead-${chairA}`)).toHaveCount(0);
  await expect(page.getByTestId(`colhead-${gym}`)).toHaveCount(0);
  // Saving with no name says what to do.
  await page.getByTestId('column-set-save').click();
  await expect(page.getByTestId('columns-panel')).toContainText('Give the set a name');
  await page.getByTestId('column-set-name').fill('No chair A, no gym');
  await page.getByTestId('column-set-save').click();
  await page.getByTestId('columns-all').click();
  await expect(page.getByTestId(`colhead-${chairA}`)).toBeVisible();
  await page.getByTestId(`column-set-No chair A, no gym`).click();
  await expect(page.getByTestId(`colhead-${chairA}`)).toHaveCount(0);
  await expect(page.getByTestId(`colhead-${gym}`)).toHaveCount(0);

  await page.reload();
  await expect(page.getByTestId('day-grid')).toBeVisible();
  await expect(page.getByTestId(`colhead-${demo.resource('Dr James Carter')}`)).toBeVisible();
  await expect(page.getByTestId(`colhead-${chairA}`)).toHaveCount(0);
  await expect(page.getByTestId(`colhead-${gym}`)).toHaveCount(0);
  await expect(page.getByTestId('column-set-No chair A, no gym')).toBeVisible();
  await page.getByTestId('columns-open').click();
  await page.getByTestId('columns-all').click();
  await expect(page.getByTestId(`colhead-${gym}`)).toBeVisible();
  await page.context().close();
});

test("a practitioner's week from the column head: his bookings on each day, no one else's; W and a day's head go back to the day", async ({ browser, demo }) => {
  const page = await openLaptopDesk(browser);
  await showDay(page, demo.east, tuesday);
  const carter = demo.resource('Dr James Carter');
  await page.getByTestId(`week-${carter}`).click();
  const week = page.getByTestId('week-view');
  await expect(week).toBeVisible();
  await expect(page.getByTestId('week-resource')).toHaveValue(carter);
  await expect(page.getByTestId(`week-col-${addDays(tuesday, -1)}`).getByTestId(`appt-${booked.monday}`)).toBeVisible();
  await expect(page.getByTestId(`week-col-${tuesday}`).getByTestId(`appt-${booked.short}`)).toContainText(booked.name.slice(0, 12));
  await expect(page.getByTestId(`week-col-${addDays(tuesday, 2)}`).getByTestId(`appt-${booked.thursday}`)).toBeVisible();
  await expect(page.getByTestId(`week-head-${addDays(tuesday, 2)}`)).toContainText('1 booking');
  await expect(week.getByTestId(`appt-${booked.kim}`)).toHaveCount(0);
  // One step of zoom: each booking gets its time line.
  await page.keyboard.press('+');
  await expect(page.getByTestId(`appt-${booked.short}`)).toHaveAttribute('data-density', 'compact');
  await page.screenshot({ path: screenshotPath('week-view') });
  await page.keyboard.press('-');

  // Another resource's week from the picker.
  await page.getByTestId('week-resource').selectOption(demo.resource('Dr Daniel Kim'));
  await expect(week.getByTestId(`appt-${booked.kim}`)).toBeVisible();
  await expect(week.getByTestId(`appt-${booked.short}`)).toHaveCount(0);

  // W goes back to the day, and W again opens the week.
  await page.keyboard.press('w');
  await expect(page.getByTestId('day-grid')).toBeVisible();
  await page.keyboard.press('w');
  await expect(week).toBeVisible();
  // Clicking a booking on Thursday opens Thursday's day with it selected.
  await page.getByTestId('week-resource').selectOption(carter);
  await page.getByTestId(`appt-${booked.thursday}`).click();
  await expect(page.getByTestId('day-grid')).toBeVisible();
  await expect(page.getByTestId('date-input')).toHaveValue(addDays(tuesday, 2));
  await expect(page.getByTestId(`appt-${booked.thursday}`)).toHaveClass(/selected/);
  await page.context().close();
});

test('colour by practitioner or by service (from setup), kept across a reload; the status stays in words either way', async ({ browser, db, demo }) => {
  const [carter] = (await db.query<{ colour: string }>(`SELECT colour FROM resource WHERE id = $1`, [demo.resource('Dr James Carter')])).rows;
  const serviceColour = '#c2185b';
  await db.query(`UPDATE service SET colour = $1 WHERE name = 'GP consultation'`, [serviceColour]);
  const page = await openLaptopDesk(browser);
  await showDay(page, demo.east, tuesday);
  const block = page.getByTestId(`appt-${booked.short}`);
  await expect(page.getByTestId('colour-by-practitioner')).toHaveAttribute('aria-pressed', 'true');
  await expect(block).toHaveCSS('border-left-color', rgb(carter!.colour));
  await page.getByTestId('colour-by-service').click();
  await expect(block).toHaveCSS('border-left-color', rgb(serviceColour));
  await expect(page.getByTestId(`appt-status-${booked.next}`)).toHaveText(/arrived/);
  await page.reload();
  await expect(page.getByTestId('colour-by-service')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId(`appt-${booked.short}`)).toHaveCSS('border-left-color', rgb(serviceColour));
  await page.getByTestId('colour-by-practitioner').click();
  await expect(page.getByTestId(`appt-${booked.short}`)).toHaveCSS('border-left-color', rgb(carter!.colour));
  await page.context().close();
});
