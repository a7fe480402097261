import { createHash } from 'node:crypto';
import type { AppointmentStatus, AppointmentView, SlotSuggestion } from '@frontdesk/shared';

// Frontdesk's records as FHIR R4 resources (JSON). Pure: the repository reads,
// the service decides, this only shapes. Resources are plain objects typed
// loosely on purpose: the tests validate each one against the R4 JSON schema.

export type Resource = { resourceType: string; id?: string } & Record<string, unknown>;

export const FHIR_JSON = 'application/fhir+json';
export const EXT = {
  holdExpires: 'https://frontdesk.dev/fhir/StructureDefinition/hold-expires',
  slotCapacity: 'http://fhir-registry.smarthealthit.org/StructureDefinition/slot-capacity',
  bookingDeepLink: 'http://fhir-registry.smarthealthit.org/StructureDefinition/booking-deep-link',
  bookingPhone: 'http://fhir-registry.smarthealthit.org/StructureDefinition/booking-phone',
} as const;
export const ERROR_SYSTEM = 'https://frontdesk.dev/fhir/CodeSystem/error';
export const PATIENT_ID_SYSTEM = 'https://frontdesk.dev/fhir/patient-id';
export const NATIONAL_ID_SYSTEM = 'https://frontdesk.dev/fhir/national-id';

/** held → pending, booked → booked, … (R4 AppointmentStatus); a hold let go or run out was never an appointment: cancelled. */
export const FHIR_STATUS: Record<AppointmentStatus, string> = {
  HELD: 'pending',
  BOOKED: 'booked',
  CHECKED_IN: 'checked-in',
  IN_CONSULTATION: 'checked-in',
  COMPLETED: 'fulfilled',
  CANCELLED: 'cancelled',
  NO_SHOW: 'noshow',
  EXPIRED: 'cancelled',
  RELEASED: 'cancelled',
};

/** A UUID-shaped id from a hash: a Schedule (a resource at a branch) has no row of its own, and FHIR ids stop at 64 characters. */
export function scheduleId(resourceId: string, branchId: string): string {
  const h = createHash('sha256').update(`schedule:${resourceId}:${branchId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** A computed Slot's id: its schedule, its start (epoch minutes) and length, so it reads back without being stored. */
export function slotId(schedule: string, start: Date, end: Date, free: boolean): string {
  const minutes = Math.round(start.getTime() / 60_000).toString(36);
  const length = Math.round((end.getTime() - start.getTime()) / 60_000).toString(36);
  return `${schedule}.${minutes}.${length}.${free ? 'f' : 'b'}`;
}

export function parseSlotId(id: string): { schedule: string; start: Date; end: Date; free: boolean } | null {
  const m = /^([0-9a-f-]{36})\.([0-9a-z]{1,9})\.([0-9a-z]{1,4})\.([fb])$/.exec(id);
  if (!m) return null;
  const start = parseInt(m[2]!, 36) * 60_000;
  return { schedule: m[1]!, start: new Date(start), end: new Date(start + parseInt(m[3]!, 36) * 60_000), free: m[4] === 'f' };
}

export const ref = (type: string, id: string, display?: string) => (display ? { reference: `${type}/${id}`, display } : { reference: `${type}/${id}` });

export interface BranchRow {
  id: string;
  name: string;
  timeZone: string;
  address: string;
  phone: string;
  active: boolean;
}

export function location(b: BranchRow): Resource {
  return {
    resourceType: 'Location',
    id: b.id,
    status: b.active ? 'active' : 'inactive',
    name: b.name,
    mode: 'instance',
    ...(b.phone ? { telecom: [{ system: 'phone', value: b.phone, use: 'work' }] } : {}),
    ...(b.address ? { address: { text: b.address } } : {}),
    extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/timezone', valueCode: b.timeZone }],
  };
}

export interface ResourceRow {
  id: string;
  name: string;
  kind: 'PRACTITIONER' | 'ROOM' | 'CHAIR' | 'DEVICE';
  active: boolean;
  branchIds: string[];
}

export function practitioner(r: ResourceRow): Resource {
  return { resourceType: 'Practitioner', id: r.id, active: r.active, name: [{ text: r.name }] };
}

/** One per practitioner: where they work and what they give. */
export function practitionerRole(r: ResourceRow, services: readonly ServiceRow[]): Resource {
  return {
    resourceType: 'PractitionerRole',
    id: r.id,
    active: r.active,
    practitioner: ref('Practitioner', r.id, r.name),
    location: r.branchIds.map((b) => ref('Location', b)),
    healthcareService: services.map((s) => ref('HealthcareService', s.id, s.name)),
  };
}

export interface ServiceRow {
  id: string;
  name: string;
  durationMin: number;
  active: boolean;
  branchIds: string[];
}

export function healthcareService(s: ServiceRow): Resource {
  return {
    resourceType: 'HealthcareService',
    id: s.id,
    active: s.active,
    name: s.name,
    type: [{ text: s.name }],
    location: s.branchIds.map((b) => ref('Location', b)),
    comment: `Takes ${s.durationMin} minutes.`,
  };
}

export function schedule(r: ResourceRow, branch: BranchRow, services: readonly ServiceRow[]): Resource {
  return {
    resourceType: 'Schedule',
    id: scheduleId(r.id, branch.id),
    active: r.active && branch.active,
    serviceType: services.map((s) => ({ coding: [{ system: 'https://frontdesk.dev/fhir/service', code: s.id, display: s.name }], text: s.name })),
    actor: [ref(r.kind === 'PRACTITIONER' ? 'Practitioner' : 'Device', r.id, r.name), ref('Location', branch.id, branch.name)],
    comment: `${r.name} at ${branch.name}`,
  };
}

export function slot(s: { schedule: string; start: Date; end: Date; free: boolean; service?: ServiceRow | undefined; deepLink?: string | undefined; phone?: string | undefined }): Resource {
  const extension: object[] = [{ url: EXT.slotCapacity, valueInteger: 1 }];
  if (s.free && s.deepLink) extension.push({ url: EXT.bookingDeepLink, valueUrl: s.deepLink });
  if (s.free && s.phone) extension.push({ url: EXT.bookingPhone, valueString: s.phone });
  return {
    resourceType: 'Slot',
    id: slotId(s.schedule, s.start, s.end, s.free),
    schedule: ref('Schedule', s.schedule),
    status: s.free ? 'free' : 'busy',
    start: s.start.toISOString(),
    end: s.end.toISOString(),
    ...(s.service ? { serviceType: [{ coding: [{ system: 'https://frontdesk.dev/fhir/service', code: s.service.id, display: s.service.name }], text: s.service.name }] } : {}),
    extension,
  };
}

export type ResourceKinds = ReadonlyMap<string, { kind: ResourceRow['kind']; name: string }>;

function resourceParticipant(id: string, kinds: ResourceKinds) {
  const r = kinds.get(id);
  const type = r?.kind === 'PRACTITIONER' ? 'Practitioner' : 'Device';
  return { actor: ref(type, id, r?.name), required: 'required', status: 'accepted' };
}

export function appointment(v: AppointmentView, kinds: ResourceKinds, branchName?: string): Resource {
  const extension = v.status === 'HELD' && v.holdExpiresAt ? [{ url: EXT.holdExpires, valueInstant: v.holdExpiresAt }] : undefined;
  const reason = v.status === 'EXPIRED' ? 'The hold expired.' : v.status === 'RELEASED' ? 'The hold was let go.' : v.cancelReason;
  return {
    resourceType: 'Appointment',
    id: v.id,
    meta: { versionId: String(v.version), lastUpdated: v.updatedAt },
    ...(extension ? { extension } : {}),
    status: FHIR_STATUS[v.status],
    ...(FHIR_STATUS[v.status] === 'cancelled' && reason ? { cancelationReason: { text: reason } } : {}),
    serviceType: [{ coding: [{ system: 'https://frontdesk.dev/fhir/service', code: v.serviceId, display: v.serviceName }], text: v.serviceName }],
    start: v.startsAt,
    end: v.endsAt,
    minutesDuration: Math.round((Date.parse(v.endsAt) - Date.parse(v.startsAt)) / 60_000),
    participant: [
      ...(v.patient ? [{ actor: ref('Patient', v.patient.id, v.patient.name), required: 'required', status: 'accepted' }] : []),
      ...[...new Set(v.resources.map((r) => r.resourceId))].map((id) => resourceParticipant(id, kinds)),
      { actor: ref('Location', v.branchId, branchName), required: 'required', status: 'accepted' },
      { actor: ref('HealthcareService', v.serviceId, v.serviceName), required: 'information-only', status: 'accepted' },
    ],
  };
}

/** A time $find offers (or a taken one's alternative): not stored, so no id; send it back whole to $hold or $book. */
export function proposed(s: SlotSuggestion, service: { id: string; name: string }, kinds: ResourceKinds, patientId?: string | null): Resource {
  return {
    resourceType: 'Appointment',
    status: 'proposed',
    serviceType: [{ coding: [{ system: 'https://frontdesk.dev/fhir/service', code: service.id, display: service.name }], text: service.name }],
    start: s.startsAt,
    end: s.endsAt,
    minutesDuration: Math.round((Date.parse(s.endsAt) - Date.parse(s.startsAt)) / 60_000),
    participant: [
      ...(patientId ? [{ actor: ref('Patient', patientId), required: 'required', status: 'needs-action' }] : []),
      ...s.resourceIds.map((id) => ({ ...resourceParticipant(id, kinds), status: 'needs-action' })),
      { actor: ref('Location', s.branchId), required: 'required', status: 'needs-action' },
      { actor: ref('HealthcareService', service.id, service.name), required: 'information-only', status: 'needs-action' },
    ],
  };
}

export interface PatientRow {
  id: string;
  name: string;
  phone: string;
  email: string | null;
  dateOfBirth: Date | null;
  sex: string | null;
  nationalId: string | null;
}

const GENDER: Record<string, string> = { female: 'female', male: 'male', other: 'other', unknown: 'unknown' };

export function patient(p: PatientRow): Resource {
  return {
    resourceType: 'Patient',
    id: p.id,
    identifier: [{ system: PATIENT_ID_SYSTEM, value: p.id }, ...(p.nationalId ? [{ system: NATIONAL_ID_SYSTEM, value: p.nationalId }] : [])],
    name: [{ text: p.name }],
    telecom: [{ system: 'phone', value: p.phone }, ...(p.email ? [{ system: 'email', value: p.email }] : [])],
    ...(p.dateOfBirth ? { birthDate: p.dateOfBirth.toISOString().slice(0, 10) } : {}),
    ...(p.sex && GENDER[p.sex.toLowerCase()] ? { gender: GENDER[p.sex.toLowerCase()] } : {}),
  };
}

export function searchset(base: string, self: string, resources: readonly Resource[]): Resource {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: resources.length,
    link: [{ relation: 'self', url: self }],
    entry: resources.map((r) => ({ fullUrl: r.id ? `${base}/${r.resourceType}/${r.id}` : `urn:uuid:${randomish(r)}`, resource: r, search: { mode: 'match' } })),
  };
}

/** A stable urn for an entry without an id (a proposed appointment). */
function randomish(r: Resource): string {
  const h = createHash('sha256').update(JSON.stringify(r)).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
