import { readFile } from 'node:fs/promises';
import { apiAs, at, bookVia, expect, futureWeekday, openDesk, screenshotPath, STAFF, test, wall } from '../fixtures/desk.js';

/** The sheet's CSV: every cell quoted, CRLF lines. */
function parseCsv(text: string): string[][] {
  return text
    .split('\r\n')
    .filter(Boolean)
    .map((line) => [...line.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => m[1]!.replace(/""/g, '"')));
}

test("manager's day sheet: the print view renders and the CSV download matches the appointments in the database", async ({ browser, db, demo }) => {
  const date = futureWeekday(3);
  const api = await apiAs(STAFF.reception);
  const gp = demo.service('GP consultation');
  await bookVia(api, { branchId: demo.east, serviceId: gp, startsAt: at(date, '09:00'), resourceIds: [demo.resource('Dr James Carter')], note: 'Bring "old" x-rays, please' });
  await bookVia(api, { branchId: demo.east, serviceId: demo.service('Dental check-up'), startsAt: at(date, '10:00'), resourceIds: [demo.resource('Dr Daniel Kim')] });
  const cancelled = await bookVia(api, { branchId: demo.east, serviceId: gp, startsAt: at(date, '13:00'), resourceIds: [demo.resource('Dr Anita Rao')] });
  await api.booking.cancel.mutate({ appointmentId: cancelled.id, version: cancelled.version, reason: 'Patient called to cancel' });

  const page = await openDesk(browser, STAFF.manager, {
    // Record window.print instead of opening the system dialog.
    init: () => {
      const w = window as unknown as { __printCalls: number };
      w.__printCalls = 0;
      window.print = () => {
        w.__printCalls++;
      };
    },
  });
  const sheet = page.getByTestId('day-sheet');
  await expect(sheet).toBeVisible(); // managers start on the sheet
  await page.getByTestId('date-input').fill(date);
  await page.getByTestId('date-input').blur();
  await expect(sheet).toContainText('3 appointments');
  // The sheet's README screenshot is day-sheet-summary.spec.ts's, with totals on a fuller day.

  await page.getByTestId('print-day-sheet').click();
  expect(await page.evaluate(() => (window as unknown as { __printCalls: number }).__printCalls)).toBe(1);
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByTestId('day-sheet-table')).toBeVisible();
  await expect(page.getByTestId('print-day-sheet')).toBeHidden();
  await expect(page.getByTestId('time-off')).toBeHidden();
  await expect(page.locator('.topbar')).toBeHidden();
  await page.screenshot({ path: screenshotPath('day-sheet-print'), fullPage: true });
  await page.emulateMedia({ media: 'screen' });

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  expect(download.suggestedFilename()).toBe(`day-sheet-midtown-new-york-${date}.csv`);
  const [header, ...lines] = parseCsv(await readFile((await download.path())!, 'utf8'));
  expect(header).toEqual(['Start', 'End', 'With', 'Patient', 'Phone', 'Service', 'Status', 'Note', 'Practitioner']);

  const { rows } = await db.query<{ starts_at: Date; ends_at: Date; patient: string; phone: string; service: string; status: string; note: string }>(
    `SELECT a.starts_at, a.ends_at, p.name AS patient, p.phone, s.name AS service, a.status, a.note
       FROM appointment a JOIN patient p ON p.id = a.patient_id JOIN service s ON s.id = a.service_id
      WHERE a.branch_id = $1 AND a.starts_at >= $2 AND a.starts_at < $3 AND a.status <> 'EXPIRED'
      ORDER BY a.starts_at`,
    [demo.east, at(date, '00:00'), at(date, '23:59')],
  );
  expect(rows).toHaveLength(3);
  // The export defuses spreadsheet formulas: a phone starting with "+" is written as '+….
  const fromDb = rows.map((r) => [wall(r.starts_at), wall(r.ends_at), r.patient, `'${r.phone}`, r.service, r.status, r.note].join('|')).sort();
  const fromCsv = lines.map(([start, end, , patient, phone, service, status, note]) => [start, end, patient, phone, service, status, note].join('|')).sort();
  expect(fromCsv).toEqual(fromDb);
  expect(lines.find((l) => l[6] === 'CANCELLED')?.[2]).toContain('Dr Anita Rao');
  expect(lines.find((l) => l[6] === 'CANCELLED')?.[8]).toBe('Dr Anita Rao');
  await page.context().close();
});
