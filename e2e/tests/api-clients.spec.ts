import { randomUUID } from 'node:crypto';
import { at, expect, futureWeekday, openDesk, screenshotPath, serverUrl, showDay, STAFF, test } from '../fixtures/desk.js';

const ADMIN = 'admin@demo.frontdesk.test';
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- FHIR answers are read loosely here; the R4 schema validator checks their shape
type Json = Record<string, any>;

test('an admin registers a system; it books through the FHIR API and the booking appears live on a desk under the system’s name', async ({ browser, db, demo }) => {
  const name = 'Riverside Patient Portal';
  const date = futureWeekday(33, 1);

  // The admin registers the portal: its credentials are shown once.
  const admin = await openDesk(browser, ADMIN);
  await admin.getByTestId('tab-setup').click();
  await admin.getByTestId('setup-tab-api-clients').click();
  const section = admin.getByTestId('setup-api-clients');
  await section.getByTestId('api-client-create').click();
  await expect(section.getByTestId('api-client-name-error')).toHaveText('Name the system (e.g. Patient portal).');
  await section.getByLabel('Name').fill(name);
  await section.getByLabel('Register new patients').check();
  await section.getByTestId('api-client-create').click();
  const shown = section.getByTestId('api-client-secret');
  await expect(shown).toContainText(name);
  const clientId = (await section.getByTestId('api-client-id').textContent())!.trim();
  const clientSecret = (await section.getByTestId('api-client-secret-value').textContent())!.trim();
  await expect(section.getByTestId('api-client-row').filter({ hasText: name })).toContainText('Active');
  await admin.screenshot({ path: screenshotPath('api-clients') });

  // A reception desk watches that day.
  const desk = await openDesk(browser, STAFF.reception, { desk: 'Front desk 2' });
  await showDay(desk, demo.east, date);

  // The portal: a token, a patient, the free times, and a booking.
  const base = `${serverUrl()}/fhir/R4`;
  const tokenRes = await fetch(`${base}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }) });
  expect(tokenRes.status).toBe(200);
  const { access_token: token } = (await tokenRes.json()) as { access_token: string };
  const fhir = async (path: string, init: { method?: string; body?: unknown } = {}) => {
    const res = await fetch(`${base}${path}`, { method: init.method ?? 'GET', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' }, ...(init.body ? { body: JSON.stringify(init.body) } : {}) });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const patient = await fhir('/Patient', { method: 'POST', body: { resourceType: 'Patient', name: [{ text: `Portal Patient ${randomUUID().slice(0, 4)}` }], telecom: [{ system: 'phone', value: `+1 917 555 ${String(Math.floor(Math.random() * 9000) + 1000)}` }] } });
  expect(patient.status).toBe(201);
  const carter = demo.resource('Dr James Carter');
  const found = await fhir(`/Appointment/$find?start=${at(date, '10:00')}&end=${at(date, '12:00')}&service-type=HealthcareService/${demo.service('GP consultation')}&practitioner=Practitioner/${carter}&location=Location/${demo.east}&patient=Patient/${patient.body.id}`);
  expect(found.status).toBe(200);
  const proposed = found.body.entry[0].resource as Json;
  expect(proposed.start).toBe(at(date, '10:00'));
  const booked = await fhir('/Appointment/$book', { method: 'POST', body: { resourceType: 'Parameters', parameter: [{ name: 'appointment-resource', resource: proposed }] } });
  expect(booked.status).toBe(201);
  const appointment = booked.body.entry[0].resource as Json;
  expect(appointment.status).toBe('booked');

  // Live on the desk, and its history names the system.
  await expect(desk.getByTestId(`appt-${appointment.id}`)).toBeVisible();
  await desk.getByTestId(`appt-${appointment.id}`).click();
  await desk.getByTestId('history-open').click();
  await expect(desk.getByTestId('history-drawer')).toContainText(`${name} at ${name}`);
  const events = await db.query<{ desk: string }>('SELECT desk FROM event WHERE aggregate_id = $1', [appointment.id]);
  expect(events.rows).toEqual([{ desk: name }]);

  // Disabled, the portal's token stops working.
  await section.getByTestId('api-client-row').filter({ hasText: name }).getByTestId('api-client-disable').click();
  await expect(section.getByTestId('api-client-row').filter({ hasText: name })).toContainText('Disabled');
  expect((await fhir('/Location')).status).toBe(401);
});
