import { apiAs, at, bookVia, expect, futureWeekday, openDesk, screenshotPath, showDay, test } from '../fixtures/desk.js';

const ADMIN = 'admin@demo.frontdesk.test';
const CALL_CENTRE = 'callcentre@demo.frontdesk.test';

test('an admin sets up a branch with split hours and a holiday, then a practitioner and a room there; another desk sees the new columns appear live, and the practitioner deactivated over a booking goes once it is kept', async ({ browser, db, demo }) => {
  // Each run has a database of its own (fixtures/stack.ts), so the names can read like a clinic's.
  const branchName = 'Harbourside (London)';
  const doctor = 'Dr Amelia Wren';
  const room = 'Harbour room';
  const monday = futureWeekday(3, 1);
  const holiday = futureWeekday(4, 1);

  const admin = await openDesk(browser, ADMIN);
  await admin.getByTestId('tab-setup').click();
  // Branches and Resources come first: a new clinic fills them in before anything else.
  await expect(admin.getByTestId('setup').getByRole('navigation').getByRole('button').first()).toHaveText('Branches');
  await admin.getByTestId('setup-tab-branches').click();
  const branches = admin.getByTestId('setup-branches');

  // A new branch: a slip is named beside its field, nothing is sent.
  await branches.getByTestId('branch-new').click();
  const form = branches.getByTestId('branch-form');
  await form.getByLabel('Time zone').fill('Mars/Olympus');
  await form.getByTestId('branch-save').click();
  await expect(form.getByTestId('branch-name-error')).toHaveText('Give the branch a name.');
  await expect(form.getByTestId('branch-timeZone-error')).toContainText('Pick a time zone from the list');

  await form.getByLabel('Branch name').fill(branchName);
  await form.getByLabel('Time zone').fill('Europe/London');
  await form.getByLabel('Address').fill('1 Quay Street, London');
  await form.getByLabel('Phone').fill('+44 20 7946 0000');
  // Weekdays start 09:00–17:00; Monday gets a lunch break, Saturday a morning.
  await form.getByLabel('Monday until (1)').fill('13:00');
  await form.getByRole('button', { name: '+ Add hours on Monday' }).click();
  await form.getByLabel('Monday from (2)').fill('14:00');
  await form.getByLabel('Monday until (2)').fill('18:00');
  await form.getByRole('button', { name: '+ Add hours on Saturday' }).click();
  await form.getByLabel('Saturday from (1)').fill('09:00');
  await form.getByLabel('Saturday until (1)').fill('12:00');
  await form.getByTestId('branch-save').click();
  await expect(form).toBeHidden();

  const row = branches.getByTestId('branch-row').filter({ hasText: branchName });
  await expect(row.getByTestId('branch-hours-summary')).toHaveText('Mon 09:00–13:00, 14:00–18:00 · Tue–Fri 09:00–17:00 · Sat 09:00–12:00');
  await expect(row).toContainText('Europe/London');
  await expect(row.getByTestId('branch-status')).toHaveText('Open for booking');
  await expect(branches.getByTestId('branch-detail-name')).toHaveText(branchName);
  const { rows: created } = await db.query<{ id: string; time_zone: string; address: string }>('SELECT id, time_zone, address FROM branch WHERE name = $1', [branchName]);
  expect(created).toEqual([expect.objectContaining({ time_zone: 'Europe/London', address: '1 Quay Street, London' })]);
  const branchId = created[0]!.id;
  const { rows: hours } = await db.query('SELECT weekday FROM branch_hours WHERE branch_id = $1', [branchId]);
  expect(hours).toHaveLength(7);

  // A public holiday, in the branch's own days.
  const closures = branches.getByTestId('branch-closures');
  await closures.getByLabel('Holiday name').fill('Bank holiday');
  await closures.getByLabel('First day').fill(holiday);
  await closures.getByLabel('Last day').fill(holiday);
  await closures.getByTestId('branch-closure-add').click();
  await expect(closures.getByTestId('branch-closure').filter({ hasText: 'Bank holiday' })).toBeVisible();
  const { rows: off } = await db.query<{ kind: string; reason: string }>('SELECT kind, reason FROM time_off WHERE branch_id = $1 AND resource_id IS NULL', [branchId]);
  expect(off).toEqual([{ kind: 'HOLIDAY', reason: 'Bank holiday' }]);
  await branches.getByRole('heading', { name: 'Branches' }).scrollIntoViewIfNeeded();
  await admin.screenshot({ path: screenshotPath('setup-branches') });

  // Another desk, tenant-wide, looks at the new branch's day: nobody works there yet.
  const desk = await openDesk(browser, CALL_CENTRE);
  await showDay(desk, branchId, monday);
  await expect(desk.getByTestId('day-grid').getByText(doctor)).toHaveCount(0);

  // Resources: a practitioner and a room at the new branch.
  await admin.getByTestId('setup-tab-resources').click();
  const resources = admin.getByTestId('setup-resources');
  await resources.getByTestId('resource-new').click();
  let resourceForm = resources.getByTestId('resource-form');
  await resourceForm.getByLabel('Kind').selectOption('PRACTITIONER');
  await resourceForm.getByLabel('Name').fill(doctor);
  await resourceForm.getByLabel('Tags').fill('gp, minor surgery');
  // The top bar's branch is ticked to begin with: this one works at the new branch only.
  for (const box of await resourceForm.locator('input[type=checkbox]:checked').all()) await box.uncheck();
  await resourceForm.getByTestId('resource-save').click();
  await expect(resourceForm.getByTestId('resource-branchIds-error')).toBeVisible();
  await resourceForm.getByTestId(`resource-branch-${branchId}`).check();
  await resourceForm.getByTestId('resource-save').click();
  await expect(resourceForm).toBeHidden();

  // The other desk's grid gets the new column without a reload, with its colour.
  const { rows: doc } = await db.query<{ id: string; colour: string }>('SELECT id, colour FROM resource WHERE name = $1', [doctor]);
  expect(doc[0]?.colour).toMatch(/^#[0-9a-f]{6}$/);
  const column = desk.getByTestId(`colhead-${doc[0]!.id}`);
  await expect(column).toContainText(doctor);
  await expect(column.locator('.coldot')).toHaveCSS('background-color', hexToRgb(doc[0]!.colour));

  await resources.getByTestId('resource-new').click();
  resourceForm = resources.getByTestId('resource-form');
  await resourceForm.getByLabel('Kind').selectOption('ROOM');
  await resourceForm.getByLabel('Name').fill(room);
  await resourceForm.getByLabel('Tags').fill('consult');
  for (const box of await resourceForm.locator('input[type=checkbox]:checked').all()) await box.uncheck();
  await resourceForm.getByTestId(`resource-branch-${branchId}`).check();
  await resourceForm.getByTestId('resource-colour-00838f').check();
  await resourceForm.getByTestId('resource-save').click();
  await expect(resourceForm).toBeHidden();

  const roomRow = resources.getByTestId('resource-row').filter({ hasText: room });
  await expect(roomRow).toContainText('Room');
  await expect(roomRow).toContainText(branchName);
  await expect(roomRow.getByTestId('resource-status')).toHaveText('Active');
  await expect(resources.getByTestId('resource-row').filter({ hasText: doctor })).toContainText('minor surgery');
  // A room starts open whenever its branch is: the branch's opening hours.
  const { rows: roomHours } = await db.query('SELECT w.weekday FROM working_hours w JOIN resource r ON r.id = w.resource_id WHERE r.name = $1 AND r.colour = $2', [room, '#00838f']);
  expect(roomHours).toHaveLength(7);
  await expect(desk.getByTestId('day-grid').getByText(room)).toBeVisible();
  await admin.screenshot({ path: screenshotPath('setup-resources') });

  // Dr Wren works Monday mornings there and has a GP booking; deactivating her asks what becomes of it first.
  await db.query(`INSERT INTO working_hours (tenant_id, resource_id, branch_id, weekday, start_minute, end_minute) SELECT tenant_id, $1, $2, 1, 540, 780 FROM branch WHERE id = $2`, [doc[0]!.id, branchId]);
  const booked = await bookVia(await apiAs(CALL_CENTRE), { branchId, serviceId: demo.service('GP consultation'), startsAt: at(monday, '10:00', 'Europe/London'), resourceIds: [doc[0]!.id] });
  const doctorRow = resources.getByTestId('resource-row').filter({ hasText: doctor });
  await doctorRow.getByTestId('resource-deactivate').click();
  await doctorRow.getByTestId('resource-deactivate-confirm').click();
  const dialog = admin.getByTestId('affected-dialog');
  await expect(dialog.getByTestId('affected-row')).toHaveCount(1);
  await expect(dialog.getByTestId('affected-row')).toContainText(booked.patientName);
  await expect(dialog.getByTestId('affected-row')).toContainText(`${doctor} is no longer active`);
  // Closing it changes nothing.
  await dialog.getByTestId('affected-close').click();
  await expect(dialog).toBeHidden();
  await expect(doctorRow.getByTestId('resource-status')).toHaveText('Active');
  await doctorRow.getByTestId('resource-deactivate').click();
  await doctorRow.getByTestId('resource-deactivate-confirm').click();
  await dialog.getByTestId('affected-keep-all').click();
  await dialog.getByTestId('affected-apply').click();
  await expect(dialog).toBeHidden();
  await expect(doctorRow.getByTestId('resource-status')).toHaveText('Inactive');
  const { rows: kept } = await db.query('SELECT status, kept_outside_hours FROM appointment WHERE id = $1', [booked.id]);
  expect(kept).toEqual([{ status: 'BOOKED', kept_outside_hours: true }]);
  // The other desk loses her column; the room stays.
  await expect(column).toHaveCount(0);
  await expect(desk.getByTestId('day-grid').getByText(room)).toBeVisible();

  await desk.context().close();
  await admin.context().close();
});

function hexToRgb(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
}
