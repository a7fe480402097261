import { badInput } from './outcome.js';

// Reading what a FHIR client sends: references, Parameters, and a proposed
// (or held) Appointment as $hold and $book take it back.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `Type/id`, an absolute URL ending so, or a bare id: the id, if it is of that type. */
export function idOf(reference: string | undefined | null, type: string): string | null {
  if (!reference) return null;
  const m = /(?:^|\/)([A-Za-z]+)\/([^/]+)$/.exec(reference);
  const id = m ? (m[1] === type ? m[2]! : null) : reference;
  return id && UUID.test(id) ? id.toLowerCase() : null;
}

export function isUuid(s: string): boolean {
  return UUID.test(s);
}

type Param = { name?: string; valueString?: string; valueDateTime?: string; valueInstant?: string; valueInteger?: number; valueReference?: { reference?: string }; valueId?: string; resource?: Record<string, unknown> };

/** A Parameters resource's values by name (a plain JSON body without resourceType Parameters is not one). */
export function parameters(body: unknown): Map<string, Param[]> {
  const out = new Map<string, Param[]>();
  const b = body as { resourceType?: string; parameter?: Param[] } | null;
  if (!b || b.resourceType !== 'Parameters') return out;
  for (const p of Array.isArray(b.parameter) ? b.parameter : []) {
    if (!p || typeof p.name !== 'string') continue;
    out.set(p.name, [...(out.get(p.name) ?? []), p]);
  }
  return out;
}

export const valueOf = (p: Param | undefined): string | undefined =>
  p?.valueString ?? p?.valueDateTime ?? p?.valueInstant ?? p?.valueId ?? p?.valueReference?.reference ?? (p?.valueInteger !== undefined ? String(p.valueInteger) : undefined);

export interface Proposal {
  branchId: string;
  serviceId: string;
  start: string;
  resourceIds: string[];
  patientId: string | null;
}

type Participant = { actor?: { reference?: string } };

/** A proposed Appointment (from $find, or written by the client) as the booking commands take it. */
export function readProposal(body: unknown): Proposal {
  const params = parameters(body);
  const a = (params.size > 0 ? params.get('appointment-resource')?.[0]?.resource ?? params.get('appointment')?.[0]?.resource : body) as Record<string, unknown> | undefined;
  if (!a || a.resourceType !== 'Appointment') throw badInput('Send the proposed Appointment ($find gave it), as the body or as the Parameters parameter appointment-resource.', 'appointment-resource');
  const participants = (Array.isArray(a.participant) ? a.participant : []) as Participant[];
  const refs = (type: string) => participants.map((p) => idOf(p.actor?.reference, type)).filter((x): x is string => x !== null);
  const serviceCoding = (a.serviceType as { coding?: { system?: string; code?: string }[] }[] | undefined)?.flatMap((s) => s.coding ?? []).find((c) => c.system === 'https://frontdesk.dev/fhir/service');
  const serviceId = refs('HealthcareService')[0] ?? (serviceCoding?.code && isUuid(serviceCoding.code) ? serviceCoding.code : null);
  const branchId = refs('Location')[0];
  if (!serviceId) throw badInput('Name the service: a HealthcareService participant.', 'Appointment.participant');
  if (!branchId) throw badInput('Name the branch: a Location participant.', 'Appointment.participant');
  if (typeof a.start !== 'string' || Number.isNaN(Date.parse(a.start))) throw badInput('Give the start as an instant, e.g. 2026-08-10T09:30:00Z.', 'Appointment.start');
  const patients = refs('Patient');
  if (patients.length > 1) throw badInput('An appointment is for one patient.', 'Appointment.participant');
  return { branchId, serviceId, start: new Date(a.start).toISOString(), resourceIds: [...refs('Practitioner'), ...refs('Device')], patientId: patients[0] ?? null };
}

/** A FHIR date search value (`ge2026-08-10`, `lt2026-08-11T00:00:00Z`), as [prefix, instant]. */
export function dateParam(value: string, field: string): { prefix: string; at: Date } {
  const m = /^(eq|ge|gt|le|lt|sa|eb)?(\d{4}-\d{2}-\d{2}(?:T[0-9:.]+(?:Z|[+-]\d{2}:\d{2}))?)$/.exec(value);
  const at = m ? new Date(m[2]!.length === 10 ? `${m[2]}T00:00:00Z` : m[2]!) : null;
  if (!m || !at || Number.isNaN(at.getTime())) throw badInput(`${field} is a date or instant, e.g. ge2026-08-10.`, field);
  return { prefix: m[1] ?? 'eq', at };
}

/** A window from date parameters: ge/gt set the start, lt/le the end; a bare date is that (UTC) day. */
export function window(values: readonly string[], field: string): { from?: Date; to?: Date } {
  const out: { from?: Date; to?: Date } = {};
  for (const v of values) {
    const { prefix, at } = dateParam(v, field);
    if (prefix === 'ge' || prefix === 'gt' || prefix === 'sa') out.from = at;
    else if (prefix === 'lt' || prefix === 'le' || prefix === 'eb') out.to = at;
    else {
      out.from = at;
      out.to = new Date(at.getTime() + (v.length <= 12 ? 86_400_000 : 60_000));
    }
  }
  return out;
}
