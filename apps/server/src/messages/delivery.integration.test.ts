// Delivery for real: three server processes' job workers (three pg-boss instances on three pools) against
// a real SMTP server in-process. Every message arrives exactly once, with its calendar entry; a 4xx is tried
// again with back-off, a refused address bounces; the patient's link confirms or cancels, once.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import ICAL from 'ical.js';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppointmentView } from '@frontdesk/shared';
import { createServer } from '../app.js';
import { createDeps, type Deps } from '../deps.js';
import { startMessageJobs } from '../jobs/message-jobs.js';
import { createLogger } from '../logger.js';
import { callerFor, type Caller } from '../testing/callers.js';
import { demoDatabase } from '../testing/file-database.js';
import { at, upcoming } from '../testing/race.js';

const NY = 'America/New_York';
const setup = demoDatabase({ emailDomain: 'messages-delivery.test', patients: 40 });
const received: ParsedMail[] = [];
/** Recipients whose first delivery gets a 451 (try later), and those always refused with 550. */
const busyOnce = new Set<string>(['busy@example.test']);
let smtp: SMTPServer;
let processes: Deps[] = [];
let workers: { stop(): Promise<void> }[] = [];
let web: Awaited<ReturnType<ReturnType<typeof createServer>['start']>>;
let desk: Caller;

const rows = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await setup.db.sql.query(sql, params)).rows as T[];
const patient = (i: number) => setup.demo.patients[i]!;

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`never happened: ${what}`);
}

/** Makes an appointment's queued messages due now (their times are days ahead). */
async function dueNow(appointmentId: string): Promise<void> {
  await rows("UPDATE pgboss.job SET start_after = now() WHERE id IN (SELECT id FROM message WHERE appointment_id = $1 AND state = 'queued')", [appointmentId]);
}

const settled = (appointmentId: string, count: number) =>
  until(`${count} messages of ${appointmentId} settled`, async () => {
    const r = await rows<{ id: string; kind: string; state: string; attempts: number; last_error: string | null; version: number }>(
      "SELECT id::text, kind, state, attempts, last_error, version FROM message WHERE appointment_id = $1 AND state NOT IN ('queued', 'sending', 'cancelled') ORDER BY version, kind",
      [appointmentId],
    );
    return r.length >= count ? r : null;
  });

const mailsFor = (id: string) => received.filter((m) => m.messageId === `<${id}@frontdesk>`);

function calendarOf(mail: ParsedMail) {
  const attachment = mail.attachments.find((a) => a.filename === 'appointment.ics');
  if (!attachment) throw new Error('no calendar attached');
  const calendar = new ICAL.Component(ICAL.parse(attachment.content.toString('utf8')));
  const zone = calendar.getFirstSubcomponent('vtimezone');
  if (zone) ICAL.TimezoneService.register(new ICAL.Timezone(zone));
  const event = new ICAL.Event(calendar.getFirstSubcomponent('vevent')!);
  const dtstart = calendar.getFirstSubcomponent('vevent')!.getFirstProperty('dtstart')!;
  return { method: calendar.getFirstPropertyValue('method'), uid: event.uid, sequence: event.sequence, tzid: dtstart.getParameter('tzid'), start: event.startDate.toJSDate().toISOString(), contentType: attachment.contentType };
}

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('bounce@')) return callback(Object.assign(new Error('No such mailbox'), { responseCode: 550 }));
      if (busyOnce.delete(address.address)) return callback(Object.assign(new Error('Mailbox busy, try later'), { responseCode: 451 }));
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  smtp.listen(0, '127.0.0.1');
  await once(smtp.server, 'listening');
  const port = (smtp.server.address() as AddressInfo).port;
  web = await createServer({ deps: setup.db.deps }).start(0);
  const logger = createLogger(process.env.LOG_LEVEL ?? 'silent');
  processes = [0, 1, 2].map(() =>
    createDeps({ urls: setup.db.deps.urls, logger, poolSize: 4, messaging: { smtpUrl: `smtp://127.0.0.1:${port}`, from: 'Harbour Health <clinic@example.test>', publicUrl: web.url } }),
  );
  workers = processes.map((deps) => startMessageJobs(deps, { pollingIntervalSeconds: 0.5, batchSize: 5, workers: 2 }));
  desk = await callerFor(setup.db.deps, setup.demo.staff.receptionist.email, setup.demo.password, 'front desk');
  const admin = await callerFor(setup.db.deps, setup.demo.staff.admin.email, setup.demo.password, 'admin');
  await admin.setup.messages.save({ version: 0, enabled: ['confirmation', 'change', 'cancellation', 'reminder'], reminderHours: [48, 2], templates: {}, locale: 'en-US', quietHours: null });
  for (let i = 1; i <= 30; i++) await rows('UPDATE patient SET email = $2, consent_to_messages = true, preferred_contact = $3 WHERE id = $1', [patient(i), `patient${i}@example.test`, 'email']);
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await Promise.all(processes.map((d) => d.db.$disconnect()));
  await web?.stop();
  smtp?.close();
});

function book(date: string, hhmm: string, p: number, doctor = 'drCarter'): Promise<AppointmentView> {
  return desk.booking.book({ branchId: setup.demo.branches.east, serviceId: setup.demo.services.gp, resourceIds: [setup.demo.resources[doctor]!], startsAt: at(date, hhmm, NY), patientId: patient(p) });
}

describe('delivery with three server processes', () => {
  it('every message of twenty bookings arrives exactly once, whichever process took its job', async () => {
    const day = upcoming(1, NY, 2);
    const booked: AppointmentView[] = [];
    for (let i = 0; i < 10; i++) booked.push(await book(day, `${String(9 + Math.floor(i / 4)).padStart(2, '0')}:${String((i % 4) * 15).padStart(2, '0')}`, i + 1, 'drCarter'));
    for (let i = 0; i < 10; i++) booked.push(await book(upcoming(3, NY, 2), `${String(9 + Math.floor(i / 4)).padStart(2, '0')}:${String((i % 4) * 15).padStart(2, '0')}`, i + 11, 'drCarter'));
    for (const b of booked) await dueNow(b.id);
    for (const b of booked) {
      const done = await settled(b.id, 3);
      expect(done.map((m) => [m.kind, m.state, m.attempts])).toEqual([
        ['confirmation', 'sent', 1],
        ['reminder_2h', 'sent', 1],
        ['reminder_48h', 'sent', 1],
      ]);
      for (const m of done) expect(mailsFor(m.id)).toHaveLength(1);
    }
    const ids = received.map((m) => m.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    // Every message was claimed by one worker: one "sent" event each.
    const events = await rows<{ n: number }>("SELECT count(*)::int AS n FROM event WHERE type = 'message.state_changed' AND payload->'message'->>'state' = 'sent'");
    expect(events[0]!.n).toBe(60);
  });

  it('the calendar entry: local time with its zone, METHOD:REQUEST, the appointment’s UID; a move raises SEQUENCE, a cancel sends METHOD:CANCEL', async () => {
    const booked = await book(upcoming(5, NY, 2), '10:30', 21);
    await dueNow(booked.id);
    const [confirmation] = await settled(booked.id, 3);
    const first = calendarOf(mailsFor(confirmation!.id)[0]!);
    expect(first).toMatchObject({ method: 'REQUEST', uid: `${booked.id}@frontdesk`, sequence: booked.version, tzid: NY, start: new Date(booked.startsAt).toISOString() });
    expect(first.contentType).toMatch(/^text\/calendar/);
    const mail = mailsFor(confirmation!.id)[0]!;
    expect(mail.subject).toContain('Harbour Health Clinics');
    expect(mail.text).toContain('10:30 AM');

    const moved = await desk.booking.move({ appointmentId: booked.id, version: booked.version, startsAt: at(upcoming(5, NY, 2), '15:00', NY) });
    await dueNow(booked.id);
    const change = (await settled(booked.id, 6)).find((m) => m.kind === 'change')!;
    const second = calendarOf(mailsFor(change.id)[0]!);
    expect(second).toMatchObject({ method: 'REQUEST', uid: first.uid, tzid: NY, start: new Date(moved.startsAt).toISOString() });
    expect(second.sequence).toBeGreaterThan(first.sequence);

    const cancelled = await desk.booking.cancel({ appointmentId: booked.id, version: moved.version, reason: 'Patient called' });
    await dueNow(booked.id);
    const cancellation = (await settled(booked.id, 7)).find((m) => m.kind === 'cancellation')!;
    const third = calendarOf(mailsFor(cancellation.id)[0]!);
    expect(third).toMatchObject({ method: 'CANCEL', uid: first.uid, sequence: cancelled.version });
  });

  it('a 451 puts the message back in the queue with its error and it goes on a later try (with back-off); a 550 recipient bounces', async () => {
    await rows("UPDATE patient SET email = 'busy@example.test' WHERE id = $1", [patient(22)]);
    await rows("UPDATE patient SET email = 'bounce@example.test' WHERE id = $1", [patient(23)]);
    const busy = await book(upcoming(4, NY, 3), '09:00', 22);
    const bounce = await book(upcoming(4, NY, 3), '10:00', 23);
    await rows("UPDATE message SET state = 'cancelled' WHERE appointment_id = ANY($1) AND kind <> 'confirmation'", [[busy.id, bounce.id]]);
    await dueNow(busy.id);
    await dueNow(bounce.id);
    const retried = await until('the busy one failed once', async () => (await rows<{ attempts: number; last_error: string | null; state: string; id: string }>("SELECT id::text, attempts, last_error, state FROM message WHERE appointment_id = $1 AND kind = 'confirmation'", [busy.id]))[0]?.attempts === 1 && (await rows<{ state: string; last_error: string | null; id: string }>("SELECT id::text, state, last_error FROM message WHERE appointment_id = $1 AND kind = 'confirmation' AND state = 'queued' AND last_error IS NOT NULL", [busy.id]))[0]);
    expect(retried.last_error).toContain('try later');
    // The message row is settled first; pg-boss marks the job for a retry when the handler's failure reaches it.
    const job = await until('the job put back for a retry', async () => (await rows<{ state: string; retry_backoff: boolean; retry_delay: number; later: boolean }>('SELECT state, retry_backoff, retry_delay, start_after > now() AS later FROM pgboss.job WHERE id = $1', [retried.id])).find((j) => j.state !== 'active'));
    expect(job).toMatchObject({ state: 'retry', retry_backoff: true, retry_delay: 30, later: true });
    // The back-off would wait half a minute or more; the test does not.
    await rows('UPDATE pgboss.job SET start_after = now() WHERE id = $1', [retried.id]);
    const [sent] = await settled(busy.id, 1);
    expect(sent).toMatchObject({ state: 'sent', attempts: 2 });
    expect(mailsFor(sent!.id)).toHaveLength(1);
    const [bounced] = await settled(bounce.id, 1);
    expect(bounced).toMatchObject({ state: 'bounced', attempts: 1 });
    expect(mailsFor(bounced!.id)).toHaveLength(0);
  });
});

describe('what is no longer due', () => {
  it('a booking given to another patient by an edit does not send the first patient its queued reminders', async () => {
    const booked = await book(upcoming(3, NY, 4), '09:00', 26);
    await desk.booking.edit({ appointmentId: booked.id, version: booked.version, patientId: patient(27) });
    await dueNow(booked.id);
    const done = await until('the first patient’s reminders settled', async () => {
      const r = await rows<{ id: string; state: string }>(
        "SELECT id::text, state FROM message WHERE appointment_id = $1 AND patient_id = $2 AND kind LIKE 'reminder%' AND state NOT IN ('queued', 'sending')",
        [booked.id, patient(26)],
      );
      return r.length === 2 ? r : null;
    });
    expect(done.map((m) => m.state)).toEqual(['skipped', 'skipped']);
    for (const m of done) expect(mailsFor(m.id)).toEqual([]);
  });
});

describe('a process that stopped mid-send', () => {
  it('its message is settled as failed (outcome unknown) when the job comes back, never sent twice', async () => {
    const booked = await book(upcoming(4, NY, 4), '09:00', 28);
    // As a process leaves it that took the reminder and stopped before recording the outcome (a reminder: not due yet, so no worker races this).
    const [m] = await rows<{ id: string }>("UPDATE message SET state = 'sending', attempts = 1, updated_at = now() - interval '6 minutes' WHERE appointment_id = $1 AND kind = 'reminder_48h' RETURNING id::text", [booked.id]);
    await rows("UPDATE pgboss.job SET start_after = now() WHERE id = $1", [m!.id]);
    const [failed] = await until('the abandoned message settled', async () => {
      const r = await rows<{ state: string; last_error: string | null }>("SELECT state, last_error FROM message WHERE id = $1 AND state <> 'sending'", [m!.id]);
      return r.length ? r : null;
    });
    expect(failed).toMatchObject({ state: 'failed' });
    expect(failed!.last_error).toContain('unknown');
    expect(mailsFor(m!.id)).toEqual([]);
  });
});

describe('the patient’s link', () => {
  const linkIn = (mail: ParsedMail) => /http:\/\/\S+\/m\/\S+/.exec(mail.text ?? '')?.[0] ?? '';

  it('confirms once: the page shows the visit, the answer is kept and an event tells the desks; the same link again is refused', async () => {
    const booked = await book(upcoming(2, NY, 4), '11:00', 24);
    await dueNow(booked.id);
    const [confirmation] = await settled(booked.id, 3);
    const link = linkIn(mailsFor(confirmation!.id)[0]!);
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("form-action 'self'");
    expect(await page.text()).toContain('11:00 AM');
    const answer = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'answer=confirmed' });
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain('You have confirmed this appointment');
    expect((await rows("SELECT answer FROM message WHERE id = $1", [confirmation!.id]))[0]).toEqual({ answer: 'confirmed' });
    expect(await rows("SELECT desk, payload->>'answer' AS answer FROM event WHERE type = 'message.patient_answered' AND aggregate_id = $1", [booked.id])).toEqual([{ desk: 'patient link', answer: 'confirmed' }]);
    expect((await desk.setup.messages.ofAppointment({ appointmentId: booked.id })).confirmedByPatientAt).not.toBeNull();
    const again = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'answer=cancelled' });
    expect(again.status).toBe(409);
    expect((await rows('SELECT status::text FROM appointment WHERE id = $1', [booked.id]))[0]).toEqual({ status: 'BOOKED' });
  });

  it('cancels through the desk’s own cancel command (its event frees the time); a tampered link shows nothing', async () => {
    const booked = await book(upcoming(2, NY, 4), '14:00', 25);
    await dueNow(booked.id);
    const [confirmation] = await settled(booked.id, 3);
    const link = linkIn(mailsFor(confirmation!.id)[0]!);
    const tampered = link.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await fetch(tampered)).status).toBe(404);
    const answer = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'answer=cancelled' });
    expect(answer.status).toBe(200);
    expect((await rows('SELECT status::text, cancel_reason_code FROM appointment WHERE id = $1', [booked.id]))[0]).toEqual({ status: 'CANCELLED', cancel_reason_code: 'PATIENT_REQUEST' });
    expect(await rows("SELECT desk, actor_id FROM event WHERE type = 'appointment.cancelled' AND aggregate_id = $1", [booked.id])).toEqual([{ desk: 'patient link', actor_id: null }]);
    // The reminders will not go; a cancellation is on its way.
    const states = await rows<{ kind: string; state: string }>("SELECT kind, state FROM message WHERE appointment_id = $1 AND kind LIKE 'reminder%' AND state = 'queued'", [booked.id]);
    expect(states).toEqual([]);
  });
});
