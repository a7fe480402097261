import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError, domainErrorOf, localMinuteToInstant, type WaitlistAddInput } from '@frontdesk/shared';
import { createServer } from '../app.js';
import { seedDemo, type DemoClinic } from '../seed/demo.js';
import { callerFor, type Caller } from '../testing/callers.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { monday } from '../testing/dates.js';

// The offer hold: with the clinic's setting on, a freed time is HELD for the
// best-ranked entry's patient (a real appointment the constraints guard) and
// the patient answers through a signed link.

const NY = 'America/New_York';

let db: TestDatabase;
let demo: DemoClinic;
let callCentre: Caller;
let receptionist: Caller;
let patientCursor = 0;

const at = (date: string, hhmm: string) => new Date(localMinuteToInstant(date, Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5)), NY)).toISOString();
const nextPatient = () => demo.patients[patientCursor++]!;

function codeOf(error: unknown): string | undefined {
  const cause = (error as { cause?: unknown }).cause;
  return domainErrorOf(error)?.code ?? (cause instanceof DomainError ? cause.code : (error as { code?: string }).code);
}

const bookCleaning = (date: string, hhmm: string, patientId: string = nextPatient()) =>
  callCentre.booking.book({ branchId: demo.branches.east, serviceId: demo.services.cleaning, startsAt: at(date, hhmm), resourceIds: [demo.resources.drKim!], patientId });

const addEntry = (over: Partial<WaitlistAddInput> & { fromDate: string; toDate: string }) =>
  callCentre.waitlist.add({ patientId: nextPatient(), serviceId: demo.services.cleaning, practitionerIds: [demo.resources.drKim!], contact: 'any', ...over });

async function offerOf(entryId: string) {
  const { rows } = await db.sql.query<{ id: string; status: string; starts_at: Date; hold_appointment_id: string | null }>(
    `SELECT id::text, status::text, starts_at, hold_appointment_id::text FROM waitlist_offer WHERE entry_id = $1 ORDER BY created_at DESC`,
    [entryId],
  );
  return rows;
}

async function appointment(id: string) {
  const { rows } = await db.sql.query<{ status: string; patient_id: string; starts_at: Date; hold_session_id: string | null; created_by: string; hold_expires_at: Date | null; live: boolean }>(
    `SELECT status::text, patient_id::text, starts_at, hold_session_id::text, created_by::text, hold_expires_at, (hold_expires_at > now()) AS live FROM appointment WHERE id = $1`,
    [id],
  );
  return rows[0]!;
}

/** The token in the offer message the patient was sent. */
async function tokenFor(patientId: string): Promise<string> {
  const { rows } = await db.sql.query<{ link: string }>(`SELECT vars ->> 'link' AS link FROM message WHERE kind = 'waitlist_offer' AND patient_id = $1 ORDER BY created_at DESC LIMIT 1`, [patientId]);
  const link = rows[0]?.link ?? '';
  expect(link).toContain('/w/');
  return link.slice(link.indexOf('/w/') + 3);
}

async function cancelAndMatch(booked: { id: string; version: number }) {
  await callCentre.booking.cancel({ appointmentId: booked.id, version: booked.version, reason: 'Unwell' });
  await db.deps.waitlistMatcher.runOnce();
}

beforeAll(async () => {
  db = await createTestDatabase();
  demo = await seedDemo(db.owner, { emailDomain: 'offer-hold.test', patients: 60 });
  callCentre = await callerFor(db.deps, demo.staff.callCentre.email, demo.password, 'desk A');
  receptionist = await callerFor(db.deps, demo.staff.receptionist.email, demo.password, 'desk B');
  const admin = await callerFor(db.deps, demo.staff.admin.email, demo.password, 'desk admin');
  const current = await admin.setup.messages.settings();
  await admin.setup.messages.save({ version: current.version, enabled: [...current.enabled, 'waitlist_offer'], reminderHours: current.reminderHours, templates: {}, locale: 'en-US', quietHours: null });
  await db.sql.query(`UPDATE patient SET consent_to_messages = true WHERE tenant_id = $1`, [demo.tenantId]);
});
afterAll(() => db.drop());

const holdMinutes = (m: number) => db.sql.query(`UPDATE tenant SET waitlist_hold_minutes = $2 WHERE id = $1`, [demo.tenantId, m]);

describe('the offer hold', () => {
  it('the best-ranked entry gets a real HELD appointment occupying the time (the only offer of it); a desk booking that time gets SLOT_TAKEN', async () => {
    await holdMinutes(10);
    const day = monday(0);
    const booked = await bookCleaning(day, '14:00');
    const second = await addEntry({ fromDate: day, toDate: day });
    const best = await addEntry({ fromDate: day, toDate: day, priority: 2 });
    await cancelAndMatch(booked);

    const [offer] = await offerOf(best.id);
    expect(offer?.status).toBe('OPEN');
    expect(offer?.hold_appointment_id).toBeTruthy();
    expect(await offerOf(second.id)).toEqual([]);
    const hold = await appointment(offer!.hold_appointment_id!);
    expect(hold).toMatchObject({ status: 'HELD', patient_id: best.patient.id, hold_session_id: null, created_by: demo.staff.callCentre.id, live: true });
    expect(hold.starts_at.toISOString()).toBe(at(day, '14:00'));
    const { rows: held } = await db.sql.query<{ desk: string }>(`SELECT desk FROM event WHERE type = 'appointment.held' AND aggregate_id = $1`, [offer!.hold_appointment_id]);
    expect(held.map((e) => e.desk)).toEqual(['Waitlist']);

    // The database keeps the time from anyone else.
    expect(codeOf(await receptionist.booking.book({ branchId: demo.branches.east, serviceId: demo.services.cleaning, startsAt: at(day, '14:00'), resourceIds: [demo.resources.drKim!], patientId: nextPatient() }).catch((e: unknown) => e))).toBe('SLOT_TAKEN');
    const listed = (await receptionist.waitlist.offers()).find((o) => o.entryId === best.id);
    expect(listed?.hold?.appointmentId).toBe(offer!.hold_appointment_id);
    expect(listed?.openUntil).toBe(hold.hold_expires_at!.toISOString());
  });

  it('the patient\'s Accept books THAT hold (checked in the database); a second Accept is refused plainly', async () => {
    await holdMinutes(10);
    const day = monday(1);
    const booked = await bookCleaning(day, '14:00');
    const entry = await addEntry({ fromDate: day, toDate: day });
    await cancelAndMatch(booked);
    const [offer] = await offerOf(entry.id);
    const token = await tokenFor(entry.patient.id);

    const page = await db.deps.offerLinks.page(token);
    expect(page).toMatchObject({ state: 'open', service: 'Dental cleaning', time: '14:00' });
    const first = await db.deps.offerLinks.answer(token, 'accept');
    expect(first.ok).toBe(true);
    expect((await appointment(offer!.hold_appointment_id!)).status).toBe('BOOKED');
    const { rows } = await db.sql.query<{ entry: string; offer: string; appointment_id: string }>(
      `SELECT w.status::text AS entry, o.status::text AS offer, w.appointment_id::text FROM waitlist_entry w JOIN waitlist_offer o ON o.entry_id = w.id WHERE w.id = $1`,
      [entry.id],
    );
    expect(rows).toEqual([{ entry: 'BOOKED', offer: 'BOOKED', appointment_id: offer!.hold_appointment_id }]);
    const again = await db.deps.offerLinks.answer(token, 'accept');
    expect(again).toMatchObject({ ok: false, text: 'You have already taken this time.' });
    const { rows: active } = await db.sql.query(`SELECT 1 FROM appointment WHERE patient_id = $1 AND status = 'BOOKED'`, [entry.patient.id]);
    expect(active.length).toBe(1);
    // A tampered token is not a link at all.
    expect(await db.deps.offerLinks.page(`${token.slice(0, -2)}xx`)).toBeNull();
  });

  it('a decline, then an expiry, pass the time to the next entry with a new hold; nobody is offered the same time twice', async () => {
    await holdMinutes(10);
    const day = monday(2);
    const booked = await bookCleaning(day, '15:00');
    const first = await addEntry({ fromDate: day, toDate: day, priority: 2 });
    const second = await addEntry({ fromDate: day, toDate: day, priority: 1 });
    const third = await addEntry({ fromDate: day, toDate: day });
    await cancelAndMatch(booked);
    const [offer1] = await offerOf(first.id);

    const declined = await db.deps.offerLinks.answer(await tokenFor(first.patient.id), 'decline');
    expect(declined.ok).toBe(true);
    expect((await appointment(offer1!.hold_appointment_id!)).status).toBe('RELEASED');
    await db.deps.waitlistMatcher.runOnce();
    expect((await offerOf(first.id)).map((o) => o.status)).toEqual(['CLOSED']);
    const [offer2] = await offerOf(second.id);
    expect(offer2?.hold_appointment_id).toBeTruthy();
    expect(await appointment(offer2!.hold_appointment_id!)).toMatchObject({ status: 'HELD', patient_id: second.patient.id });

    // The second patient lets it lapse: the sweeper expires the hold and the third entry is offered it.
    await db.sql.query(`UPDATE appointment SET hold_expires_at = now() - interval '1 second' WHERE id = $1`, [offer2!.hold_appointment_id]);
    expect(await db.deps.holdExpiry.expireDue()).toBeGreaterThanOrEqual(1);
    await db.deps.waitlistMatcher.runOnce();
    expect((await offerOf(second.id)).map((o) => o.status)).toEqual(['CLOSED']);
    const [offer3] = await offerOf(third.id);
    expect(await appointment(offer3!.hold_appointment_id!)).toMatchObject({ status: 'HELD', patient_id: third.patient.id });
    expect((await offerOf(first.id)).length).toBe(1);
    expect((await offerOf(second.id)).length).toBe(1);
    // The lapsed link says so plainly.
    expect(await db.deps.offerLinks.answer(await tokenFor(second.patient.id), 'accept')).toMatchObject({ ok: false });
  });

  it('two Accepts at once: one booking', async () => {
    await holdMinutes(10);
    const day = monday(3);
    const booked = await bookCleaning(day, '10:00');
    const entry = await addEntry({ fromDate: day, toDate: day });
    await cancelAndMatch(booked);
    const token = await tokenFor(entry.patient.id);
    const answers = await Promise.all([db.deps.offerLinks.answer(token, 'accept'), db.deps.offerLinks.answer(token, 'accept')]);
    expect(answers.filter((a) => a.ok).length).toBe(1);
    const { rows } = await db.sql.query<{ n: string }>(`SELECT count(*) AS n FROM appointment WHERE patient_id = $1 AND status = 'BOOKED' AND starts_at = $2`, [entry.patient.id, at(day, '10:00')]);
    expect(Number(rows[0]!.n)).toBe(1);
    const { rows: events } = await db.sql.query(`SELECT 1 FROM event WHERE type = 'waitlist.booked' AND aggregate_id = $1`, [entry.id]);
    expect(events.length).toBe(1);
  });

  it('a desk\'s Book on a held offer confirms the hold, never a second booking', async () => {
    await holdMinutes(10);
    const day = monday(4);
    const booked = await bookCleaning(day, '11:00');
    const entry = await addEntry({ fromDate: day, toDate: day });
    await cancelAndMatch(booked);
    const [offer] = await offerOf(entry.id);
    const result = await receptionist.waitlist.bookOffer({ offerId: offer!.id });
    expect(result.id).toBe(offer!.hold_appointment_id);
    expect((await appointment(offer!.hold_appointment_id!)).status).toBe('BOOKED');
    expect((await db.deps.offerLinks.answer(await tokenFor(entry.patient.id), 'accept'))).toMatchObject({ ok: false, text: 'You have already taken this time.' });
  });

  it('the setting: an admin sets the minutes (with its event); out of bounds is BAD_INPUT naming the field and changes nothing; a receptionist may not', async () => {
    const admin = await callerFor(db.deps, demo.staff.admin.email, demo.password, 'desk C');
    expect(await admin.waitlist.setHoldSetting({ holdMinutes: 20 })).toEqual({ holdMinutes: 20 });
    expect(await receptionist.waitlist.holdSetting()).toEqual({ holdMinutes: 20 });
    const refused = await admin.waitlist.setHoldSetting({ holdMinutes: 241 }).catch((e: unknown) => e);
    expect(JSON.stringify((refused as { data?: unknown }).data ?? refused)).toContain('holdMinutes');
    expect(codeOf(await receptionist.waitlist.setHoldSetting({ holdMinutes: 5 }).catch((e: unknown) => e))).toBe('FORBIDDEN');
    expect(await receptionist.waitlist.holdSetting()).toEqual({ holdMinutes: 20 });
    const { rows } = await db.sql.query<{ desk: string }>(`SELECT desk FROM event WHERE type = 'waitlist.settings_changed' AND tenant_id = $1`, [demo.tenantId]);
    expect(rows.map((r) => r.desk)).toEqual(['desk C']);
  });

  it('the page behind the link, served with the link page\'s CSP: "Take Monday 12:00 with Dr Daniel Kim?", Accept and Decline; a changed byte is a plain "does not work"', async () => {
    await holdMinutes(10);
    const day = monday(6);
    const booked = await bookCleaning(day, '12:00');
    const entry = await addEntry({ fromDate: day, toDate: day });
    await cancelAndMatch(booked);
    const token = await tokenFor(entry.patient.id);
    const web = await createServer({ deps: db.deps }).start(0);
    try {
      const link = `${web.url}/w/${token}`;
      const page = await fetch(link);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("form-action 'self'");
      const html = await page.text();
      expect(html).toContain('Take Monday 12:00 with Dr Daniel Kim?');
      expect(html).toContain('data-testid="offer-accept"');
      const declined = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'answer=decline' });
      expect(declined.status).toBe(200);
      expect(await declined.text()).toContain('the time is offered to someone else');
      const after = await (await fetch(link)).text();
      expect(after).toContain('This time is no longer held for you');
      expect((await fetch(`${web.url}/w/${token.slice(0, -3)}abc`)).status).toBe(404);
      // The same token is no messages link: one purpose each.
      expect((await fetch(`${web.url}/m/${token}`)).status).toBe(404);
    } finally {
      await web.stop();
    }
  });

  it('a hold that cannot be placed (the best patient is busy then) leaves the offers as before: every fitting entry, nothing held', async () => {
    await holdMinutes(10);
    const day = monday(7);
    const booked = await bookCleaning(day, '16:00');
    const busy = await addEntry({ fromDate: day, toDate: day, priority: 2 });
    const other = await addEntry({ fromDate: day, toDate: day });
    await callCentre.booking.book({ branchId: demo.branches.east, serviceId: demo.services.cleaning, startsAt: at(day, '16:00'), resourceIds: [demo.resources.drNair!], patientId: busy.patient.id });
    await cancelAndMatch(booked);
    for (const e of [busy, other]) expect((await offerOf(e.id)).map((o) => o.hold_appointment_id)).toEqual([null]);
    const { rows } = await db.sql.query(`SELECT 1 FROM appointment WHERE starts_at = $1 AND status = 'HELD'`, [at(day, '16:00')]);
    expect(rows).toEqual([]);
  });

  it('with the setting off, the time is offered as before: to every fitting entry, nothing held', async () => {
    await holdMinutes(0);
    const day = monday(5);
    const booked = await bookCleaning(day, '14:00');
    const a = await addEntry({ fromDate: day, toDate: day, priority: 2 });
    const b = await addEntry({ fromDate: day, toDate: day });
    await cancelAndMatch(booked);
    for (const e of [a, b]) expect((await offerOf(e.id)).map((o) => o.hold_appointment_id)).toEqual([null]);
    const { rows } = await db.sql.query(`SELECT 1 FROM appointment WHERE starts_at = $1 AND status = 'HELD'`, [at(day, '14:00')]);
    expect(rows).toEqual([]);
    const { rows: msg } = await db.sql.query<{ link: string }>(`SELECT vars ->> 'link' AS link FROM message WHERE kind = 'waitlist_offer' AND patient_id = $1`, [a.patient.id]);
    expect(msg.map((m) => m.link)).toEqual(['reply or call us to take it']);
  });
});
