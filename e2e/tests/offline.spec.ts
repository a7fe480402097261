import { freePort, startServerProcess, type ServerProcess } from '@frontdesk/server/testing';
import { ENV_DB } from '../fixtures/stack.js';
import { activeOn, apiAs, at, bookVia, expect, futureWeekday, openDesk, screenshotPath, showDay, STAFF, test } from '../fixtures/desk.js';

// This desk talks to a server process of its own (same database), so stopping
// it leaves the rest of the run alone; the change made meanwhile goes through
// the main server, as another desk's would.

test('server stopped: offline banner and the cached day read-only; server back on the same port: the desk recovers by itself and shows what changed meanwhile', async ({ browser, db, demo }) => {
  const date = futureWeekday(4);
  const carter = demo.resource('Dr James Carter');
  const gp = demo.service('GP consultation');
  const other = await apiAs(STAFF.callCentre);
  const before = await bookVia(other, { branchId: demo.east, serviceId: gp, startsAt: at(date, '09:00'), resourceIds: [carter] });

  const databaseUrl = process.env[ENV_DB]!;
  const port = String(await freePort());
  let own: ServerProcess | null = await startServerProcess(databaseUrl, { FRONTDESK_PORT: port });
  try {
    const page = await openDesk(browser, STAFF.reception, { url: own.url });
    await showDay(page, demo.east, date);
    await expect(page.getByTestId(`appt-${before.id}`)).toBeVisible();
    await expect(page.getByTestId('offline-banner')).toHaveCount(0);
    // The persisted cache is written at most once a second.
    await page.waitForTimeout(1_500);

    await own.kill('SIGTERM');
    own = null;
    await expect(page.getByTestId('offline-banner')).toBeVisible({ timeout: 15_000 });
    await expect(page.getByTestId(`appt-${before.id}`)).toBeVisible();
    // Read-only: a click on a free slot holds nothing.
    await page.getByTestId(`slot-${carter}-12:00`).click();
    await expect(page.getByTestId('booking-panel')).toHaveCount(0);
    expect(await activeOn(db, carter, at(date, '12:00'), at(date, '12:15'))).toHaveLength(0);
    await page.screenshot({ path: screenshotPath('offline') });

    // Meanwhile another desk books through the main server.
    const meanwhile = await bookVia(other, { branchId: demo.east, serviceId: gp, startsAt: at(date, '10:00'), resourceIds: [carter] });
    await expect(page.getByTestId(`appt-${meanwhile.id}`)).toHaveCount(0);

    own = await startServerProcess(databaseUrl, { FRONTDESK_PORT: port });
    await expect(page.getByTestId('offline-banner')).toBeHidden({ timeout: 20_000 });
    await expect(page.getByTestId(`appt-${meanwhile.id}`)).toBeVisible();
    await expect(page.getByTestId(`appt-${before.id}`)).toBeVisible();

    // Live again: a change after the recovery arrives without a reload.
    const after = await bookVia(other, { branchId: demo.east, serviceId: gp, startsAt: at(date, '11:00'), resourceIds: [carter] });
    await expect(page.getByTestId(`appt-${after.id}`)).toBeVisible();
    await page.context().close();
  } finally {
    await own?.kill('SIGTERM');
  }
});
