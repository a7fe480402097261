import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError, domainErrorOf, localMinuteToInstant, type WaitlistAddInput } from '@frontdesk/shared';
import { createDeps, type Deps } from '../deps.js';
import { createLogger } from '../logger.js';
import { seedDemo, type DemoClinic } from '../seed/demo.js';
import { callerFor, type Caller } from '../testing/callers.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { domainOf } from '../testing/errors.js';
import { monday } from '../testing/dates.js';

const NY = 'America/New_York';

let db: TestDatabase;
let demo: DemoClinic;
let callCentre: Caller;
let receptionist: Caller;
let manager: Caller;
let patientCursor = 0;

const at = (date: string, hhmm: string) => new Date(localMinuteToInstant(date, Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5)), NY)).toISOString();
const nextPatient = () => demo.patients[patientCursor++]!;

function codeOf(error: unknown): string | undefined {
  const cause = (error as { cause?: unknown }).cause;
  const code = domainErrorOf(error)?.code ?? (cause instanceof DomainError ? cause.code : (error as { code?: string }).code);
  return code === 'BAD_REQUEST' ? 'BAD_INPUT' : code;
}

async function bookCleaning(date: string, hhmm: string, resourceId = demo.resources.drKim!) {
  return callCentre.booking.book({ branchId: demo.branches.east, serviceId: demo.services.cleaning, startsAt: at(date, hhmm), resourceIds: [resourceId], patientId: nextPatient() });
}

async function addEntry(over: Partial<WaitlistAddInput> & { fromDate: string; toDate: string }) {
  return callCentre.waitlist.add({ patientId: nextPatient(), serviceId: demo.services.cleaning, ...over });
}

async function offersFor(entryIds: string[]) {
  const { rows } = await db.sql.query<{ entry_id: string; starts_at: Date; resource_ids: string[] }>(
    `SELECT entry_id::text, starts_at, resource_ids::text[] AS resource_ids FROM waitlist_offer WHERE entry_id = ANY($1::uuid[]) ORDER BY created_at, entry_id`,
    [entryIds],
  );
  return rows;
}

beforeAll(async () => {
  db = await createTestDatabase();
  demo = await seedDemo(db.owner, { emailDomain: 'waitlist.test', patients: 90 });
  await seedDemo(db.owner, { tenantName: 'Other Clinic', emailDomain: 'waitlist-other.test', patients: 2 });
  callCentre = await callerFor(db.deps, demo.staff.callCentre.email, demo.password, 'desk A');
  receptionist = await callerFor(db.deps, demo.staff.receptionist.email, demo.password, 'desk B');
  manager = await callerFor(db.deps, demo.staff.manager.email, demo.password, 'desk C');
});
afterAll(() => db.drop());

describe('matching freed time against the waitlist', () => {
  it('a cancelled cleaning with Dr Kim is offered to the entries that fit, urgent first, then the longest wait; the others are left alone', async () => {
    const day = monday(0);
    const booked = await bookCleaning(day, '14:00');
    const routineKim = await addEntry({ practitionerIds: [demo.resources.drKim!], fromDate: day, toDate: day, timesOfDay: ['afternoon'] });
    const urgentAny = await addEntry({ fromDate: day, toDate: monday(1), priority: 2 });
    const morningOnly = await addEntry({ fromDate: day, toDate: day, timesOfDay: ['morning'] });
    const drNairOnly = await addEntry({ practitionerIds: [demo.resources.drNair!], fromDate: day, toDate: day });
    const nextWeek = await addEntry({ fromDate: monday(1), toDate: monday(1) });
    const otherService = await addEntry({ serviceId: demo.services.derm, fromDate: day, toDate: day });
    const westOnly = await addEntry({ branchIds: [demo.branches.west], fromDate: day, toDate: day });

    await callCentre.booking.cancel({ appointmentId: booked.id, version: booked.version, reason: 'Patient is travelling' });
    const run = await db.deps.waitlistMatcher.runOnce();
    expect(run.freed).toBeGreaterThanOrEqual(1);

    const offers = await offersFor([routineKim.id, urgentAny.id, morningOnly.id, drNairOnly.id, nextWeek.id, otherService.id, westOnly.id]);
    expect(offers.map((o) => o.entry_id).sort()).toEqual([routineKim.id, urgentAny.id].sort());
    for (const o of offers) {
      expect(o.starts_at.toISOString()).toBe(at(day, '14:00'));
      expect(o.resource_ids[0]).toBe(demo.resources.drKim);
    }
    // Every desk is told, best first, with the sentence's parts.
    const { rows: events } = await db.sql.query<{ payload: { offers: { entryId: string; patient: { name: string }; practitionerName: string; serviceName: string }[] } }>(
      `SELECT payload FROM event WHERE tenant_id = $1 AND type = 'waitlist.offer' ORDER BY seq`,
      [demo.tenantId],
    );
    const last = events.at(-1)!.payload.offers;
    expect(last.map((o) => o.entryId)).toEqual([urgentAny.id, routineKim.id]);
    expect(last[0]!.practitionerName).toBe('Dr Daniel Kim');
    expect(last[0]!.serviceName).toBe('Dental cleaning');
    const listed = await receptionist.waitlist.list({});
    // The east desk does not list an entry for the west branch only; the call centre (every branch) does.
    expect(listed.some((e) => e.id === westOnly.id)).toBe(false);
    expect((await callCentre.waitlist.list({})).some((e) => e.id === westOnly.id)).toBe(true);
    expect(codeOf(await receptionist.waitlist.remove({ entryId: westOnly.id }).catch((e: unknown) => e))).toBe('NOT_FOUND');
    expect(listed.find((e) => e.id === urgentAny.id)?.status).toBe('OFFERED');
    expect(listed.find((e) => e.id === morningOnly.id)?.status).toBe('WAITING');
    expect((await receptionist.waitlist.offers()).map((o) => o.entryId)).toEqual(expect.arrayContaining([urgentAny.id, routineKim.id]));

    // The freed time was matched once: a second run finds nothing queued and makes no offer.
    const again = await db.deps.waitlistMatcher.runOnce();
    expect(again.offers).toBe(0);
    expect((await db.sql.query(`SELECT 1 FROM waitlist_freed WHERE tenant_id = $1`, [demo.tenantId])).rowCount).toBe(0);
  });

  it('a moved appointment frees its old time, and an expired hold frees its own', async () => {
    const day = monday(2);
    const booked = await bookCleaning(day, '11:00');
    const entry = await addEntry({ practitionerIds: [demo.resources.drKim!], fromDate: day, toDate: day, timesOfDay: ['morning'] });
    await callCentre.booking.move({ appointmentId: booked.id, version: booked.version, startsAt: at(day, '16:00') });
    await db.deps.waitlistMatcher.runOnce();
    expect((await offersFor([entry.id])).map((o) => o.starts_at.toISOString())).toEqual([at(day, '11:00')]);

    const held = await receptionist.booking.hold({ branchId: demo.branches.east, serviceId: demo.services.cleaning, startsAt: at(day, '17:00'), resourceIds: [demo.resources.drKim!], holdMinutes: 1 });
    const evening = await addEntry({ practitionerIds: [demo.resources.drKim!], fromDate: day, toDate: day, timesOfDay: ['evening'] });
    await db.sql.query(`UPDATE appointment SET hold_expires_at = now() - interval '1 second' WHERE id = $1`, [held.id]);
    expect(await db.deps.holdExpiry.expireDue()).toBeGreaterThanOrEqual(1);
    await db.deps.waitlistMatcher.runOnce();
    expect((await offersFor([evening.id])).map((o) => o.starts_at.toISOString())).toEqual([at(day, '17:00')]);
  });

  it('new working hours are offered to the entries waiting for that practitioner', async () => {
    // Dr Kim does not work Saturdays; an urgent entry for a Saturday waits until he does (the entries ranked above it hold offers already).
    const saturday = DateTime.fromISO(monday(3)).plus({ days: 5 }).toISODate()!;
    const entry = await addEntry({ practitionerIds: [demo.resources.drKim!], fromDate: saturday, toDate: saturday, priority: 2 });
    await db.deps.waitlistMatcher.runOnce();
    expect(await offersFor([entry.id])).toEqual([]);
    const weekdays = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, startMinute: 600, endMinute: 1140 }));
    await manager.schedule.setHours({ resourceId: demo.resources.drKim!, branchId: demo.branches.east, hours: [...weekdays, { weekday: 6, startMinute: 600, endMinute: 720 }] });
    await db.deps.waitlistMatcher.runOnce();
    expect((await offersFor([entry.id])).map((o) => o.starts_at.toISOString())).toEqual([at(saturday, '10:00')]);
  });
});

describe('the waitlist list', () => {
  it('entries expire after their date range; their offers close; every desk is told', async () => {
    const day = monday(4);
    const entry = await addEntry({ fromDate: day, toDate: day });
    await db.sql.query(`UPDATE waitlist_entry SET expires_at = now() - interval '1 second' WHERE id = $1`, [entry.id]);
    const run = await db.deps.waitlistMatcher.runOnce();
    expect(run.expired).toBe(1);
    const { rows } = await db.sql.query<{ status: string }>(`SELECT status::text FROM waitlist_entry WHERE id = $1`, [entry.id]);
    expect(rows[0]!.status).toBe('EXPIRED');
    const { rows: events } = await db.sql.query<{ payload: { entryIds: string[] } }>(`SELECT payload FROM event WHERE type = 'waitlist.expired' ORDER BY seq DESC LIMIT 1`);
    expect(events[0]!.payload.entryIds).toEqual([entry.id]);
    expect((await callCentre.waitlist.list({})).some((e) => e.id === entry.id)).toBe(false);
    expect((await callCentre.waitlist.list({ includeClosed: true })).find((e) => e.id === entry.id)?.status).toBe('EXPIRED');
  });

  it('bad input is refused naming the field, and changes nothing', async () => {
    const count = async () => Number((await db.sql.query<{ n: string }>(`SELECT count(*) AS n FROM waitlist_entry`)).rows[0]!.n);
    const before = await count();
    const refusals = await Promise.all([
      addEntry({ fromDate: monday(1), toDate: monday(0) }).catch((e: unknown) => e),
      addEntry({ fromDate: '2020-01-01', toDate: '2020-01-02' }).catch((e: unknown) => e),
      callCentre.waitlist.add({ patientId: demo.resources.drKim!, serviceId: demo.services.cleaning, fromDate: monday(0), toDate: monday(0) }).catch((e: unknown) => e),
      addEntry({ practitionerIds: [demo.resources.eastChairA!], fromDate: monday(0), toDate: monday(0) }).catch((e: unknown) => e),
    ]);
    expect(refusals.map(codeOf)).toEqual(['BAD_INPUT', 'BAD_INPUT', 'BAD_INPUT', 'BAD_INPUT']);
    expect(domainOf(refusals[1])?.details).toMatchObject({ field: 'toDate' });
    expect(domainOf(refusals[2])?.details).toMatchObject({ field: 'patientId' });
    expect(domainOf(refusals[3])?.details).toMatchObject({ field: 'practitionerIds' });
    expect(await count()).toBe(before);
  });

  it('a removed entry leaves the list and is never offered', async () => {
    const day = monday(5);
    const booked = await bookCleaning(day, '15:00');
    const entry = await addEntry({ fromDate: day, toDate: day });
    await receptionist.waitlist.remove({ entryId: entry.id });
    await callCentre.booking.cancel({ appointmentId: booked.id, version: booked.version, reason: 'Unwell' });
    await db.deps.waitlistMatcher.runOnce();
    expect(await offersFor([entry.id])).toEqual([]);
    expect((await callCentre.waitlist.list({})).some((e) => e.id === entry.id)).toBe(false);
  });
});

describe('the patient is told', () => {
  it('the best-ranked patient gets the clinic\'s waitlist offer by message, queued with the offer, unless their entry asks for a call', async () => {
    const admin = await callerFor(db.deps, demo.staff.admin.email, demo.password, 'desk admin');
    const current = await admin.setup.messages.settings();
    await admin.setup.messages.save({ version: current.version, enabled: [...current.enabled, 'waitlist_offer'], reminderHours: current.reminderHours, templates: {}, locale: 'en-US', quietHours: null });
    const day = monday(8);
    const first = await bookCleaning(day, '15:00');
    const second = await bookCleaning(day, '17:00');
    const bySms = await addEntry({ practitionerIds: [demo.resources.drKim!], fromDate: day, toDate: day, contact: 'sms', priority: 2 });
    const byCall = await addEntry({ fromDate: day, toDate: day, contact: 'phone', priority: 2 });
    for (const e of [bySms, byCall]) await db.sql.query(`UPDATE patient SET consent_to_messages = true WHERE id = $1`, [e.patient.id]);
    const sent = async () =>
      (await db.sql.query<{ patient_id: string; channel: string }>(`SELECT patient_id::text, channel FROM message WHERE kind = 'waitlist_offer' AND patient_id = ANY($1::uuid[])`, [[bySms.patient.id, byCall.patient.id]])).rows;

    // The call-me entry waited longer: it is offered first, and the desk calls; no message goes out.
    await db.sql.query(`UPDATE waitlist_entry SET created_at = now() - interval '2 days' WHERE id = $1`, [byCall.id]);
    await callCentre.booking.cancel({ appointmentId: first.id, version: first.version, reason: 'Unwell' });
    await db.deps.waitlistMatcher.runOnce();
    expect((await offersFor([byCall.id, bySms.id])).length).toBe(2);
    expect(await sent()).toEqual([]);

    // With it off the list, the text-me entry is first for the next freed time: its message is queued.
    await receptionist.waitlist.remove({ entryId: byCall.id });
    await callCentre.booking.cancel({ appointmentId: second.id, version: second.version, reason: 'Unwell' });
    await db.deps.waitlistMatcher.runOnce();
    expect(await sent()).toEqual([{ patient_id: bySms.patient.id, channel: 'sms' }]);
  });
});

describe('booking an offer', () => {
  it('two desks book the same offer while a third books the freed time for someone else: exactly one appointment holds it', async () => {
    const day = monday(6);
    const booked = await bookCleaning(day, '13:00');
    const entry = await addEntry({ practitionerIds: [demo.resources.drKim!], fromDate: day, toDate: day });
    await callCentre.booking.cancel({ appointmentId: booked.id, version: booked.version, reason: 'Moved away' });
    await db.deps.waitlistMatcher.runOnce();
    const offer = (await callCentre.waitlist.offers()).find((o) => o.entryId === entry.id)!;
    expect(offer.startsAt).toBe(at(day, '13:00'));

    const walkIn = nextPatient();
    const results = await Promise.allSettled([
      callCentre.waitlist.bookOffer({ offerId: offer.id }),
      receptionist.waitlist.bookOffer({ offerId: offer.id }),
      manager.booking.book({ branchId: demo.branches.east, serviceId: demo.services.cleaning, startsAt: at(day, '13:00'), resourceIds: [demo.resources.drKim!], patientId: walkIn }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(['SLOT_TAKEN', 'INVALID_STATE']).toContain(codeOf(r.reason));

    const { rows } = await db.sql.query<{ patient_id: string }>(
      `SELECT a.patient_id::text FROM appointment a JOIN appointment_resource ar ON ar.appointment_id = a.id
        WHERE ar.resource_id = $1 AND a.status IN ('HELD', 'BOOKED') AND tstzrange(a.starts_at, a.ends_at) && tstzrange($2::timestamptz, $2::timestamptz + interval '45 minutes')`,
      [demo.resources.drKim, at(day, '13:00')],
    );
    expect(rows).toHaveLength(1);
    const { rows: entryRows } = await db.sql.query<{ status: string }>(`SELECT status::text FROM waitlist_entry WHERE id = $1`, [entry.id]);
    const { rows: offerRows } = await db.sql.query<{ status: string }>(`SELECT status::text FROM waitlist_offer WHERE id = $1`, [offer.id]);
    if (rows[0]!.patient_id === offer.patient.id) {
      expect(entryRows[0]!.status).toBe('BOOKED');
      expect(offerRows[0]!.status).toBe('BOOKED');
    } else {
      // The walk-in won: the offer closed on every desk, the entry waits on.
      expect(rows[0]!.patient_id).toBe(walkIn);
      expect(entryRows[0]!.status).toBe('OFFERED');
      expect(offerRows[0]!.status).toBe('CLOSED');
    }
    expect((await callCentre.waitlist.offers()).some((o) => o.id === offer.id)).toBe(false);
  });
});

describe('several server processes', () => {
  it('two matchers on two pools draining the same freed times at once: each freed time is matched exactly once', async () => {
    const day = monday(7);
    const second: Deps = createDeps({ urls: db.deps.urls, logger: createLogger('silent'), poolSize: 6 });
    try {
      const entries = [];
      for (let i = 0; i < 3; i++) entries.push(await addEntry({ fromDate: day, toDate: DateTime.fromISO(day).plus({ days: 4 }).toISODate()! }));
      // Thirty cancellations across the week, queued before either matcher runs.
      const times = ['10:00', '11:00', '12:00', '13:00', '14:00', '15:00'];
      let queued = 0;
      for (let d = 0; d < 5; d++) {
        const date = DateTime.fromISO(day).plus({ days: d }).toISODate()!;
        for (const t of times) {
          const a = await bookCleaning(date, t);
          await callCentre.booking.cancel({ appointmentId: a.id, version: a.version, reason: 'Cancelled by phone' });
          queued++;
        }
      }
      expect(Number((await db.sql.query<{ n: string }>(`SELECT count(*) AS n FROM waitlist_freed`)).rows[0]!.n)).toBe(queued);
      const [a, b] = await Promise.all([db.deps.waitlistMatcher.runOnce(), second.waitlistMatcher.runOnce()]);
      expect(a.freed + b.freed).toBe(queued);
      expect(Number((await db.sql.query<{ n: string }>(`SELECT count(*) AS n FROM waitlist_freed`)).rows[0]!.n)).toBe(0);
      // Each entry offered each freed time once at most, with one event per offer batch.
      const { rows } = await db.sql.query<{ n: string; distinct_slots: string }>(
        `SELECT count(*) AS n, count(DISTINCT (entry_id, starts_at)) AS distinct_slots FROM waitlist_offer WHERE entry_id = ANY($1::uuid[])`,
        [entries.map((e) => e.id)],
      );
      expect(rows[0]!.n).toBe(rows[0]!.distinct_slots);
      expect(Number(rows[0]!.n)).toBe(queued * entries.length);
      const { rows: offered } = await db.sql.query<{ n: string }>(
        `SELECT count(*) AS n FROM event e, jsonb_array_elements(e.payload -> 'offers') o WHERE e.type = 'waitlist.offer' AND o ->> 'entryId' = ANY($1::text[])`,
        [entries.map((e) => e.id)],
      );
      expect(Number(offered[0]!.n)).toBe(queued * entries.length);
    } finally {
      await second.db.$disconnect();
    }
  });
});
