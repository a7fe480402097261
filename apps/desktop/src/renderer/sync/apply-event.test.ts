import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { AnyLogEvent, AppointmentView, ChangeMessage, DayView } from '@frontdesk/shared';
import { applyChange, createSyncState, DAY_KEY_PREFIX } from './apply-event.js';

const BRANCH = '00000000-0000-4000-8000-0000000000b1';
const DR = '00000000-0000-4000-8000-0000000000r1';

function dayKey(date: string) {
  return [DAY_KEY_PREFIX[0], { input: { branchId: BRANCH, date }, type: 'query' }];
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
  };
}

function event(seq: string, type: AnyLogEvent['type'], appointment: AppointmentView): ChangeMessage {
  return {
    kind: 'event',
    event: { seq, type, tenantId: 't', branchId: BRANCH, aggregateId: appointment.id, actorId: null, desk: '', at: appointment.updatedAt, payload: { appointment, from: { startsAt: '', endsAt: '', resourceIds: [] } } } as AnyLogEvent,
  };
}

function setup(...days: DayView[]) {
  const qc = new QueryClient();
  for (const d of days) qc.setQueryData(dayKey(d.date), d);
  const read = (date: string) => qc.getQueryData<DayView>(dayKey(date))!;
  return { qc, read, state: createSyncState('10') };
}

describe('applying live changes to cached days', () => {
  it('applies events in order: held, then booked, then checked in', () => {
    const { qc, read, state } = setup(day('2026-11-23'));
    applyChange(qc, state, event('11', 'appointment.held', appt('a', 1, '2026-11-23T09:00:00.000Z', 'HELD')));
    applyChange(qc, state, event('12', 'appointment.booked', appt('a', 2, '2026-11-23T09:00:00.000Z', 'BOOKED')));
    applyChange(qc, state, event('13', 'appointment.checked_in', appt('a', 3, '2026-11-23T09:00:00.000Z', 'CHECKED_IN')));
    expect(read('2026-11-23').appointments.map((a) => [a.id, a.status, a.version])).toEqual([['a', 'CHECKED_IN', 3]]);
    expect(state.lastSeq).toBe('13');
  });

  it('ignores a duplicate delivery of the same event', () => {
    const { qc, read, state } = setup(day('2026-11-23'));
    const held = event('11', 'appointment.held', appt('a', 1, '2026-11-23T09:00:00.000Z', 'HELD'));
    expect(applyChange(qc, state, held)).toBe('applied');
    const before = read('2026-11-23');
    expect(applyChange(qc, state, held)).toBe('duplicate');
    expect(read('2026-11-23')).toBe(before);
  });

  it('ignores an older version arriving after a newer one, even with a higher seq', () => {
    const { qc, read, state } = setup(day('2026-11-23'));
    applyChange(qc, state, event('12', 'appointment.booked', appt('a', 2, '2026-11-23T09:00:00.000Z', 'BOOKED')));
    expect(applyChange(qc, state, event('13', 'appointment.held', appt('a', 1, '2026-11-23T09:00:00.000Z', 'HELD')))).toBe('stale');
    expect(read('2026-11-23').appointments[0]?.status).toBe('BOOKED');
  });

  it('keeps a fresher cached version than the event carries', () => {
    const { qc, read, state } = setup(day('2026-11-23', '10', [appt('a', 4, '2026-11-23T09:00:00.000Z')]));
    applyChange(qc, state, event('11', 'appointment.moved', appt('a', 3, '2026-11-23T10:00:00.000Z')));
    expect(read('2026-11-23').appointments[0]?.version).toBe(4);
  });

  it('a moved appointment leaves one day and enters another', () => {
    const { qc, read, state } = setup(day('2026-11-23', '10', [appt('a', 2, '2026-11-23T09:00:00.000Z')]), day('2026-11-24'));
    applyChange(qc, state, event('11', 'appointment.moved', appt('a', 3, '2026-11-24T15:00:00.000Z')));
    expect(read('2026-11-23').appointments).toEqual([]);
    expect(read('2026-11-24').appointments.map((a) => [a.id, a.version])).toEqual([['a', 3]]);
  });

  it('does not insert into a day that was read after the event', () => {
    const { qc, read, state } = setup(day('2026-11-24', '20'));
    applyChange(qc, state, event('15', 'appointment.held', appt('a', 1, '2026-11-24T09:00:00.000Z', 'HELD')));
    expect(read('2026-11-24').appointments).toEqual([]);
  });

  it('appointments at another branch or day are left out', () => {
    const { qc, read, state } = setup(day('2026-11-23'));
    applyChange(qc, state, event('11', 'appointment.booked', { ...appt('a', 1, '2026-11-23T09:00:00.000Z'), branchId: 'other' }));
    applyChange(qc, state, event('12', 'appointment.booked', appt('b', 1, '2026-11-25T09:00:00.000Z')));
    expect(read('2026-11-23').appointments).toEqual([]);
  });

  it('events arriving out of seq order across appointments are all applied', () => {
    const { qc, read, state } = setup(day('2026-11-23'));
    applyChange(qc, state, event('14', 'appointment.booked', appt('b', 1, '2026-11-23T11:00:00.000Z')));
    applyChange(qc, state, event('13', 'appointment.booked', appt('a', 1, '2026-11-23T09:00:00.000Z')));
    expect(read('2026-11-23').appointments.map((a) => a.id)).toEqual(['a', 'b']);
    expect(state.lastSeq).toBe('14');
  });

  it('a reset heals: every query is refetched and the sync state starts from the head', async () => {
    const { qc, state } = setup(day('2026-11-23'));
    applyChange(qc, state, event('11', 'appointment.booked', appt('a', 1, '2026-11-23T09:00:00.000Z')));
    expect(applyChange(qc, state, { kind: 'reset', reason: 'gap', headSeq: '500' })).toBe('reset');
    expect(qc.getQueryState(dayKey('2026-11-23'))?.isInvalidated).toBe(true);
    expect(state.lastSeq).toBe('500');
    expect(state.versions.size).toBe(0);
    // After the reset an event for the same appointment applies again.
    expect(applyChange(qc, state, event('501', 'appointment.cancelled', appt('a', 2, '2026-11-23T09:00:00.000Z', 'CANCELLED')))).toBe('applied');
  });

  it('time off added by another desk appears on the day', () => {
    const { qc, read, state } = setup(day('2026-11-23'));
    const timeOff = { id: 't1', branchId: BRANCH, resourceId: DR, kind: 'LEAVE' as const, startsAt: '2026-11-23T12:00:00.000Z', endsAt: '2026-11-23T13:00:00.000Z', reason: 'Lunch' };
    applyChange(qc, state, { kind: 'event', event: { seq: '11', type: 'time_off.added', tenantId: 't', branchId: BRANCH, aggregateId: 't1', actorId: null, desk: '', at: '', payload: { timeOff } } });
    expect(read('2026-11-23').timeOff).toEqual([timeOff]);
    applyChange(qc, state, { kind: 'event', event: { seq: '12', type: 'time_off.removed', tenantId: 't', branchId: BRANCH, aggregateId: 't1', actorId: null, desk: '', at: '', payload: { timeOff } } });
    expect(read('2026-11-23').timeOff).toEqual([]);
  });
});
