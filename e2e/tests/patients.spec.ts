import { randomInt } from 'node:crypto';
import { apiAs, at, expect, futureWeekday, openDesk, screenshotPath, showDay, STAFF, test } from '../fixtures/desk.js';

// Patients at the front desk: a new patient who is already on file is caught
// and the existing record used; search by name words in any order, accents
// aside; the profile with its appointments; an edit whose audit shows on the
// profile; and two records of one person merged.

/** A phone number of this run's own (929 is not used by the demo clinic or the other specs). */
const phone = () => `+1 929 555 ${String(randomInt(1000, 9999))}`;

test('a new patient already on file: the booking panel warns and uses the existing record', async ({ browser, demo }) => {
  const api = await apiAs(STAFF.reception);
  const tel = phone();
  const existing = await api.patients.create.mutate({ name: `Renée Duplessis ${randomInt(100, 999)}`, phone: tel, dateOfBirth: '1970-01-02' });
  const date = futureWeekday(14, 3);
  const page = await openDesk(browser, STAFF.reception);
  await showDay(page, demo.east, date);
  await page.getByTestId('service-select').selectOption({ label: 'GP consultation · 15 min' });
  await page.getByTestId(`slot-${demo.resource('Dr James Carter')}-10:00`).click();
  const panel = page.getByTestId('booking-panel');
  await panel.getByTestId('patient-create-open').click();
  await panel.getByTestId('patient-create-name').fill('Someone New');
  // The same number written another way.
  await panel.getByTestId('patient-create-phone').fill(tel.replace('+1 ', '').replace(/^(\d{3}) /, '($1) ').replace(/ (\d{4})$/, '-$1'));
  await panel.getByTestId('patient-create-submit').click();
  const warning = panel.getByTestId('patient-duplicates');
  await expect(warning).toContainText(existing.name);
  await expect(warning).toContainText('same phone');
  await panel.getByTestId(`patient-use-existing-${existing.id}`).click();
  await expect(panel.getByTestId('patient-chosen')).toContainText(existing.name);
  // The profile opens from the chosen patient.
  await panel.getByTestId('patient-profile-open').click();
  await expect(page.getByRole('dialog', { name: `Profile of ${existing.name}` })).toContainText('Born');
  await page.getByTestId('patient-profile-close').click();
  await page.context().close();
});

test('search by name words in any order and without accents; the profile shows appointments; an edit is audited', async ({ browser, demo, db }) => {
  const api = await apiAs(STAFF.reception);
  const tag = randomInt(1000, 9999);
  const chloe = await api.patients.create.mutate({ name: `Chloé García-Olmos`, phone: phone(), dateOfBirth: '1988-06-15', alerts: ['allergy: penicillin'] });
  const marco = await api.patients.create.mutate({ name: `Marco García ${tag}`, phone: phone() });
  const date = futureWeekday(14, 3);
  await api.booking.book.mutate({ branchId: demo.east, serviceId: demo.service('GP consultation'), startsAt: at(date, '11:00'), resourceIds: [demo.resource('Dr James Carter')], patientId: chloe.id, note: '' });

  const page = await openDesk(browser, STAFF.reception);
  await page.getByTestId('tab-patients').click();
  await page.getByTestId('patients-search').fill('olmos chl');
  const hits = page.locator('[data-testid="patients-search-results"][data-query="olmos chl"]');
  await expect(hits).toContainText('Chloé García-Olmos');
  await expect(hits).not.toContainText(marco.name);
  await page.getByTestId('patients-search').fill('garcia chl');
  const reordered = page.locator('[data-testid="patients-search-results"][data-query="garcia chl"][aria-busy="false"]');
  await expect(reordered).toContainText('Chloé García-Olmos');
  await expect(reordered).not.toContainText(marco.name);
  // Accents and case aside.
  await page.getByTestId('patients-search').fill('GARCIA-OLMOS chloe');
  await expect(page.locator('[data-testid="patients-search-results"][data-query="GARCIA-OLMOS chloe"][aria-busy="false"]')).toContainText('Chloé García-Olmos');
  await page.getByTestId('patients-search').fill('garcia chl');
  await expect(reordered).toContainText('Chloé García-Olmos');
  await page.screenshot({ path: screenshotPath('patient-search') });

  await reordered.getByText('Chloé García-Olmos').first().click();
  const profile = page.getByTestId('patient-profile');
  await expect(profile.getByTestId('patient-profile-name')).toHaveText('Chloé García-Olmos');
  await expect(profile.getByTestId('patient-alerts')).toContainText('allergy: penicillin');
  await expect(profile.getByTestId('patient-upcoming-row')).toHaveCount(1);
  await expect(profile.getByTestId('patient-upcoming')).toContainText('GP consultation');
  await expect(profile.getByTestId('patient-upcoming')).toContainText('Dr James Carter');

  await profile.getByTestId('patient-edit').click();
  await page.getByLabel('Phone', { exact: true }).fill('(929) 555-0001');
  await page.getByLabel('Alerts (one a line, e.g. wheelchair)').fill('allergy: penicillin\nwheelchair');
  await page.getByTestId('patient-edit-save').click();
  await expect(profile.getByTestId('patient-alerts')).toContainText('wheelchair');
  await expect(profile.getByTestId('patient-profile-phone')).toContainText('+1 929 555 0001');
  await expect(profile.getByTestId('patient-history')).toContainText('Changed phone, alerts — Rita Reception');
  const { rows } = await db.query<{ payload: { fields: string[] } }>(`SELECT payload FROM event WHERE type = 'patient.updated' AND patient_id = $1`, [chloe.id]);
  expect(rows.map((r) => r.payload.fields)).toEqual([['phone', 'alerts']]);

  // A number that is not one is refused next to its field.
  await profile.getByTestId('patient-edit').click();
  await page.getByLabel('Phone', { exact: true }).fill('555 12');
  await page.getByTestId('patient-edit-save').click();
  await expect(page.getByTestId('patient-edit-phone-error')).toContainText('digits');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.screenshot({ path: screenshotPath('patient-profile') });
  await page.context().close();
});

test('two records of one person are merged: the chosen one stays with both records’ appointments', async ({ browser, demo, db }) => {
  const api = await apiAs(STAFF.reception);
  const name = `Merge Twin ${randomInt(1000, 9999)}`;
  const keep = await api.patients.create.mutate({ name, phone: phone() });
  const twinPhone = phone();
  const twin = await api.patients.create.mutate({ name, phone: twinPhone, dateOfBirth: '1990-02-03' });
  const date = futureWeekday(14, 3);
  const booked = await api.booking.book.mutate({ branchId: demo.east, serviceId: demo.service('GP consultation'), startsAt: at(date, '14:00'), resourceIds: [demo.resource('Dr James Carter')], patientId: twin.id, note: '' });

  const page = await openDesk(browser, STAFF.reception);
  await page.getByTestId('tab-patients').click();
  await page.getByTestId('patients-search').fill(name.toLowerCase());
  await expect(page.getByTestId('patients-search-hit')).toHaveCount(2);
  await page.getByTestId('patients-search-hit').filter({ hasText: keep.phone }).click();
  const profile = page.getByTestId('patient-profile');
  await profile.getByTestId('patient-merge').click();
  await page.getByTestId('merge-search').fill(twinPhone.replace(/\D/g, '').slice(1));
  await page.getByTestId('merge-search-hit').first().click();
  // Which record stays: this one (the default), chosen plainly.
  await expect(page.getByTestId(`merge-keep-${keep.id}`)).toBeChecked();
  await page.getByTestId('patient-merge-confirm').click();
  await expect(profile.getByTestId('patient-merged-from')).toContainText(name);
  await expect(profile.getByTestId('patient-upcoming-row')).toHaveCount(1);
  await expect(profile.getByTestId('patient-profile-phone')).toContainText(twin.phone);
  expect((await db.query('SELECT patient_id FROM appointment WHERE id = $1', [booked.id])).rows[0].patient_id).toBe(keep.id);
  expect((await db.query('SELECT merged_into_id FROM patient WHERE id = $1', [twin.id])).rows[0].merged_into_id).toBe(keep.id);
  // Search lists the record that stayed only.
  await page.getByTestId('patients-search').fill(name);
  await expect(page.getByTestId('patients-search-hit')).toHaveCount(1);
  await page.context().close();
});
