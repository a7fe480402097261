import type { QueryClient, QueryFilters } from '@tanstack/react-query';
import { SETUP_EVENT_TYPES, type AppointmentView, type ChangeMessage, type DayView, type AnyLogEvent, type EventPayloads, type TimeOffView } from '@frontdesk/shared';
import type { Trpc } from '../lib/trpc.js';
import type { Service } from '../lib/types.js';

// Patches the React Query cache from the `changes` subscription, in place.
// Pure apart from the QueryClient it is given and tRPC's keys: no network, no React.

const SEEN_LIMIT = 2000;

export interface SyncState {
  /** The highest event sequence applied: the subscription resumes after it. */
  lastSeq: string | null;
  /** Latest version seen per appointment, so an older event never wins anywhere. */
  versions: Map<string, number>;
  /** Recent seqs, to drop duplicates delivered again after a reconnect. */
  seen: Set<string>;
}

export function createSyncState(lastSeq: string | null = null): SyncState {
  return { lastSeq, versions: new Map(), seen: new Set() };
}

export type ApplyOutcome = 'applied' | 'duplicate' | 'stale' | 'reset' | 'live' | 'ignored';

const seqGt = (a: string, b: string | null) => b === null || BigInt(a) > BigInt(b);

function overlaps(aStart: string, aEnd: string, bStart: string, bEnd: string): boolean {
  return Date.parse(aStart) < Date.parse(bEnd) && Date.parse(bStart) < Date.parse(aEnd);
}

/** Whether an appointment belongs on a given day view at all. */
export function belongsToDay(appointment: AppointmentView, day: DayView): boolean {
  return appointment.branchId === day.branchId && overlaps(appointment.startsAt, appointment.endsAt, day.startsAt, day.endsAt);
}

function sortAppointments(list: AppointmentView[]): AppointmentView[] {
  return list.sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt) || a.id.localeCompare(b.id));
}

/** A day with `appointment` put in, replaced or taken out; the same object if nothing changed. */
export function patchDay(day: DayView, appointment: AppointmentView): DayView {
  const index = day.appointments.findIndex((a) => a.id === appointment.id);
  const cached = index >= 0 ? day.appointments[index] : undefined;
  if (cached && cached.version >= appointment.version) return day;
  const belongs = belongsToDay(appointment, day);
  if (!cached && !belongs) return day;
  const rest = day.appointments.filter((a) => a.id !== appointment.id);
  return { ...day, appointments: belongs ? sortAppointments([...rest, appointment]) : rest };
}

function patchTimeOff(day: DayView, timeOff: TimeOffView, removed: boolean): DayView {
  const rest = day.timeOff.filter((t) => t.id !== timeOff.id);
  const applies = (timeOff.branchId === null || timeOff.branchId === day.branchId) && overlaps(timeOff.startsAt, timeOff.endsAt, day.startsAt, day.endsAt);
  if (removed || !applies) return rest.length === day.timeOff.length ? day : { ...day, timeOff: rest };
  return { ...day, timeOff: [...rest, timeOff] };
}

/** A service list with one branch's price changed; the same list if that price is not in it. */
export function patchPrice(services: Service[], change: EventPayloads['price.changed']): Service[] {
  const service = services.find((s) => s.id === change.serviceId);
  const price = service?.prices.find((p) => p.branchId === change.branchId);
  if (!service || !price || price.priceCents === change.priceCents) return services;
  const prices = service.prices.map((p) => (p === price ? { ...p, priceCents: change.priceCents } : p));
  return services.map((s) => (s === service ? { ...s, prices } : s));
}

/** Runs `fn` over every cached query `filters` selects, writing back what it changed. */
function patchEach<T>(queryClient: QueryClient, filters: QueryFilters, fn: (data: T) => T): void {
  for (const [key, data] of queryClient.getQueriesData<T>(filters)) {
    if (data === undefined) continue;
    const next = fn(data);
    if (next !== data) queryClient.setQueryData<T>(key, next);
  }
}

/** Runs `fn` over every cached day view. */
export function patchDays(queryClient: QueryClient, trpc: Trpc, fn: (day: DayView) => DayView): void {
  patchEach(queryClient, trpc.availability.day.pathFilter(), fn);
}

function applyEvent(queryClient: QueryClient, trpc: Trpc, state: SyncState, event: AnyLogEvent): ApplyOutcome {
  // A day already fetched after this event reflects it.
  const newerThanDay = (day: DayView) => seqGt(event.seq, day.asOfSeq);
  switch (event.type) {
    case 'appointment.held':
    case 'appointment.hold_extended':
    case 'appointment.booked':
    case 'appointment.released':
    case 'appointment.expired':
    case 'appointment.moved':
    case 'appointment.service_changed':
    case 'appointment.cancelled':
    case 'appointment.checked_in':
    case 'appointment.no_show':
    case 'appointment.consultation_started':
    case 'appointment.completed':
    case 'appointment.edited': {
      const appointment = event.payload.appointment;
      const known = state.versions.get(appointment.id);
      if (known !== undefined && known >= appointment.version) return 'stale';
      state.versions.set(appointment.id, appointment.version);
      patchDays(queryClient, trpc, (day) => {
        const cached = day.appointments.find((a) => a.id === appointment.id);
        // Inserting into a day that was read after this event could resurrect
        // something that has since moved away; replacing by version is always safe.
        if (!cached && !newerThanDay(day)) return day;
        return patchDay(day, appointment);
      });
      patchEach<AppointmentView>(queryClient, trpc.booking.get.pathFilter(), (cached) =>
        cached.id === appointment.id && cached.version < appointment.version ? appointment : cached,
      );
      void queryClient.invalidateQueries(trpc.admin.audit.appointment.pathFilter());
      // The working-hours week counts bookings per day.
      void queryClient.invalidateQueries(trpc.setup.hours.week.pathFilter());
      return 'applied';
    }
    case 'token.issued': {
      const session = event.payload.session;
      patchDays(queryClient, trpc, (day) => {
        const index = day.sessions.findIndex((s) => s.id === session.id);
        const cached = day.sessions[index];
        if (!cached || cached.issued >= session.issued) return day;
        const sessions = [...day.sessions];
        sessions[index] = session;
        return { ...day, sessions };
      });
      void queryClient.invalidateQueries(trpc.catalog.sessions.pathFilter());
      void queryClient.invalidateQueries(trpc.queue.session.queryFilter({ sessionId: session.id }));
      return 'applied';
    }
    case 'token.called':
    case 'token.skipped':
    case 'token.served':
    case 'token.patient_attached': {
      // Another desk moved the queue: its now serving and waiting list are read again.
      const { sessionId, token } = event.payload;
      void queryClient.invalidateQueries(trpc.queue.session.queryFilter({ sessionId }));
      if (event.type === 'token.called') {
        patchDays(queryClient, trpc, (day) =>
          day.sessions.some((s) => s.id === sessionId && s.nowServing !== token.number)
            ? { ...day, sessions: day.sessions.map((s) => (s.id === sessionId ? { ...s, nowServing: token.number } : s)) }
            : day,
        );
      }
      return 'applied';
    }
    case 'message.state_changed':
    case 'message.patient_answered': {
      // An appointment's messages and "confirmed by patient" follow at once.
      const appointmentId = event.type === 'message.state_changed' ? event.payload.message.appointmentId : event.payload.appointmentId;
      if (appointmentId) void queryClient.invalidateQueries(trpc.setup.messages.ofAppointment.queryFilter({ appointmentId }));
      return 'applied';
    }
    case 'message.settings_changed':
      void queryClient.invalidateQueries(trpc.setup.messages.settings.pathFilter());
      return 'applied';
    case 'display.changed':
      void queryClient.invalidateQueries(trpc.queue.displays.pathFilter());
      return 'applied';
    case 'time_off.added':
    case 'time_off.removed': {
      const removed = event.type === 'time_off.removed';
      patchDays(queryClient, trpc, (day) => (newerThanDay(day) ? patchTimeOff(day, event.payload.timeOff, removed) : day));
      void queryClient.invalidateQueries(trpc.setup.hours.pathFilter());
      void queryClient.invalidateQueries(trpc.admin.audit.setup.pathFilter());
      return 'applied';
    }
    case 'hours.changed': {
      const { branchId } = event.payload;
      void queryClient.invalidateQueries(
        trpc.availability.day.pathFilter({ predicate: (q) => (q.state.data as DayView | undefined)?.branchId === branchId }),
      );
      void queryClient.invalidateQueries(trpc.setup.hours.pathFilter());
      void queryClient.invalidateQueries(trpc.admin.audit.setup.pathFilter());
      return 'applied';
    }
    case 'stock.changed':
      void queryClient.invalidateQueries(trpc.catalog.products.pathFilter());
      // The setup screen's stock levels and history too.
      void queryClient.invalidateQueries(trpc.setup.products.pathFilter());
      return 'applied';
    case 'clinic.settings_changed':
      // The clock format: every time on this desk is written the new way.
      void queryClient.invalidateQueries(trpc.clinic.settings.pathFilter());
      return 'applied';
    case 'price.changed':
      patchEach<Service[]>(queryClient, trpc.catalog.services.pathFilter(), (services) => patchPrice(services, event.payload));
      return 'applied';
    case 'patient.updated':
    case 'patient.merged':
      // A renamed or merged record: searches, profiles and the days that show the patient's name.
      void queryClient.invalidateQueries(trpc.patients.pathFilter());
      void queryClient.invalidateQueries(trpc.availability.day.pathFilter());
      void queryClient.invalidateQueries(trpc.booking.get.pathFilter());
      return 'applied';
    case 'staff.changed':
      // Another admin's change to an account: the staff list and the history follow.
      void queryClient.invalidateQueries(trpc.admin.staff.pathFilter());
      void queryClient.invalidateQueries(trpc.admin.audit.setup.pathFilter());
      return 'applied';
    case 'waitlist.added':
    case 'waitlist.removed':
    case 'waitlist.expired':
    case 'waitlist.offer':
    case 'waitlist.booked':
    case 'waitlist.offer_closed':
    case 'waitlist.settings_changed':
      // The waitlist and the freed times on offer (every desk's banner) follow.
      void queryClient.invalidateQueries(trpc.waitlist.pathFilter());
      return 'applied';
    default:
      if (SETUP_EVENT_TYPES.has(event.type)) {
        // Setup changes are rare and touch many views: reload the catalogue, the setup screens and availability.
        void queryClient.invalidateQueries(trpc.catalog.pathFilter());
        void queryClient.invalidateQueries(trpc.setup.pathFilter());
        void queryClient.invalidateQueries(trpc.availability.pathFilter());
        void queryClient.invalidateQueries(trpc.admin.audit.setup.pathFilter());
        return 'applied';
      }
      return 'ignored';
  }
}

/**
 * Applies one subscription message to the cache and the sync state. A message
 * carries several events (a catch-up, or what committed together): each is
 * applied in order; the outcome is 'duplicate' only if every one was.
 */
export function applyChange(queryClient: QueryClient, trpc: Trpc, state: SyncState, message: ChangeMessage): ApplyOutcome {
  if (message.kind === 'live') return 'live';
  if (message.kind === 'reset') {
    // The log cannot fill the gap: start again from the server's head.
    state.lastSeq = message.headSeq;
    state.versions.clear();
    state.seen.clear();
    void queryClient.invalidateQueries();
    return 'reset';
  }
  let outcome: ApplyOutcome | null = null;
  for (const event of message.events) {
    const one = applyOne(queryClient, trpc, state, event);
    if (one === 'duplicate') continue;
    if (outcome === null || one === 'applied') outcome = one;
  }
  return outcome ?? 'duplicate';
}

function applyOne(queryClient: QueryClient, trpc: Trpc, state: SyncState, event: AnyLogEvent): ApplyOutcome {
  if (state.seen.has(event.seq)) return 'duplicate';
  state.seen.add(event.seq);
  if (state.seen.size > SEEN_LIMIT) {
    const oldest = state.seen.values().next().value;
    if (oldest !== undefined) state.seen.delete(oldest);
  }
  if (seqGt(event.seq, state.lastSeq)) state.lastSeq = event.seq;
  return applyEvent(queryClient, trpc, state, event);
}
