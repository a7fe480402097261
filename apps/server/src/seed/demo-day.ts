import { localDateOf, localMinuteToInstant, MINUTE, type AppointmentStatus } from '@frontdesk/shared';
import type { Prisma } from '../db/prisma.js';

// Today at the demo clinic, so the first screen shows what the product does:
// at each branch, in its own zone, appointments before, around and after
// "now" in every state (completed, no-show, cancelled with a reason, checked
// in, booked, one hold) and a walk-in queue under way. The plan is pure (and
// tested alone); `seedDemoDay` writes it.

/** A practitioner's day as the plan sees it: their service, the room or chair they use all day, and today's working minutes. */
export interface Roster {
  practitioner: string;
  room: string | null;
  service: { key: string; durationMin: number; bufferBeforeMin: number; bufferAfterMin: number };
  /** Working minutes of the local day, [start, end); empty: all day. */
  hours: { start: number; end: number }[];
}

export interface PlannedAppointment {
  practitioner: string;
  room: string | null;
  service: string;
  startMinute: number;
  endMinute: number;
  /** The time taken from the resources, buffers included. */
  occupied: { start: number; end: number };
  status: AppointmentStatus;
  cancelReason: string | null;
}

const BEFORE = 180;
const AFTER = 210;
/** Gaps between one practitioner's appointments, in turn: a real day is not wall to wall. */
const GAPS = [15, 0, 30, 15, 0, 45, 15];
const roundUp = (minute: number) => Math.ceil(minute / 15) * 15;

/**
 * "Now" on the demo's clock: the real local time, kept within the working
 * day (10:00–15:00) so that a seed run early or late still has a past, a
 * present and a future.
 */
export function demoAnchor(localMinute: number): number {
  return Math.min(15 * 60, Math.max(10 * 60, Math.floor(localMinute / 15) * 15));
}

/** One branch's appointments around `anchor` (a minute of the local day). */
export function planDemoDay(rosters: readonly Roster[], anchor: number): PlannedAppointment[] {
  const planned: PlannedAppointment[] = [];
  rosters.forEach((r, index) => {
    const hours = r.hours.length ? r.hours : [{ start: 0, end: 24 * 60 }];
    let gap = index;
    for (const h of hours) {
      const from = Math.max(anchor - BEFORE, h.start);
      const to = Math.min(anchor + AFTER, h.end);
      // Staggered starts, so the columns do not all turn over on the same minute.
      let cursor = roundUp(from + r.service.bufferBeforeMin) + (index % 3) * 15;
      while (cursor + r.service.durationMin + r.service.bufferAfterMin <= to) {
        const start = cursor;
        const end = start + r.service.durationMin;
        planned.push({
          practitioner: r.practitioner,
          room: r.room,
          service: r.service.key,
          startMinute: start,
          endMinute: end,
          occupied: { start: start - r.service.bufferBeforeMin, end: end + r.service.bufferAfterMin },
          status: 'BOOKED',
          cancelReason: null,
        });
        cursor = roundUp(end + r.service.bufferAfterMin + r.service.bufferBeforeMin) + GAPS[gap++ % GAPS.length]!;
      }
    }
  });
  return withStatuses(planned, anchor, rosters[0]?.practitioner, rosters[1]?.practitioner ?? rosters[0]?.practitioner);
}

/** Past ones completed (a no-show and a cancellation among them), the current ones in the room, the next arrived, later ones booked, one cancelled, one held. */
function withStatuses(planned: PlannedAppointment[], anchor: number, first: string | undefined, second: string | undefined): PlannedAppointment[] {
  const byStart = [...planned].sort((a, b) => a.startMinute - b.startMinute || a.practitioner.localeCompare(b.practitioner));
  const past = byStart.filter((a) => a.endMinute <= anchor);
  const upcoming = byStart.filter((a) => a.startMinute > anchor);
  // Most came; two did not (one early, one lately), and one called off.
  past.forEach((a, i) => {
    a.status = i === 2 || (past.length > 8 && i === past.length - 3) ? 'NO_SHOW' : 'COMPLETED';
  });
  const completed = [...past].reverse().filter((a) => a.status === 'COMPLETED' && a !== past[0]);
  const cancelledEarlier = completed.find((a) => a.practitioner === second) ?? completed[1];
  if (cancelledEarlier) Object.assign(cancelledEarlier, { status: 'CANCELLED', cancelReason: 'Patient called in sick' });
  for (const a of byStart) if (a.startMinute <= anchor && anchor < a.endMinute) a.status = 'CHECKED_IN';
  // Arrived early for the next appointment: waiting, checked in.
  const next = upcoming.find((a) => a.practitioner === first && a.startMinute - anchor <= 30);
  if (next) next.status = 'CHECKED_IN';
  const later = upcoming.filter((a) => a.status === 'BOOKED');
  if (later[2]) Object.assign(later[2], { status: 'CANCELLED', cancelReason: 'Rescheduled by phone' });
  const held = [...later].reverse().find((a) => a.practitioner === second && a.status === 'BOOKED');
  if (held) held.status = 'HELD';
  return byStart;
}

type Tx = Prisma.TransactionClient;

export interface DemoDayClinic {
  tenantId: string;
  branches: { east: string; west: string };
  resources: Record<string, string>;
  services: Record<string, string>;
  sessionId: string;
  patients: string[];
  staff: Record<'receptionist' | 'receptionistWest', { id: string }>;
}

/** Who works where on a demo day, with which service and room (a practitioner at two branches is seeded where they work today). */
const ROSTERS = {
  east: [
    ['drCarter', 'gp', 'eastRoom1'],
    ['drKim', 'checkup', 'eastChairA'],
    ['drRao', 'gp', 'eastRoom2'],
    ['drNair', 'cleaning', 'eastChairB'],
    ['ptShaw', 'physio', 'eastGym'],
    ['drIyer', 'derm', null],
  ],
  west: [
    ['drOkafor', 'gp', 'westRoom1'],
    ['drGarcia', 'cleaning', 'westChair'],
    ['ptShaw', 'physio', 'westGym'],
  ],
} as const;
/** Those who open an extra clinic (09:00–17:00, a date exception of their hours) on a day they do not work: a weekend demo still shows a day. */
const ALWAYS = new Set(['drCarter', 'drKim', 'drOkafor', 'drGarcia']);
const EXTRA_DAY = { start: 9 * 60, end: 17 * 60 };

/** Writes today's demo day: appointments at both branches and a walk-in queue under way at each. */
export async function seedDemoDay(tx: Tx, clinic: DemoDayClinic, now: Date): Promise<void> {
  const services = await tx.service.findMany({
    where: { tenantId: clinic.tenantId },
    select: { id: true, durationMin: true, bufferBeforeMin: true, bufferAfterMin: true, priceCents: true, prices: { select: { branchId: true, priceCents: true } } },
  });
  const hours = await tx.workingHours.findMany({ where: { tenantId: clinic.tenantId }, select: { resourceId: true, branchId: true, weekday: true, startMinute: true, endMinute: true } });
  const patients = [...clinic.patients];
  const zones = { east: 'America/New_York', west: 'America/Chicago' } as const;

  for (const side of ['east', 'west'] as const) {
    const branchId = clinic.branches[side];
    const zone = zones[side];
    const date = localDateOf(now.getTime(), zone);
    const weekday = ((new Date(`${date}T12:00:00Z`).getUTCDay() + 6) % 7) + 1;
    const midnight = localMinuteToInstant(date, 0, zone);
    const anchor = demoAnchor(Math.floor((now.getTime() - midnight) / MINUTE));
    const rosters: Roster[] = [];
    for (const [key, serviceKey, room] of ROSTERS[side]) {
      const resourceId = clinic.resources[key]!;
      const today = hours.filter((h) => h.resourceId === resourceId && h.branchId === branchId && h.weekday === weekday).map((h) => ({ start: h.startMinute, end: h.endMinute }));
      if (today.length === 0) {
        if (!ALWAYS.has(key)) continue;
        // The database keeps bookings within working time: the extra day is written as the practitioner's hours for this date.
        await tx.workingHoursException.create({ data: { tenantId: clinic.tenantId, resourceId, branchId, date: new Date(`${date}T00:00:00Z`), startMinute: EXTRA_DAY.start, endMinute: EXTRA_DAY.end }, select: { id: true } });
        today.push(EXTRA_DAY);
      }
      const service = services.find((s) => s.id === clinic.services[serviceKey])!;
      rosters.push({
        practitioner: key,
        room,
        service: { key: serviceKey, durationMin: service.durationMin, bufferBeforeMin: service.bufferBeforeMin, bufferAfterMin: service.bufferAfterMin },
        hours: today,
      });
    }
    // Those at both branches work at one of them on any weekday, so nobody is seeded twice.
    const plan = planDemoDay(rosters, anchor);
    const at = (minute: number) => new Date(localMinuteToInstant(date, minute, zone));
    const createdBy = side === 'east' ? clinic.staff.receptionist.id : clinic.staff.receptionistWest.id;

    for (const a of plan) {
      const held = a.status === 'HELD';
      const patientId = held ? null : patients.shift();
      if (patientId === undefined) break;
      const service = services.find((s) => s.id === clinic.services[a.service])!;
      const appointment = await tx.appointment.create({
        data: {
          tenantId: clinic.tenantId,
          branchId,
          serviceId: service.id,
          patientId,
          status: a.status,
          startsAt: at(a.startMinute),
          endsAt: at(a.endMinute),
          holdExpiresAt: held ? new Date(now.getTime() + 30 * MINUTE) : null,
          priceCents: service.prices.find((p) => p.branchId === branchId)?.priceCents ?? service.priceCents,
          note: a.status === 'CHECKED_IN' ? 'Arrived, in the waiting room' : '',
          cancelReason: a.cancelReason,
          ...visitTimes(a.status, at(a.startMinute), at(a.endMinute), now),
          ...(a.cancelReason ? { cancelReasonCode: a.cancelReason === 'Patient called in sick' ? 'ILLNESS' : 'PATIENT_REQUEST' } : {}),
          createdBy,
          createdAt: new Date(now.getTime() - 2 * 86_400_000),
          updatedAt: now,
        },
        select: { id: true },
      });
      const resourceIds = [clinic.resources[a.practitioner]!, ...(a.room ? [clinic.resources[a.room]!] : [])];
      await tx.appointmentResource.createMany({
        data: resourceIds.map((resourceId) => ({ tenantId: clinic.tenantId, appointmentId: appointment.id, resourceId, startsAt: at(a.occupied.start), endsAt: at(a.occupied.end) })),
      });
    }
  }
  await seedQueue(tx, clinic, now, patients);
}

/**
 * The morning walk-in clinic under way: tokens issued, the earlier ones
 * served (capacity_session.now_serving). Written with the token's first
 * columns only, so the queue's own columns take their defaults.
 */
async function seedQueue(tx: Tx, clinic: DemoDayClinic, now: Date, patients: string[]): Promise<void> {
  const issued = Math.min(14, patients.length);
  const serving = Math.min(9, issued);
  for (let number = 1; number <= issued; number++) {
    const at = new Date(now.getTime() - (issued - number + 1) * 9 * MINUTE);
    await tx.$executeRaw`
      INSERT INTO token (tenant_id, session_id, number, patient_id, issued_by, created_at)
      VALUES (${clinic.tenantId}::uuid, ${clinic.sessionId}::uuid, ${number}::int, ${patients[patients.length - number]!}::uuid, ${clinic.staff.receptionist.id}::uuid, ${at})`;
  }
  await tx.capacitySession.update({ where: { id: clinic.sessionId }, data: { issued, nowServing: serving }, select: { id: true } });
  // The queue's own state to match: the earlier tokens served at counter 1, the one now serving called there.
  await tx.$executeRaw`
    UPDATE token SET counter = 'Counter 1', called_by = ${clinic.staff.receptionist.id}::uuid, call_count = 1,
           called_at = ${now}::timestamptz - ((${serving} - number + 1) * interval '9 minutes'),
           queue_state = CASE WHEN number < ${serving} THEN 'SERVED' ELSE 'CALLED' END::"QueueState",
           served_at = CASE WHEN number < ${serving} THEN ${now}::timestamptz - ((${serving} - number) * interval '9 minutes') END
     WHERE tenant_id = ${clinic.tenantId}::uuid AND session_id = ${clinic.sessionId}::uuid AND number <= ${serving}`;
}

/** When a seeded visit's steps happened: arrived a few minutes early, seen, done at its end; one waiting now arrived minutes ago. */
function visitTimes(status: string, start: Date, end: Date, now: Date): { checkedInAt?: Date; consultationStartedAt?: Date; completedAt?: Date } {
  const minutes = (d: Date, n: number) => new Date(d.getTime() + n * 60_000);
  if (status === 'COMPLETED') return { checkedInAt: minutes(start, -6), consultationStartedAt: minutes(start, 2), completedAt: end };
  if (status === 'CHECKED_IN') return { checkedInAt: minutes(now, start <= now ? -9 : -4) };
  return {};
}
