import type { AnyLogEvent } from '@frontdesk/shared';
import { roleMay, type Permission } from '../auth/permissions.js';
import type { Actor } from '../auth/scope.js';
import type { LogEntry, Scope } from './log.repository.js';

// What of the log one staff member's stream carries. An event never carries
// data its recipient could not read directly: the tenant and branch filter,
// then one rule per kind of event that holds more than a branch's schedule.

export type View = (entry: LogEntry) => AnyLogEvent | null;

/** Whether this log row changes what `actor` may see (branches, role, disabled, signed out): their stream must not go on with the old scope. */
export function changesAccessOf(entry: LogEntry, actor: Pick<Actor, 'staffId'>): boolean {
  const { event } = entry;
  return (event.type === 'staff.changed' || event.type === 'staff.signed_out') && event.payload.staffId === actor.staffId;
}

export function viewFor(actor: Pick<Actor, 'role'>, scope: Scope, may: (permission: Permission) => boolean = (p) => roleMay(actor.role, p)): View {
  const branches = scope.branchIds === null ? null : new Set(scope.branchIds);
  const inScope = (branchId: string) => branches === null || branches.has(branchId);
  const seesPatients = may('patients.read');
  // A branch manager manages the staff of his branches; an admin everyone's.
  const seesStaff = may('staff.manage');
  const seesAllStaff = seesStaff && actor.role === 'ADMIN';

  return ({ event }) => {
    if (event.tenantId !== scope.tenantId) return null;
    if (event.branchId !== null && !inScope(event.branchId)) return null;
    switch (event.type) {
      case 'staff.changed':
        if (seesAllStaff) return event;
        // The manager of a branch the staff member left is told too.
        return seesStaff && [...event.payload.branchIds, ...(event.payload.previousBranchIds ?? [])].some(inScope) ? event : null;
      // Time off of a resource alone, at no branch, reaches every desk of the tenant: why it is off, only a desk that sees every branch.
      case 'time_off.added':
      case 'time_off.removed':
        if (event.branchId !== null || branches === null) return event;
        return { ...event, payload: { timeOff: { ...event.payload.timeOff, reason: '' } } } as AnyLogEvent;
      // Who opened which record, who signed out where: for the audit view (which reads the log itself), not for every desk.
      case 'patient.viewed':
      case 'staff.signed_out':
        return null;
      // Patient records; waitlist entries and offers and a series name their patient; a message's delivery error may name their address.
      case 'patient.created':
      case 'patient.updated':
      case 'patient.merged':
      case 'waitlist.added':
      case 'waitlist.offer':
      case 'waitlist.booked':
      case 'series.booked':
      case 'message.state_changed':
        return seesPatients ? event : null;
      case 'token.issued':
        return seesPatients || !event.payload.token.walkInName ? event : ({ ...event, payload: { ...event.payload, token: { ...event.payload.token, walkInName: null } } } as AnyLogEvent);
      // A queue token's name is a patient's (or a walk-in's): the number and counter only, without patients.read.
      case 'token.called':
      case 'token.skipped':
      case 'token.served':
      case 'token.patient_attached':
        return seesPatients ? event : ({ ...event, payload: { ...event.payload, token: { ...event.payload.token, name: '', patientId: null } } } as AnyLogEvent);
      default:
        break;
    }
    if (seesPatients || !('appointment' in event.payload)) return event;
    // The schedule without who is booked, nor the free-text note that may name them.
    const appointment = { ...event.payload.appointment, patient: null, note: '' };
    return { ...event, payload: { ...event.payload, appointment } } as AnyLogEvent;
  };
}
