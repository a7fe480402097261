import { randomUUID } from 'node:crypto';
import { apiAs, at, bookVia, expect, futureWeekday, openDesk, showDay, STAFF, test } from '../fixtures/desk.js';

// Two desks edit the same booking and save in the same moment: one edit wins,
// the other desk is told in plain words and shown the booking as it is now.

const date = futureWeekday(18, 2); // a Tuesday of its own: no other spec books it

test('two desks save an edit of the same appointment at once: one wins, the other is told and shown the current version', async ({ browser, db, demo }) => {
  const api = await apiAs(STAFF.reception);
  const carter = demo.resource('Dr James Carter');
  const booked = await bookVia(api, { branchId: demo.east, serviceId: demo.service('GP consultation'), startsAt: at(date, '11:00'), resourceIds: [carter], note: 'Booked by phone' });
  expect(booked.version).toBe(1);

  const a = await openDesk(browser, STAFF.reception);
  const b = await openDesk(browser, STAFF.manager);
  const noteOf = { a: `Desk A: bring X-rays ${randomUUID().slice(0, 6)}`, b: `Desk B: wheelchair access ${randomUUID().slice(0, 6)}` };

  for (const [page, note] of [
    [a, noteOf.a],
    [b, noteOf.b],
  ] as const) {
    await showDay(page, demo.east, date);
    await page.getByTestId(`appt-${booked.id}`).click();
    const panel = page.getByTestId('appointment-panel');
    await expect(panel).toHaveAttribute('data-appointment', booked.id);
    await expect(panel).toContainText('Booked by phone');
    await panel.getByTestId('edit-open').click();
    await panel.getByLabel('Note').fill(note);
  }

  // Both save in the same moment.
  await Promise.all([a.getByTestId('edit-save').click(), b.getByTestId('edit-save').click()]);

  // Each desk hears back: the winner's form closes with a notice, the loser's stays with the reason.
  for (const page of [a, b]) await expect(page.getByTestId('notice').filter({ hasText: 'Appointment updated.' }).or(page.getByTestId('edit-error'))).toBeVisible();
  const refused = [await a.getByTestId('edit-error').isVisible(), await b.getByTestId('edit-error').isVisible()];
  expect(refused.filter(Boolean)).toHaveLength(1);
  const aWon = refused[1]!;
  const [winner, loser] = aWon ? [a, b] : [b, a];
  const [winnerNote, loserNote] = aWon ? [noteOf.a, noteOf.b] : [noteOf.b, noteOf.a];

  // The database: one edit, the winner's; the loser's change is nowhere.
  const { rows } = await db.query<{ version: number; note: string }>(`SELECT version, note FROM appointment WHERE id = $1`, [booked.id]);
  expect(rows[0]).toEqual({ version: 2, note: winnerNote });
  const { rows: resources } = await db.query<{ resource_id: string }>(`SELECT resource_id FROM appointment_resource WHERE appointment_id = $1 AND active`, [booked.id]);
  // Only the note was edited: the practitioner and room are the booking's own.
  expect(resources.map((r) => r.resource_id).sort()).toEqual(booked.resources.map((r) => r.resourceId).sort());
  expect(resources.map((r) => r.resource_id)).toContain(carter);

  // The winner: form closed, the panel shows its note.
  const winnerPanel = winner.getByTestId('appointment-panel');
  await expect(winnerPanel.getByTestId('appointment-edit')).toHaveCount(0);
  await expect(winnerPanel).toContainText(winnerNote);
  await expect(winner.getByTestId('edit-error')).toHaveCount(0);

  // The loser: told in plain words, and its panel shows the booking as it now stands (the winner's note, not its own).
  const loserPanel = loser.getByTestId('appointment-panel');
  await expect(loserPanel.getByTestId('edit-error')).toHaveText('This appointment was changed on another desk. Here is how it stands now.');
  await expect(loserPanel.locator('dl')).toContainText(winnerNote);
  await expect(loserPanel.locator('dl')).not.toContainText(loserNote);
  await expect(loserPanel.locator('dl')).not.toContainText('Booked by phone');

  await a.context().close();
  await b.context().close();
});

test('a desk that saves after another desk’s edit reached it is refused too, never overwriting it silently', async ({ browser, db, demo }) => {
  const api = await apiAs(STAFF.reception);
  const carter = demo.resource('Dr James Carter');
  const booked = await bookVia(api, { branchId: demo.east, serviceId: demo.service('GP consultation'), startsAt: at(date, '14:00'), resourceIds: [carter], note: 'Booked by phone' });

  const b = await openDesk(browser, STAFF.manager);
  await showDay(b, demo.east, date);
  await b.getByTestId(`appt-${booked.id}`).click();
  const panel = b.getByTestId('appointment-panel');
  await panel.getByTestId('edit-open').click();
  await panel.getByLabel('Note').fill('Desk B: typed while the other desk saved');

  // Another desk's edit lands (and reaches this desk live) while B's form is open.
  await api.booking.edit.mutate({ appointmentId: booked.id, version: booked.version, note: 'Desk A: changed first' });
  await expect(panel.locator('dl')).toContainText('Desk A: changed first');
  await expect(panel.getByTestId('edit-changed-meanwhile')).toBeVisible();

  await panel.getByTestId('edit-save').click();
  await expect(panel.getByTestId('edit-error')).toHaveText('This appointment was changed on another desk. Here is how it stands now.');
  const { rows } = await db.query<{ version: number; note: string }>(`SELECT version, note FROM appointment WHERE id = $1`, [booked.id]);
  expect(rows[0]).toEqual({ version: 2, note: 'Desk A: changed first' });

  // Told and shown, B may save on top of it knowingly.
  await panel.getByTestId('edit-save').click();
  await expect(b.getByTestId('notice').filter({ hasText: 'Appointment updated.' })).toBeVisible();
  const after = await db.query<{ version: number; note: string }>(`SELECT version, note FROM appointment WHERE id = $1`, [booked.id]);
  expect(after.rows[0]).toEqual({ version: 3, note: 'Desk B: typed while the other desk saved' });
  await b.context().close();
});
