import { QueryClient } from '@tanstack/react-query';
import { createTRPCClient } from '@trpc/client';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { describe, expect, it } from 'vitest';
import type { AppRouter } from '@frontdesk/server/router';
import type { AnyLogEvent, AppointmentView, ChangeMessage, DayView, EventPayloads, EventType } from '@frontdesk/shared';
import type { Service } from '../lib/types.js';
import { applyChange, createSyncState } from './apply-event.js';

const BRANCH = '00000000-0000-4000-8000-0000000000b1';
const DR = '00000000-0000-4000-8000-0000000000r1';

const qc = new QueryClient();
// Keys only: this client is never asked to send anything.
const trpc = createTRPCOptionsProxy<AppRouter>({ client: createTRPCClient<AppRouter>({ links: [] }), queryClient: qc });

function dayKey(date: string) {
  return trpc.availability.day.queryKey({ branchId: BRANCH, date });
}

function day(date: string, asOfSeq = '10', appointments: AppointmentView[] = []): DayView {
  return {
    branchId: BRANCH,
    branchName: 'Midtown',
    timeZone: 'UTC',
    date,
    startsAt: `${date}T00:00:00.000Z`,
    endsAt: new Date(Date.parse(`${date}T00:00:00.000Z`) + 86_400_000).toISOString(),
    resources: [],
    appointments,
    timeOff: [],
    sessions: [],
    asOfSeq,
  };
}

function appt(id: string, version: number, startsAt: string, status: AppointmentView['status'] = 'BOOKED'): AppointmentView {
  const endsAt = new Date(Date.parse(startsAt) + 30 * 60_000).toISOString();
  return {
    id,
    branchId: BRANCH,
    serviceId: 's',
    serviceName: 'Check-up',
    patient: null,
    status,
    startsAt,
    endsAt,
    holdExpiresAt: null,
    version,
    priceCents: 0,
    note: '',
    cancelReason: null,
    resources: [{ resourceId: DR, startsAt, endsAt }],
    products: [],
    createdBy: 'x',
    updatedAt: startsAt,
    keptOutsideHours: false,
  };
}

function message<T extends EventType>(seq: string, type: T, payload: EventPayloads[T], aggregateId = ''): ChangeMessage {
  return { kind: 'events', events: [{ seq, type, tenantId: 't', branchId: BRANCH, aggregateId, actorId: null, desk: '', at: '', payload } as AnyLogEvent] };
}

function event(seq: string, type: AnyLogEvent['type'], appointment: AppointmentView): ChangeMessage {
  const payload = { appointment, from: { startsAt: '', endsAt: '', resourceIds: [] } };
  return message(seq, type, payload as EventPayloads['appointment.moved'], appointment.id);
}

function service(id: string, prices: Service['prices']): Service {
  return { id, name: 'Check-up', durationMin: 30, bufferBeforeMin: 0, bufferAfterMin: 0, basePriceCents: 5000, requirements: [], prices, practitioners: [], colour: '' };
}

function setup(...days: DayView[]) {
  qc.clear();
  for (const d of days) qc.setQueryData(dayKey(d.date), d);
  const read = (date: string) => qc.getQueryData<DayView>(dayKey(date))!;
  const apply = (message: ChangeMessage) => applyChange(qc, trpc, state, message);
  const state = createSyncState('10');
  return { qc, read, state, apply };
}

describe('applying live changes to cached days', () => {
  it('applies events in order: held, then booked, then checked in', () => {
    const { read, state, apply } = setup(day('2026-11-23'));
    apply(event('11', 'appointment.held', appt('a', 1, '2026-11-23T09:00:00.000Z', 'HELD')));
    apply(event('12', 'appointment.booked', appt('a', 2, '2026-11-23T09:00:00.000Z', 'BOOKED')));
    apply(event('13', 'appointment.checked_in', appt('a', 3, '2026-11-23T09:00:00.000Z', 'CHECKED_IN')));
    expect(read('2026-11-23').appointments.map((a) => [a.id, a.status, a.version])).toEqual([['a', 'CHECKED_IN', 3]]);
    expect(state.lastSeq).toBe('13');
  });

  it('a message of several events applies each, in order; delivered again it is a duplicate, partly seen only the new ones apply', () => {
    const { read, state, apply } = setup(day('2026-11-23'));
    const events = (...messages: ChangeMessage[]): ChangeMessage => ({ kind: 'events', events: messages.flatMap((m) => (m.kind === 'events' ? m.events : [])) });
    const held = event('11', 'appointment.held', appt('a', 1, '2026-11-23T09:00:00.000Z', 'HELD'));
    const booked = event('12', 'appointment.booked', appt('a', 2, '2026-11-23T09:00:00.000Z', 'BOOKED'));
    const other = event('13', 'appointment.booked', appt('b', 1, '2026-11-23T11:00:00.000Z'));
    expect(apply(events(held, booked))).toBe('applied');
    expect(read('2026-11-23').appointments.map((a) => [a.id, a.status, a.version])).toEqual([['a', 'BOOKED', 2]]);
    expect(apply(events(held, booked))).toBe('duplicate');
    expect(apply(events(booked, other))).toBe('applied');
    expect(read('2026-11-23').appointments.map((a) => [a.id, a.version])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
    expect(state.lastSeq).toBe('13');
  });

  it('ignores a duplicate delivery of the same event', () => {
    const { read, apply } = setup(day('2026-11-23'));
    const held = event('11', 'appointment.held', appt('a', 1, '2026-11-23T09:00:00.000Z', 'HELD'));
    expect(apply(held)).toBe('applied');
    const before = read('2026-11-23');
    expect(apply(held)).toBe('duplicate');
    expect(read('2026-11-23')).toBe(before);
  });

  it('ignores an older version arriving after a newer one, even with a higher seq', () => {
    const { read, apply } = setup(day('2026-11-23'));
    apply(event('12', 'appointment.booked', appt('a', 2, '2026-11-23T09:00:00.000Z', 'BOOKED')));
    expect(apply(event('13', 'appointment.held', appt('a', 1, '2026-11-23T09:00:00.000Z', 'HELD')))).toBe('stale');
    expect(read('2026-11-23').appointments[0]?.status).toBe('BOOKED');
  });

  it('keeps a fresher cached version than the event carries', () => {
    const { read, apply } = setup(day('2026-11-23', '10', [appt('a', 4, '2026-11-23T09:00:00.000Z')]));
    apply(event('11', 'appointment.moved', appt('a', 3, '2026-11-23T10:00:00.000Z')));
    expect(read('2026-11-23').appointments[0]?.version).toBe(4);
  });

  it('a moved appointment leaves one day and enters another', () => {
    const { read, apply } = setup(day('2026-11-23', '10', [appt('a', 2, '2026-11-23T09:00:00.000Z')]), day('2026-11-24'));
    apply(event('11', 'appointment.moved', appt('a', 3, '2026-11-24T15:00:00.000Z')));
    expect(read('2026-11-23').appointments).toEqual([]);
    expect(read('2026-11-24').appointments.map((a) => [a.id, a.version])).toEqual([['a', 3]]);
  });

  it('does not insert into a day that was read after the event', () => {
    const { read, apply } = setup(day('2026-11-24', '20'));
    apply(event('15', 'appointment.held', appt('a', 1, '2026-11-24T09:00:00.000Z', 'HELD')));
    expect(read('2026-11-24').appointments).toEqual([]);
  });

  it('appointments at another branch or day are left out', () => {
    const { read, apply } = setup(day('2026-11-23'));
    apply(event('11', 'appointment.booked', { ...appt('a', 1, '2026-11-23T09:00:00.000Z'), branchId: 'other' }));
    apply(event('12', 'appointment.booked', appt('b', 1, '2026-11-25T09:00:00.000Z')));
    expect(read('2026-11-23').appointments).toEqual([]);
  });

  it('events arriving out of seq order across appointments are all applied', () => {
    const { read, state, apply } = setup(day('2026-11-23'));
    apply(event('14', 'appointment.booked', appt('b', 1, '2026-11-23T11:00:00.000Z')));
    apply(event('13', 'appointment.booked', appt('a', 1, '2026-11-23T09:00:00.000Z')));
    expect(read('2026-11-23').appointments.map((a) => a.id)).toEqual(['a', 'b']);
    expect(state.lastSeq).toBe('14');
  });

  it('a reset heals: every query is refetched and the sync state starts from the head', async () => {
    const { qc, state, apply } = setup(day('2026-11-23'));
    apply(event('11', 'appointment.booked', appt('a', 1, '2026-11-23T09:00:00.000Z')));
    expect(apply({ kind: 'reset', reason: 'gap', headSeq: '500' })).toBe('reset');
    expect(qc.getQueryState(dayKey('2026-11-23'))?.isInvalidated).toBe(true);
    expect(state.lastSeq).toBe('500');
    expect(state.versions.size).toBe(0);
    // After the reset an event for the same appointment applies again.
    expect(apply(event('501', 'appointment.cancelled', appt('a', 2, '2026-11-23T09:00:00.000Z', 'CANCELLED')))).toBe('applied');
  });

  it('time off added by another desk appears on the day', () => {
    const { read, apply } = setup(day('2026-11-23'));
    const timeOff = { id: 't1', branchId: BRANCH, resourceId: DR, kind: 'LEAVE' as const, startsAt: '2026-11-23T12:00:00.000Z', endsAt: '2026-11-23T13:00:00.000Z', reason: 'Lunch' };
    apply(message('11', 'time_off.added', { timeOff }, 't1'));
    expect(read('2026-11-23').timeOff).toEqual([timeOff]);
    apply(message('12', 'time_off.removed', { timeOff }, 't1'));
    expect(read('2026-11-23').timeOff).toEqual([]);
  });

  it('a price changed at one branch shows in the cached services; other branches keep theirs', () => {
    const { qc, apply } = setup();
    const key = trpc.catalog.services.queryKey();
    qc.setQueryData(key, [service('s1', [{ branchId: BRANCH, priceCents: 5000 }, { branchId: 'b2', priceCents: 5000 }]), service('s2', [{ branchId: BRANCH, priceCents: 3000 }])]);
    expect(apply(message('11', 'price.changed', { serviceId: 's1', branchId: BRANCH, priceCents: 6500 }, 's1'))).toBe('applied');
    expect(qc.getQueryData(key)?.map((s) => [s.id, s.prices])).toEqual([
      ['s1', [{ branchId: BRANCH, priceCents: 6500 }, { branchId: 'b2', priceCents: 5000 }]],
      ['s2', [{ branchId: BRANCH, priceCents: 3000 }]],
    ]);
  });

  it('a price change for a branch this desk does not see leaves the services as they were', () => {
    const { qc, apply } = setup();
    const key = trpc.catalog.services.queryKey();
    const before = [service('s1', [{ branchId: BRANCH, priceCents: 5000 }])];
    qc.setQueryData(key, before);
    apply(message('11', 'price.changed', { serviceId: 's1', branchId: 'elsewhere', priceCents: 6500 }, 's1'));
    expect(qc.getQueryData(key)).toBe(before);
  });
});
