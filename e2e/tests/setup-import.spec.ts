import { randomUUID } from 'node:crypto';
import { expect, futureWeekday, openDesk, screenshotPath, showDay, test } from '../fixtures/desk.js';

const ADMIN = 'admin@demo.frontdesk.test';

test('an admin previews a patients file, sees its bad row by line and column, fixes it, imports, and the desk finds the patient', async ({ browser, db, demo }) => {
  const tag = randomUUID().slice(0, 6);
  const first = `Imogen Vale ${tag}`;
  const second = `Ivo Marsh ${tag}`;
  const digits = String(Math.floor(Math.random() * 9_000_000) + 1_000_000);
  // Line 3 has a phone number too short; line 4 is an existing demo patient's phone (skipped as already there).
  const broken = ['name,date_of_birth,phone,email', `${first},1988-04-12,+1 646 ${digits},imogen@example.com`, `${second},1990-13-01,12,`, 'Aarav Shah,,+1 212 555 1000,'].join('\r\n');
  const fixed = broken.replace(`${second},1990-13-01,12,`, `${second},1990-12-01,+1 646 ${Number(digits) + 1},`);

  const page = await openDesk(browser, ADMIN);
  await page.getByTestId('tab-setup').click();
  await page.getByTestId('setup-tab-import').click();
  const section = page.getByTestId('setup-import');
  await section.getByLabel('What to import').selectOption('patients');
  await section.getByLabel('CSV file').setInputFiles({ name: 'patients-from-old-system.csv', mimeType: 'text/csv', buffer: Buffer.from(broken) });
  await section.getByTestId('import-preview').click();

  const errors = section.getByTestId('import-error-row');
  await expect(errors).toHaveCount(2);
  await expect(errors.nth(0)).toHaveAttribute('data-line', '3');
  await expect(errors.nth(0)).toHaveAttribute('data-column', 'phone');
  await expect(errors.nth(0)).toContainText('That number has too few digits for a phone number');
  await expect(errors.nth(1)).toHaveAttribute('data-column', 'date_of_birth');
  await expect(errors.nth(1)).toContainText('1990-13-01 is not a date of the calendar.');
  await expect(section.getByTestId('import-duplicate-row')).toHaveAttribute('data-line', '4');
  await expect(section.getByTestId('import-duplicate-row')).toContainText('same phone number as Aarav Shah');
  await expect(section.getByTestId('import-message')).toHaveText('2 errors in the file: nothing will be imported. Fix them and preview again.');
  await expect(section.getByTestId('import-apply')).toBeDisabled();
  await page.screenshot({ path: screenshotPath('setup-import') });
  expect((await db.query('SELECT 1 FROM patient WHERE name = $1', [first])).rowCount).toBe(0);

  // Fixed in the old system and exported again: previewed clean, then imported.
  await section.getByLabel('CSV file').setInputFiles({ name: 'patients-from-old-system.csv', mimeType: 'text/csv', buffer: Buffer.from(fixed) });
  await section.getByTestId('import-preview').click();
  await expect(section.getByTestId('import-message')).toHaveText('Ready: 2 patients will be added; 1 row already there will be skipped.');
  await expect(section.getByTestId('import-errors')).toHaveCount(0);
  await section.getByTestId('import-apply').click();
  await expect(section.getByTestId('import-message')).toHaveText('Imported 2 patients; 1 row already there was skipped.');
  await expect(section.getByTestId('import-run-row').first()).toContainText('patients-from-old-system.csv');

  const { rows } = await db.query<{ name: string; phone: string; date_of_birth: string | null }>(
    `SELECT name, phone, to_char(date_of_birth, 'YYYY-MM-DD') AS date_of_birth FROM patient WHERE name IN ($1, $2) ORDER BY name`,
    [first, second],
  );
  expect(rows).toEqual([
    { name: first, phone: `+1646${digits}`, date_of_birth: '1988-04-12' },
    { name: second, phone: `+1646${Number(digits) + 1}`, date_of_birth: '1990-12-01' },
  ]);
  const runs = await db.query<{ created_count: number; skipped_count: number }>(`SELECT created_count, skipped_count FROM import_run WHERE file_name = 'patients-from-old-system.csv' ORDER BY created_at DESC LIMIT 1`);
  expect(runs.rows[0]).toEqual({ created_count: 2, skipped_count: 1 });

  // At the counter: the booking panel's patient search finds the imported patient.
  await showDay(page, demo.east, futureWeekday(9, 2));
  await page.getByTestId(`slot-${demo.resource('Dr James Carter')}-10:00`).click();
  const panel = page.getByTestId('booking-panel');
  await panel.getByTestId('patient-search').fill(`Imogen Vale ${tag}`);
  await expect(panel.getByTestId('patient-results')).toContainText(first);
  await panel.getByTestId('booking-release').click();
  await expect(panel).toBeHidden();
});
