import { describe, expect, it } from 'vitest';
import type { AppointmentStatus, AppointmentView, DayView } from '@frontdesk/shared';
import { sheetRows, toCsv } from './day-sheet-rows.js';

const NY = 'America/New_York';

function appointment(id: string, status: AppointmentStatus, startsAt: string, cancelReason: string | null = null): AppointmentView {
  return {
    id,
    branchId: 'east',
    serviceId: 'gp',
    serviceName: 'GP consultation',
    patient: status === 'RELEASED' || status === 'EXPIRED' ? null : { id: 'p', name: 'Maya Brown', phone: '+1 212 555 1001' },
    status,
    startsAt,
    endsAt: new Date(Date.parse(startsAt) + 15 * 60_000).toISOString(),
    holdExpiresAt: null,
    version: 2,
    priceCents: 6500,
    note: '',
    cancelReason,
    resources: [{ resourceId: 'carter', startsAt, endsAt: new Date(Date.parse(startsAt) + 15 * 60_000).toISOString() }],
    products: [],
    createdBy: 'staff',
    updatedAt: startsAt,
    keptOutsideHours: false,
  } as AppointmentView;
}

const day = {
  branchId: 'east',
  branchName: 'Midtown',
  timeZone: NY,
  date: '2026-11-23',
  startsAt: '2026-11-23T05:00:00.000Z',
  endsAt: '2026-11-24T05:00:00.000Z',
  resources: [{ id: 'carter', kind: 'PRACTITIONER', name: 'Dr James Carter', tags: [], colour: '', working: [] }],
  appointments: [
    appointment('booked', 'BOOKED', '2026-11-23T14:00:00.000Z'),
    appointment('released', 'RELEASED', '2026-11-23T14:15:00.000Z'),
    appointment('expired', 'EXPIRED', '2026-11-23T14:30:00.000Z'),
    appointment('legacy', 'CANCELLED', '2026-11-23T14:45:00.000Z', 'Hold released'),
    appointment('cancelled', 'CANCELLED', '2026-11-23T15:00:00.000Z', 'Patient is ill'),
  ],
  timeOff: [],
  sessions: [],
  asOfSeq: '1',
} as DayView;

describe('the day sheet and its CSV', () => {
  it('leave out holds that were released or ran out: they were never appointments; a real cancellation stays', () => {
    expect(sheetRows(day).map((r) => r.id)).toEqual(['booked', 'cancelled']);
    const csv = toCsv(day);
    expect(csv).not.toMatch(/RELEASED|EXPIRED|Hold released/);
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(3);
    expect(csv).toContain('"10:00","10:15","Dr James Carter","Maya Brown"');
    // The practitioner the row is grouped under, last so the other columns keep their places.
    expect(csv.split('\r\n')[0]).toMatch(/"Note","Practitioner"$/);
    expect(csv.split('\r\n')[1]).toMatch(/,"Dr James Carter"$/);
  });

  it('show them when asked', () => {
    expect(sheetRows(day, true).map((r) => r.id)).toEqual(['booked', 'released', 'expired', 'legacy', 'cancelled']);
    expect(toCsv(day, true)).toContain('"RELEASED"');
  });
});
