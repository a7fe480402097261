import { describe, expect, it } from 'vitest';
import type { AnyLogEvent, AppointmentView } from '@frontdesk/shared';
import type { Permission } from '../auth/permissions.js';
import type { LogEntry } from './log.repository.js';
import { changesAccessOf, viewFor } from './visibility.js';

const T = 'tenant-1';
const EAST = 'branch-east';
const WEST = 'branch-west';

function entry(event: Partial<AnyLogEvent> & Pick<AnyLogEvent, 'type' | 'payload'>): LogEntry {
  return {
    position: { tx: 1n, seq: 1n },
    patientId: null,
    event: { seq: '1', tenantId: T, branchId: EAST, aggregateId: null, actorId: null, desk: 'd', at: '2026-01-01T00:00:00.000Z', ...event } as AnyLogEvent,
    size: 0,
  };
}

const appointment: AppointmentView = {
  id: 'a1',
  branchId: EAST,
  serviceId: 's1',
  serviceName: 'Check-up',
  patient: { id: 'p1', name: 'Pat Patient', phone: '+1 555 0100' },
  status: 'BOOKED',
  startsAt: '2026-01-01T09:00:00.000Z',
  endsAt: '2026-01-01T09:30:00.000Z',
  holdExpiresAt: null,
  version: 1,
  priceCents: 1000,
  note: 'Pat prefers mornings',
  cancelReason: null,
  resources: [],
  products: [],
  createdBy: 'staff-1',
  updatedAt: '2026-01-01T08:00:00.000Z',
  keptOutsideHours: false,
};

const staffChanged = (branchIds: string[], previousBranchIds?: string[]) =>
  entry({ type: 'staff.changed', branchId: null, payload: { staffId: 'r1', change: 'branches', role: 'RECEPTIONIST', branchIds, ...(previousBranchIds && { previousBranchIds }) } });

const all = () => true;
const without = (denied: Permission) => (p: Permission) => p !== denied;

describe('what one desk sees of the log', () => {
  it("another tenant's events, and branches outside the scope, never", () => {
    const view = viewFor({ role: 'RECEPTIONIST' }, { tenantId: T, branchIds: [EAST] }, all);
    const stock = { productId: 'x', branchId: EAST, quantity: 1, delta: 1 };
    expect(view(entry({ type: 'stock.changed', payload: stock }))).not.toBeNull();
    expect(view(entry({ type: 'stock.changed', branchId: WEST, payload: stock }))).toBeNull();
    expect(view(entry({ type: 'stock.changed', tenantId: 'tenant-2', payload: stock }))).toBeNull();
    const everyBranch = viewFor({ role: 'CALL_CENTRE' }, { tenantId: T, branchIds: null }, all);
    expect(everyBranch(entry({ type: 'stock.changed', branchId: WEST, payload: stock }))).not.toBeNull();
  });

  it('a role that may not read patients gets the schedule without who is booked or the note', () => {
    const view = viewFor({ role: 'CALL_CENTRE' }, { tenantId: T, branchIds: null }, without('patients.read'));
    const seen = view(entry({ type: 'appointment.booked', payload: { appointment } }));
    expect(seen?.payload).toMatchObject({ appointment: { id: 'a1', patient: null, note: '', startsAt: appointment.startsAt } });
    expect(JSON.stringify(seen)).not.toMatch(/Pat/);
    expect(view(entry({ type: 'patient.created', branchId: null, payload: { patientId: 'p1' } }))).toBeNull();
    // A series names its patient; a message's delivery error may name the patient's address.
    expect(view(entry({ type: 'series.booked', payload: { seriesId: 's1', patientId: 'p1', count: 4, appointmentIds: ['a1'] } }))).toBeNull();
    const failed = { id: 'm1', appointmentId: 'a1', kind: 'reminder', version: 1, channel: 'email', state: 'failed', sendAt: '2026-01-01T08:00:00.000Z', sentAt: null, attempts: 3, lastError: '550 pat@example.com unknown', answer: null, answeredAt: null } as const;
    expect(view(entry({ type: 'message.state_changed', payload: { message: failed } }))).toBeNull();
    // One that may, gets it whole.
    const full = viewFor({ role: 'RECEPTIONIST' }, { tenantId: T, branchIds: [EAST] }, all)(entry({ type: 'appointment.booked', payload: { appointment } }));
    expect(full?.payload).toMatchObject({ appointment: { patient: { name: 'Pat Patient' }, note: 'Pat prefers mornings' } });
  });

  it('a staff change: every one to an admin, those of his branches to a manager, none to the front desk', () => {
    const admin = viewFor({ role: 'ADMIN' }, { tenantId: T, branchIds: null });
    const manager = viewFor({ role: 'BRANCH_MANAGER' }, { tenantId: T, branchIds: [EAST] });
    const reception = viewFor({ role: 'RECEPTIONIST' }, { tenantId: T, branchIds: [EAST] });
    const callCentre = viewFor({ role: 'CALL_CENTRE' }, { tenantId: T, branchIds: null });
    for (const branches of [[EAST], [WEST], [EAST, WEST], []]) {
      const e = staffChanged(branches);
      expect(admin(e)).not.toBeNull();
      expect(manager(e) !== null, branches.join()).toBe(branches.includes(EAST));
      expect(reception(e)).toBeNull();
      expect(callCentre(e)).toBeNull();
    }
  });

  it('a move between branches reaches the manager of the branch left as well as of the one joined', () => {
    const east = viewFor({ role: 'BRANCH_MANAGER' }, { tenantId: T, branchIds: [EAST] });
    const west = viewFor({ role: 'BRANCH_MANAGER' }, { tenantId: T, branchIds: [WEST] });
    const moved = staffChanged([WEST], [EAST]);
    expect(east(moved)).not.toBeNull();
    expect(west(moved)).not.toBeNull();
    expect(viewFor({ role: 'BRANCH_MANAGER' }, { tenantId: T, branchIds: ['branch-north'] })(moved)).toBeNull();
  });

  it('time off at no branch: why, only to a desk that sees every branch; at a branch, whole to that branch', () => {
    const timeOff = { id: 't1', branchId: null, resourceId: 'dr1', kind: 'LEAVE' as const, startsAt: '2026-01-02T00:00:00.000Z', endsAt: '2026-01-03T00:00:00.000Z', reason: 'Surgery for Pat' };
    const reception = viewFor({ role: 'RECEPTIONIST' }, { tenantId: T, branchIds: [EAST] });
    const callCentre = viewFor({ role: 'CALL_CENTRE' }, { tenantId: T, branchIds: null });
    for (const type of ['time_off.added', 'time_off.removed'] as const) {
      const resourceAlone = entry({ type, branchId: null, payload: { timeOff } });
      expect(reception(resourceAlone)?.payload).toEqual({ timeOff: { ...timeOff, reason: '' } });
      expect(callCentre(resourceAlone)?.payload).toEqual({ timeOff });
      const atEast = entry({ type, branchId: EAST, payload: { timeOff: { ...timeOff, branchId: EAST } } });
      expect(reception(atEast)?.payload).toMatchObject({ timeOff: { reason: 'Surgery for Pat' } });
    }
  });

  it('who opened a patient record, who signed out: nobody', () => {
    const viewed = entry({ type: 'patient.viewed', branchId: null, payload: { patientId: 'p1' } });
    const signedOut = entry({ type: 'staff.signed_out', branchId: null, payload: { staffId: 'r1', everywhere: false } });
    for (const role of ['ADMIN', 'BRANCH_MANAGER', 'RECEPTIONIST', 'CALL_CENTRE'] as const) {
      expect(viewFor({ role }, { tenantId: T, branchIds: null })(viewed)).toBeNull();
      expect(viewFor({ role }, { tenantId: T, branchIds: null })(signedOut)).toBeNull();
    }
  });

  it('a staff change or a sign-out of the desk’s own account changes its access, whatever it sees of it', () => {
    expect(changesAccessOf(staffChanged([WEST]), { staffId: 'r1' })).toBe(true);
    expect(changesAccessOf(staffChanged([WEST]), { staffId: 'r2' })).toBe(false);
    const signedOut = entry({ type: 'staff.signed_out', branchId: null, payload: { staffId: 'r1', everywhere: true } });
    expect(changesAccessOf(signedOut, { staffId: 'r1' })).toBe(true);
    expect(changesAccessOf(signedOut, { staffId: 'r2' })).toBe(false);
  });
});
