import type { Page } from '@playwright/test';
import { localDateOf, localMinuteToInstant } from '@frontdesk/shared';
import { confirmWithNewPatient, expect, screenshotPath, showDay, test } from '../fixtures/desk.js';
import { completeFirstRun, emptyServer, signIn, type EmptyServer } from '../fixtures/empty-server.js';

// A clinic that downloads Frontdesk goes from an empty database to its first
// booking through the app alone: first run, two dentists with their hours, a
// room, a service needing a dentist and the room, a receptionist, and her
// first booking. The database is checked at the end, not just the screen.

let server: EmptyServer;
test.beforeAll(async () => {
  server = await emptyServer();
});
test.afterAll(async () => {
  await server?.stop();
});

const ZONE = 'Asia/Kolkata';
const CLINIC = {
  organisation: 'Lotus Dental Care',
  branch: 'Lotus Indiranagar',
  timeZone: ZONE,
  address: '12th Main Road, Indiranagar, Bengaluru',
  phone: '+91 80 4000 1234',
  adminName: 'Meera Iyer',
  adminEmail: 'meera@lotus.example',
  adminPassword: 'monsoon lotus tiles 9',
};

/** Next week's Monday in the clinic's own days. */
function nextMonday(): string {
  const today = localDateOf(Date.now(), ZONE);
  const d = new Date(`${today}T12:00:00Z`);
  const dow = d.getUTCDay() === 0 ? 7 : d.getUTCDay();
  d.setUTCDate(d.getUTCDate() + (8 - dow) + 7);
  return d.toISOString().slice(0, 10);
}

async function addResource(page: Page, kind: 'PRACTITIONER' | 'ROOM', name: string, tags: string): Promise<void> {
  const section = page.getByTestId('setup-resources');
  await section.getByTestId('resource-new').click();
  const form = section.getByTestId('resource-form');
  await form.getByLabel('Kind').selectOption(kind);
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Tags').fill(tags);
  await form.getByTestId('resource-save').click();
  await expect(form).toBeHidden();
  await expect(section.getByTestId('resource-row').filter({ hasText: name })).toBeVisible();
}

/** Monday to Friday, 09:00–13:00 and 14:00–17:00 (within the branch's opening hours), by the weekly pattern form. */
async function setWeekdayHours(page: Page, resourceId: string): Promise<void> {
  const section = page.getByTestId('hours-section');
  await section.getByTestId('hours-resource').selectOption(resourceId);
  const form = section.getByTestId('hours-pattern-form');
  for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']) {
    await form.getByRole('button', { name: `+ Add hours on ${day}` }).click();
    await form.getByLabel(`${day} from (1)`).fill('09:00');
    await form.getByLabel(`${day} until (1)`).fill('13:00');
    await form.getByRole('button', { name: `+ Add hours on ${day}` }).click();
    await form.getByLabel(`${day} from (2)`).fill('14:00');
    await form.getByLabel(`${day} until (2)`).fill('17:00');
  }
  await form.getByTestId('hours-pattern-save').click();
  await expect(form.getByTestId('hours-pattern-saved')).toBeVisible();
}

test('from an empty database to a receptionist’s first booking, through the app alone', async ({ browser }) => {
  test.setTimeout(120_000);
  const admin = await (await browser.newContext({ baseURL: server.url })).newPage();
  await admin.goto('/');
  await completeFirstRun(admin, CLINIC);
  const { rows: branches } = await server.db.query<{ id: string }>('SELECT id FROM branch');
  expect(branches).toHaveLength(1);
  const branchId = branches[0]!.id;

  // Two dentists and a room.
  await admin.getByTestId('setup-tab-resources').click();
  await addResource(admin, 'PRACTITIONER', 'Dr Kavya Rao', 'dentist');
  await addResource(admin, 'PRACTITIONER', 'Dr Arjun Menon', 'dentist');
  await addResource(admin, 'ROOM', 'Surgery 1', 'dental');
  const { rows: resources } = await server.db.query<{ id: string; name: string; kind: string }>('SELECT id, name, kind::text FROM resource ORDER BY name');
  const id = (name: string) => resources.find((r) => r.name === name)!.id;
  expect(resources.map((r) => [r.name, r.kind])).toEqual([
    ['Dr Arjun Menon', 'PRACTITIONER'],
    ['Dr Kavya Rao', 'PRACTITIONER'],
    ['Surgery 1', 'ROOM'],
  ]);

  // Their hours: a split shift on weekdays for each dentist (the room follows the branch's opening hours).
  await admin.getByTestId('setup-tab-hours').click();
  await setWeekdayHours(admin, id('Dr Kavya Rao'));
  await setWeekdayHours(admin, id('Dr Arjun Menon'));
  const { rows: hours } = await server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM working_hours WHERE resource_id = ANY ($1::uuid[])', [[id('Dr Kavya Rao'), id('Dr Arjun Menon')]]);
  expect(hours[0]!.n).toBe(20);

  // A service that needs a dentist and the room.
  await admin.getByTestId('setup-tab-services').click();
  const services = admin.getByTestId('setup-services');
  await services.getByTestId('service-new').click();
  const form = services.getByTestId('service-form');
  await form.getByLabel('Name', { exact: true }).fill('Scale and polish');
  await form.getByLabel('Length (min)').fill('30');
  await form.getByLabel('Need 1: tag').fill('dentist');
  await form.getByTestId('service-add-room').click();
  await form.getByLabel('Need 2: tag').fill('dental');
  await form.getByLabel('Base price').fill('1500');
  await form.getByTestId('service-save').click();
  await expect(services.getByTestId('service-notice')).toHaveText('Scale and polish is set up.');

  // A receptionist, with a temporary password shown once.
  await admin.getByTestId('setup-tab-staff').click();
  await admin.getByTestId('staff-new').click();
  const staffForm = admin.getByTestId('staff-form');
  await staffForm.getByLabel('Name').fill('Divya Nair');
  await staffForm.getByLabel('Email').fill('divya@lotus.example');
  await expect(staffForm.getByLabel('Role')).toHaveValue('RECEPTIONIST');
  await expect(staffForm.getByLabel(CLINIC.branch)).toBeChecked();
  await admin.getByTestId('staff-save').click();
  const temporary = (await admin.getByTestId('staff-temp-password').textContent())!.trim();
  await admin.getByTestId('staff-temp-password-done').click();

  // Every step above is in the setup history, by name and by whom.
  await admin.getByTestId('setup-tab-history').click();
  const history = admin.getByTestId('setup-history');
  for (const line of ['Created resource Dr Kavya Rao', 'Created resource Surgery 1', 'Changed the weekly hours of Dr Arjun Menon at Lotus Indiranagar', 'Created service Scale and polish', 'Created the staff account of Divya Nair (receptionist)', 'Created the organisation Lotus Dental Care']) {
    await expect(history.getByTestId('setup-history-row').filter({ hasText: line }).first()).toBeVisible();
  }
  await expect(history.getByTestId('setup-history-row').first()).toContainText('Meera Iyer (admin)');
  await admin.screenshot({ path: screenshotPath('setup-history') });

  // The receptionist's first sign-in: her own password, then the day.
  const desk = await (await browser.newContext({ baseURL: server.url })).newPage();
  await desk.goto('/');
  await signIn(desk, 'divya@lotus.example', temporary, 'Counter 1');
  await desk.getByLabel('Temporary password').fill(temporary);
  await desk.getByLabel('New password', { exact: true }).fill('divya front desk 2026');
  await desk.getByLabel('Confirm new password').fill('divya front desk 2026');
  await desk.getByTestId('change-password-submit').click();
  await expect(desk.getByTestId('staff-name')).toHaveText('Divya Nair');

  // She books the service with Dr Rao at 10:00 next Monday, for a new patient.
  const monday = nextMonday();
  await showDay(desk, branchId, monday);
  await desk.getByTestId('service-select').selectOption({ label: 'Scale and polish · 30 min' });
  await desk.getByTestId(`slot-${id('Dr Kavya Rao')}-10:00`).click();
  await expect(desk.getByTestId('booking-panel').getByTestId('hold-countdown')).toContainText('Held for you');
  const patient = await confirmWithNewPatient(desk, 'Ananya Krishnan');

  // The database holds exactly that booking: the service, both resources, the patient, the receptionist, the time.
  const { rows } = await server.db.query<{ status: string; service: string; patient: string; by: string; starts_at: Date; ends_at: Date; resources: string[] }>(
    `SELECT a.status::text, s.name AS service, p.name AS patient, st.email AS by, a.starts_at, a.ends_at,
            ARRAY(SELECT r.name FROM appointment_resource ar JOIN resource r ON r.id = ar.resource_id
                   WHERE ar.appointment_id = a.id AND ar.active ORDER BY r.name) AS resources
       FROM appointment a JOIN service s ON s.id = a.service_id JOIN patient p ON p.id = a.patient_id JOIN staff st ON st.id = a.created_by`,
  );
  expect(rows).toEqual([
    {
      status: 'BOOKED',
      service: 'Scale and polish',
      patient,
      by: 'divya@lotus.example',
      starts_at: new Date(localMinuteToInstant(monday, 10 * 60, ZONE)),
      ends_at: new Date(localMinuteToInstant(monday, 10 * 60 + 30, ZONE)),
      resources: ['Dr Kavya Rao', 'Surgery 1'],
    },
  ]);

  // The admin's desk shows the booking on the day grid, in Dr Rao's column and the room's.
  await showDay(admin, branchId, monday);
  await expect(admin.getByTestId('day-grid').locator('.appt-what', { hasText: patient })).toHaveCount(2);

  await desk.context().close();
  await admin.context().close();
});
