import { apiAs, at, bookVia, expect, futureWeekday, newPatient, openDesk, screenshotPath, showDay, STAFF, test, wall } from '../fixtures/desk.js';

// The waitlist across two desks: desk A puts a patient on the list, desk B
// cancels a booking that fits, and desk A sees the freed time offered live and
// books it in one click; the database agrees.

const date = futureWeekday(19, 3); // a Wednesday of its own: no other spec books it
const later = futureWeekday(31, 3); // the other entries on the list wait for this week

test('desk A adds a patient to the waitlist, desk B cancels a matching cleaning, desk A sees the offer live and books it', async ({ browser, db, demo }) => {
  const api = await apiAs(STAFF.reception);
  const kim = demo.resource('Dr Daniel Kim');
  const cleaning = demo.service('Dental cleaning');
  const booked = await bookVia(api, { branchId: demo.east, serviceId: cleaning, startsAt: at(date, '14:00'), resourceIds: [kim] });
  const ana = await newPatient(api, 'Ana Shah');
  // Others already waiting, for a later week, so the list is a list (removed again at the end).
  const others = [
    await api.waitlist.add.mutate({ patientId: (await newPatient(api, 'Omar Okafor')).id, serviceId: demo.service('Dental check-up'), fromDate: later, toDate: later, priority: 2, timesOfDay: ['morning'], notes: 'Broken filling, in pain' }),
    await api.waitlist.add.mutate({ patientId: (await newPatient(api, 'Lena Novak')).id, serviceId: demo.service('Physiotherapy session'), practitionerIds: [demo.resource('Emily Shaw (physio)')], fromDate: later, toDate: later, contact: 'sms' }),
  ];
  // They have waited a while: the list says how long.
  await db.query(`UPDATE waitlist_entry SET created_at = now() - interval '3 days 4 hours' WHERE id = $1`, [others[0]!.id]);
  await db.query(`UPDATE waitlist_entry SET created_at = now() - interval '5 hours 20 minutes' WHERE id = $1`, [others[1]!.id]);

  const a = await openDesk(browser, STAFF.reception, { desk: 'front desk A' });
  const b = await openDesk(browser, STAFF.manager, { desk: 'front desk B' });
  try {
    // Desk A: the Waitlist tab (L), the form filled with the keyboard and labels.
    await a.getByTestId('tab-waitlist').click();
    const form = a.getByTestId('waitlist-form');
    await form.getByTestId('patient-search').fill(ana.name);
    await form.getByTestId(`patient-result-${ana.id}`).click();
    await expect(form.getByTestId('patient-chosen')).toContainText(ana.name);
    // Nothing chosen for the service yet: said next to the field, nothing sent.
    await form.getByTestId('waitlist-add').click();
    await expect(form.getByTestId('waitlist-service-error')).toHaveText('Choose what the patient is waiting for.');
    await form.getByLabel('Service').selectOption(cleaning);
    await form.getByTestId(`waitlist-practitioner-${kim}`).check();
    await form.getByLabel('First day').fill(date);
    await form.getByLabel('Last day').fill(date);
    await form.getByTestId('waitlist-time-afternoon').check();
    await form.getByLabel('Priority').selectOption('1');
    await form.getByLabel('Notes').fill('Prefers after lunch');
    await form.getByTestId('waitlist-add').click();
    await expect(form.getByTestId('waitlist-added')).toContainText(`${ana.name} is on the waitlist for Dental cleaning.`);
    const { rows: entries } = await db.query<{ id: string; status: string }>(`SELECT id, status::text FROM waitlist_entry WHERE patient_id = $1`, [ana.id]);
    expect(entries).toEqual([{ id: expect.any(String), status: 'WAITING' }]);
    const entryId = entries[0]!.id;
    const row = a.getByTestId(`waitlist-entry-${entryId}`);
    await expect(row).toContainText(ana.name);
    await expect(a.getByTestId(`waitlist-waited-${entryId}`)).toHaveText(/just added|\d+ min/);
    await expect(row).toContainText('Waiting');

    // Desk B: cancels the 14:00 cleaning with Dr Kim on its day grid.
    await showDay(b, demo.east, date);
    await b.getByTestId(`appt-${booked.id}`).click();
    const panel = b.getByTestId('appointment-panel');
    await panel.getByTestId('cancel-open').click();
    await panel.getByLabel('Reason').selectOption('ILLNESS');
    await panel.getByTestId('cancel-confirm').click();
    await expect(panel.getByTestId('appointment-status')).toHaveText('cancelled');

    // Desk A: the offer arrives live, in one sentence; desk B's banner shows it too.
    const offer = a.getByTestId(`waitlist-offer-${entryId}`);
    await expect(offer).toContainText(`${ana.name} wants a Dental cleaning with Dr Daniel Kim`);
    await expect(offer).toContainText(`${wall(at(date, '14:00'))} just freed`);
    await expect(row).toContainText('Offered a time');
    await expect(b.getByTestId('waitlist-offer-banner').getByTestId(`waitlist-offer-${entryId}`)).toBeVisible();
    await a.screenshot({ path: screenshotPath('waitlist') });

    // One click books it, through the booking command.
    await a.getByTestId(`waitlist-offer-book-${entryId}`).click();
    await expect(a.getByTestId('waitlist-offer-outcome')).toContainText(`Booked: ${ana.name}, Dental cleaning at ${wall(at(date, '14:00'))}`);
    await expect(offer).toHaveCount(0);
    // Desk B's banner closes with it.
    await expect(b.getByTestId(`waitlist-offer-${entryId}`)).toHaveCount(0);

    const { rows: appointments } = await db.query<{ status: string; patient_id: string }>(
      `SELECT a.status::text, a.patient_id FROM appointment a JOIN appointment_resource r ON r.appointment_id = a.id
        WHERE r.resource_id = $1 AND r.active AND a.starts_at = $2`,
      [kim, at(date, '14:00')],
    );
    expect(appointments).toEqual([{ status: 'BOOKED', patient_id: ana.id }]);
    const { rows: after } = await db.query<{ status: string }>(`SELECT status::text FROM waitlist_entry WHERE id = $1`, [entryId]);
    expect(after[0]!.status).toBe('BOOKED');
    await expect(a.getByTestId(`waitlist-entry-${entryId}`)).toHaveCount(0);
  } finally {
    for (const e of others) await api.waitlist.remove.mutate({ entryId: e.id }).catch(() => undefined);
    await a.context().close();
    await b.context().close();
  }
});

const heldDay = futureWeekday(19, 4); // the Thursday of the same week of its own

test('with offers held, the freed time is HELD for the first patient: desk A reads "held for … until …", desk B sees the held block, and Book confirms that hold', async ({ browser, db, demo }) => {
  const admin = await apiAs('admin@demo.frontdesk.test');
  const api = await apiAs(STAFF.reception);
  const kim = demo.resource('Dr Daniel Kim');
  const cleaning = demo.service('Dental cleaning');
  const booked = await bookVia(api, { branchId: demo.east, serviceId: cleaning, startsAt: at(heldDay, '15:00'), resourceIds: [kim] });
  const ana = await newPatient(api, 'Ana Shah');
  const entry = await api.waitlist.add.mutate({ patientId: ana.id, serviceId: cleaning, practitionerIds: [kim], fromDate: heldDay, toDate: heldDay, priority: 2 });
  await admin.waitlist.setHoldSetting.mutate({ holdMinutes: 15 });
  const a = await openDesk(browser, STAFF.reception, { desk: 'front desk A' });
  const b = await openDesk(browser, STAFF.manager, { desk: 'front desk B' });
  try {
    await a.getByTestId('tab-waitlist').click();
    await api.booking.cancel.mutate({ appointmentId: booked.id, version: booked.version, reason: 'Unwell' });

    // The offer is a hold for Ana: desk A says until when; the database holds the time.
    const held = a.getByTestId(`waitlist-offer-held-${entry.id}`);
    await expect(held).toContainText(`held for ${ana.name} until`);
    const { rows: holds } = await db.query<{ id: string; status: string; hold_until: Date }>(
      `SELECT a.id::text, a.status::text, a.hold_expires_at AS hold_until FROM waitlist_offer o JOIN appointment a ON a.id = o.hold_appointment_id WHERE o.entry_id = $1`,
      [entry.id],
    );
    expect(holds.map((h) => h.status)).toEqual(['HELD']);
    await expect(held).toHaveText(`held for ${ana.name} until ${wall(holds[0]!.hold_until)}`);

    // Desk B: the held block on the grid, like any hold.
    await showDay(b, demo.east, heldDay);
    await expect(b.getByTestId(`appt-${holds[0]!.id}`)).toHaveAttribute('data-status', 'HELD');
    await a.screenshot({ path: screenshotPath('waitlist-held-offer') });

    // Book confirms that hold: the same appointment, now booked; no second one.
    await a.getByTestId(`waitlist-offer-book-${entry.id}`).click();
    await expect(a.getByTestId('waitlist-offer-outcome')).toContainText(`Booked: ${ana.name}, Dental cleaning at ${wall(at(heldDay, '15:00'))}`);
    await expect(b.getByTestId(`appt-${holds[0]!.id}`)).toHaveAttribute('data-status', 'BOOKED');
    const { rows: appointments } = await db.query<{ id: string; status: string }>(
      `SELECT a.id::text, a.status::text FROM appointment a JOIN appointment_resource r ON r.appointment_id = a.id
        WHERE r.resource_id = $1 AND r.active AND a.starts_at = $2`,
      [kim, at(heldDay, '15:00')],
    );
    expect(appointments).toEqual([{ id: holds[0]!.id, status: 'BOOKED' }]);
  } finally {
    await admin.waitlist.setHoldSetting.mutate({ holdMinutes: 0 });
    await api.waitlist.remove.mutate({ entryId: entry.id }).catch(() => undefined);
    await a.context().close();
    await b.context().close();
  }
});
