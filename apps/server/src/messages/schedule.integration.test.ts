// Messages follow the appointment in its own transaction: booked → confirmation and reminders, moved →
// the old ones dropped and new ones made, cancelled → dropped and a cancellation; a rolled-back change leaves nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import type { AppointmentView } from '@frontdesk/shared';
import { inTransaction } from '../db/tx.js';
import { appendEvents } from '../sync/append.js';
import { callerFor, type Caller } from '../testing/callers.js';
import { demoDatabase } from '../testing/file-database.js';
import { at, upcoming } from '../testing/race.js';
import { messages } from './index.js';

const NY = 'America/New_York';
const setup = demoDatabase({ emailDomain: 'messages-schedule.test', patients: 40 });
let desk: Caller;
let admin: Caller;

const rows = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await setup.db.sql.query(sql, params)).rows as T[];
const patient = (i: number) => setup.demo.patients[i]!;
const messagesOf = (id: string) =>
  rows<{ id: string; kind: string; version: number; state: string; channel: string; recipient: string; send_at: Date; job_id: string }>(
    'SELECT id::text, kind, version, state, channel, recipient, send_at, job_id::text FROM message WHERE appointment_id = $1 ORDER BY version, kind',
    [id],
  );
const jobOf = async (id: string) => (await rows<{ start_after: Date; data: { tenantId: string; messageId: string } }>("SELECT start_after, data FROM pgboss.job WHERE name = 'messages' AND id = $1", [id]))[0];

async function consent(i: number, contact: { email?: string; preferred?: string; consent?: boolean }) {
  await rows('UPDATE patient SET email = $2, preferred_contact = $3, consent_to_messages = $4 WHERE id = $1', [patient(i), contact.email ?? null, contact.preferred ?? 'email', contact.consent ?? true]);
}

function gp(date: string, hhmm: string, p: number, doctor = 'drCarter') {
  return desk.booking.book({ branchId: setup.demo.branches.east, serviceId: setup.demo.services.gp, resourceIds: [setup.demo.resources[doctor]!], startsAt: at(date, hhmm, NY), patientId: patient(p) });
}

beforeAll(async () => {
  desk = await callerFor(setup.db.deps, setup.demo.staff.receptionist.email, setup.demo.password, 'front desk');
  admin = await callerFor(setup.db.deps, setup.demo.staff.admin.email, setup.demo.password, 'admin');
  const current = await admin.setup.messages.settings();
  await admin.setup.messages.save({ version: current.version, enabled: ['confirmation', 'change', 'cancellation', 'reminder'], reminderHours: [48, 2], templates: {}, locale: 'en-US', quietHours: null });
  for (const i of [1, 2, 3, 4, 5, 6]) await consent(i, { email: `patient${i}@example.test` });
});

describe('scheduling with the booking', () => {
  it('a booking queues its confirmation and a reminder 48 h and 2 h before, each with its job in the queue', async () => {
    const booked = await gp(upcoming(1, NY, 2), '10:00', 1);
    const made = await messagesOf(booked.id);
    expect(made.map((m) => m.kind).sort()).toEqual(['confirmation', 'reminder_2h', 'reminder_48h']);
    expect(made.every((m) => m.state === 'queued' && m.version === booked.version && m.channel === 'email' && m.recipient === 'patient1@example.test')).toBe(true);
    const start = Date.parse(booked.startsAt);
    const byKind = Object.fromEntries(made.map((m) => [m.kind, m]));
    expect(byKind.reminder_48h!.send_at.getTime()).toBe(start - 48 * 3_600_000);
    expect(byKind.reminder_2h!.send_at.getTime()).toBe(start - 2 * 3_600_000);
    for (const m of made) {
      const job = await jobOf(m.id);
      expect(job?.data).toEqual({ tenantId: setup.demo.tenantId, messageId: m.id });
      expect(job?.start_after.getTime()).toBe(m.send_at.getTime());
    }
  });

  it('a change rolled back leaves no message and no job; the same change committed leaves both', async () => {
    const booked = await gp(upcoming(2, NY, 2), '11:00', 2);
    const before = (await rows<{ n: number }>("SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'messages'"))[0]!.n;
    const event = { type: 'appointment.booked' as const, tenantId: setup.demo.tenantId, branchId: booked.branchId, aggregateId: booked.id, patientId: patient(2), payload: { appointment: { ...booked, version: booked.version + 10 } } };
    const failed = await inTransaction(setup.db.deps.db, { tenantId: setup.demo.tenantId }, async (tx) => {
      await appendEvents(tx, { actorId: null, desk: 'test' }, [event]);
      throw new Error('the booking failed after its event');
    }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(Error);
    expect((await messagesOf(booked.id)).filter((m) => m.version === booked.version + 10)).toEqual([]);
    expect((await rows<{ n: number }>("SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'messages'"))[0]!.n).toBe(before);
    await inTransaction(setup.db.deps.db, { tenantId: setup.demo.tenantId }, (tx) => appendEvents(tx, { actorId: null, desk: 'test' }, [event]));
    expect((await messagesOf(booked.id)).filter((m) => m.version === booked.version + 10)).toHaveLength(3);
    expect((await rows<{ n: number }>("SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'messages'"))[0]!.n).toBe(before + 3);
  });

  it('the same appointment, kind and version is queued once however often its event is appended', async () => {
    const booked = await gp(upcoming(3, NY, 2), '09:00', 3);
    const event = { type: 'appointment.booked' as const, tenantId: setup.demo.tenantId, branchId: booked.branchId, aggregateId: booked.id, patientId: patient(3), payload: { appointment: booked } };
    await inTransaction(setup.db.deps.db, { tenantId: setup.demo.tenantId }, (tx) => appendEvents(tx, { actorId: null, desk: 'test' }, [event, event]));
    expect(await messagesOf(booked.id)).toHaveLength(3);
    expect((await rows<{ n: number }>('SELECT count(*)::int AS n FROM pgboss.job WHERE id IN (SELECT id FROM message WHERE appointment_id = $1)', [booked.id]))[0]!.n).toBe(3);
  });

  it('a move drops the queued messages of the old time and queues a change message and new reminders', async () => {
    const booked = await gp(upcoming(1, NY, 3), '10:00', 4);
    const moved: AppointmentView = await desk.booking.move({ appointmentId: booked.id, version: booked.version, startsAt: at(upcoming(1, NY, 3), '14:00', NY) });
    const all = await messagesOf(booked.id);
    expect(all.filter((m) => m.version === booked.version).map((m) => m.state)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    const now = all.filter((m) => m.version === moved.version);
    expect(now.map((m) => [m.kind, m.state])).toEqual([
      ['change', 'queued'],
      ['reminder_2h', 'queued'],
      ['reminder_48h', 'queued'],
    ]);
    expect(now.find((m) => m.kind === 'reminder_2h')!.send_at.getTime()).toBe(Date.parse(moved.startsAt) - 2 * 3_600_000);
  });

  it('a cancel drops what was queued and queues a cancellation', async () => {
    const booked = await gp(upcoming(2, NY, 3), '10:00', 5);
    const cancelled = await desk.booking.cancel({ appointmentId: booked.id, version: booked.version, reason: 'Patient called' });
    const all = await messagesOf(booked.id);
    expect(all.filter((m) => m.version === booked.version).every((m) => m.state === 'cancelled')).toBe(true);
    expect(all.filter((m) => m.version === cancelled.version).map((m) => [m.kind, m.state])).toEqual([['cancellation', 'queued']]);
  });

  it('no consent, no message; a patient who prefers SMS gets an SMS to their phone', async () => {
    await consent(7, { email: 'no@example.test', consent: false });
    expect(await messagesOf((await gp(upcoming(3, NY, 3), '10:00', 7)).id)).toEqual([]);
    await consent(8, { email: null as never, preferred: 'sms' });
    const sms = await messagesOf((await gp(upcoming(3, NY, 3), '11:00', 8)).id);
    expect(new Set(sms.map((m) => m.channel))).toEqual(new Set(['sms']));
    expect(sms[0]!.recipient).toMatch(/^\+\d+$/);
  });

  it('another feature queues its own message in its transaction (the waitlist offer), once per version', async () => {
    const current = await admin.setup.messages.settings();
    await admin.setup.messages.save({ version: current.version, enabled: [...current.enabled, 'waitlist_offer'], reminderHours: current.reminderHours, templates: {}, locale: 'en-US', quietHours: null });
    const booked = await gp(upcoming(4, NY, 3), '10:00', 6);
    const request = { tenantId: setup.demo.tenantId, kind: 'waitlist_offer' as const, patientId: patient(6), appointmentId: booked.id, branchId: booked.branchId, version: 1, vars: { service: 'Cleaning' } };
    const id = await inTransaction(setup.db.deps.db, { tenantId: setup.demo.tenantId }, (tx) => messages.enqueue(tx, request));
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await inTransaction(setup.db.deps.db, { tenantId: setup.demo.tenantId }, (tx) => messages.enqueue(tx, request))).toBeNull();
    expect(await jobOf(id!)).toBeDefined();
  });

  it('with messages turned off a booking queues nothing', async () => {
    const current = await admin.setup.messages.settings();
    await admin.setup.messages.save({ ...current, enabled: [], templates: {} });
    expect(await messagesOf((await gp(upcoming(5, NY, 3), '10:00', 1)).id)).toEqual([]);
    await admin.setup.messages.save({ ...(await admin.setup.messages.settings()), enabled: ['confirmation', 'change', 'cancellation', 'reminder'], templates: {} });
  });
});
