import { bookInput, cancelAppointmentInput, confirmInput, DomainError, findSlotsInput, holdInput, moveInput, patientCreateInput, type AppointmentView, type ApiScope, type SlotSuggestion } from '@frontdesk/shared';
import type { z } from 'zod';
import type { ApiCaller } from '../api-clients/api-clients.service.js';
import type { AvailabilityService } from '../availability/availability.service.js';
import type { CatalogueCache } from '../availability/catalogue-cache.js';
import type { BookingService } from '../booking/booking.service.js';
import type { VisitService } from '../booking/visit.service.js';
import { inTransaction, type Db } from '../db/tx.js';
import type { PatientsService } from '../patients/patients.service.js';
import { badInput, fhirError, notFoundError } from './outcome.js';
import { readProposal, type Proposal } from './params.js';
import type { AppointmentFilter, FhirRepository, PatientFilter } from './fhir.repository.js';
import * as R from './resources.js';

// The FHIR API's reads and operations for one calling system. Every booking
// goes through the booking service's own commands (hold, book, confirm, move,
// release, cancel), so the database's exclusion constraints decide for the
// API exactly as for a desk, and the events reach every desk live.

const DAY = 86_400_000;
/** Slots are computed, not stored: one search covers at most this many days. */
export const SLOT_WINDOW_DAYS = 31;
const SLOT_CHUNK_MS = 2 * DAY;

export class FhirService {
  constructor(
    private readonly db: Db,
    private readonly repo: FhirRepository,
    private readonly booking: BookingService,
    private readonly visits: VisitService,
    private readonly availability: AvailabilityService,
    private readonly catalogues: CatalogueCache,
    private readonly patients: PatientsService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  // ---- reads ---------------------------------------------------------------

  async locations(c: ApiCaller, id?: string): Promise<R.Resource[]> {
    need(c, 'system/Location.read');
    const ids = id ? c.actor.branchIds.filter((b) => b === id) : c.actor.branchIds;
    return (await this.tx(c, (tx) => this.repo.branches(tx, c.actor.tenantId, ids))).map(R.location);
  }

  async practitioners(c: ApiCaller, id?: string): Promise<R.Resource[]> {
    need(c, 'system/Practitioner.read');
    const rows = await this.tx(c, (tx) => this.repo.resources(tx, c.actor.tenantId, c.actor.branchIds, 'PRACTITIONER'));
    return rows.filter((r) => !id || r.id === id).map(R.practitioner);
  }

  async practitionerRoles(c: ApiCaller, id?: string): Promise<R.Resource[]> {
    need(c, 'system/Practitioner.read');
    const { resources, offers } = await this.catalogue(c);
    return resources.filter((r) => r.kind === 'PRACTITIONER' && (!id || r.id === id)).map((r) => R.practitionerRole(r, offers(r.id)));
  }

  async healthcareServices(c: ApiCaller, id?: string): Promise<R.Resource[]> {
    need(c, 'system/HealthcareService.read');
    const { services } = await this.catalogue(c);
    return services.filter((s) => !id || s.id === id).map(R.healthcareService);
  }

  /** A Schedule per practitioner per branch of this system's. */
  async schedules(c: ApiCaller, filter: { id?: string | undefined; actor?: string | undefined } = {}): Promise<R.Resource[]> {
    need(c, 'system/Schedule.read');
    return (await this.scheduleRows(c)).filter((s) => (!filter.id || s.id === filter.id) && (!filter.actor || s.resource.id === filter.actor || s.branch.id === filter.actor)).map((s) => s.fhir);
  }

  /**
   * Free and busy Slots: free ones are the times each service could start
   * (the availability search a desk's finder uses), busy ones the held and
   * booked time. Computed on every read, never stored.
   */
  async slots(c: ApiCaller, q: { schedule?: string | undefined; from: Date; to: Date; status?: string | undefined; serviceId?: string | undefined; deepLink?: (slotId: string) => string }): Promise<R.Resource[]> {
    need(c, 'system/Slot.read');
    if (q.to.getTime() - q.from.getTime() > SLOT_WINDOW_DAYS * DAY) throw badInput(`Search at most ${SLOT_WINDOW_DAYS} days of slots at once.`, 'start');
    if (q.to <= q.from) throw badInput('The end of the search must be after its start.', 'start');
    const schedules = (await this.scheduleRows(c)).filter((s) => !q.schedule || s.id === q.schedule);
    const out: R.Resource[] = [];
    for (const s of schedules) {
      if (q.status !== 'busy') {
        for (const service of s.services.filter((x) => !q.serviceId || x.id === q.serviceId)) {
          // Two days at a time: a day of 15-minute starts stays well under the search's 200 results.
          const found = [];
          for (let from = q.from.getTime(); from < q.to.getTime(); from += SLOT_CHUNK_MS) {
            const to = Math.min(from + SLOT_CHUNK_MS, q.to.getTime());
            found.push(...(await this.availability.findSlots(c.actor, findSlotsInput.parse({ serviceId: service.id, branchIds: [s.branch.id], practitionerIds: [s.resource.id], from: new Date(from).toISOString(), to: new Date(to).toISOString(), limit: 200 }))));
          }
          for (const f of found) {
            const start = new Date(f.startsAt);
            const end = new Date(f.endsAt);
            out.push(R.slot({ schedule: s.id, start, end, free: true, service, deepLink: q.deepLink?.(R.slotId(s.id, start, end, true)), phone: s.branch.phone || undefined }));
          }
        }
      }
      if (q.status !== 'free') {
        const busy = await this.tx(c, (tx) => this.repo.busy(tx, c.actor.tenantId, s.branch.id, [s.resource.id], q.from, q.to));
        for (const b of busy) out.push(R.slot({ schedule: s.id, start: b.startsAt, end: b.endsAt, free: false }));
      }
    }
    return out.sort((a, b) => String(a.start).localeCompare(String(b.start)));
  }

  async slot(c: ApiCaller, id: string, deepLink?: (slotId: string) => string): Promise<R.Resource | null> {
    const parsed = R.parseSlotId(id);
    if (!parsed) return null;
    const found = await this.slots(c, { schedule: parsed.schedule, from: parsed.start, to: new Date(parsed.start.getTime() + 60_000), status: parsed.free ? 'free' : 'busy', ...(deepLink ? { deepLink } : {}) });
    return found.find((s) => s.id === id) ?? null;
  }

  async appointment(c: ApiCaller, id: string): Promise<{ resource: R.Resource; version: number }> {
    need(c, 'system/Appointment.read', 'system/Appointment.write');
    const view = await this.booking.get(c.actor, id);
    return { resource: await this.toAppointment(c, view), version: view.version };
  }

  async appointments(c: ApiCaller, f: Omit<AppointmentFilter, 'branchIds'> & { branchId?: string | undefined }): Promise<R.Resource[]> {
    need(c, 'system/Appointment.read');
    const branchIds = f.branchId ? c.actor.branchIds.filter((b) => b === f.branchId) : c.actor.branchIds;
    const ids = await this.tx(c, (tx) => this.repo.appointmentIds(tx, c.actor.tenantId, { ...f, branchIds }));
    const out: R.Resource[] = [];
    for (const id of ids) out.push(await this.toAppointment(c, await this.booking.get(c.actor, id)));
    return out;
  }

  async patientsFound(c: ApiCaller, f: PatientFilter): Promise<R.Resource[]> {
    need(c, 'system/Patient.read');
    return (await this.tx(c, (tx) => this.repo.patients(tx, c.actor.tenantId, f))).map(R.patient);
  }

  /** A new patient from a minimal Patient resource: a name and a phone number, a birth date if known. */
  async createPatient(c: ApiCaller, body: Record<string, unknown>): Promise<R.Resource> {
    need(c, 'system/Patient.write');
    if (body.resourceType !== 'Patient') throw badInput('Send a Patient resource.', 'resourceType');
    const names = (body.name as { text?: string; given?: string[]; family?: string }[] | undefined) ?? [];
    const first = names[0];
    const name = first?.text ?? [...(first?.given ?? []), first?.family ?? ''].join(' ').trim();
    const telecom = (body.telecom as { system?: string; value?: string }[] | undefined) ?? [];
    const phone = telecom.find((t) => t.system === 'phone' || t.system === 'sms')?.value;
    const email = telecom.find((t) => t.system === 'email')?.value;
    const identifiers = (body.identifier as { system?: string; value?: string }[] | undefined) ?? [];
    const nationalId = identifiers.find((i) => i.system === R.NATIONAL_ID_SYSTEM)?.value;
    const parsed = patientCreateInput.safeParse({
      name,
      phone: phone ?? '',
      ...(email ? { email } : {}),
      ...(typeof body.birthDate === 'string' ? { dateOfBirth: body.birthDate } : {}),
      ...(typeof body.gender === 'string' ? { sex: body.gender } : {}),
      ...(nationalId ? { nationalId } : {}),
      confirmNotDuplicate: true,
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = ({ name: 'Patient.name', phone: 'Patient.telecom', email: 'Patient.telecom', dateOfBirth: 'Patient.birthDate', sex: 'Patient.gender' } as Record<string, string>)[String(issue?.path[0])];
      throw badInput(issue?.message ?? 'The patient is not valid.', field);
    }
    const created = await this.patients.create(c.actor, parsed.data);
    if (created.outcome !== 'created') throw fhirError(409, 'BAD_INPUT', 'A patient like this one is already registered.', 'duplicate');
    const [row] = await this.tx(c, (tx) => this.repo.patients(tx, c.actor.tenantId, { id: created.patient.id, limit: 1 }));
    return R.patient(row!);
  }

  // ---- operations ----------------------------------------------------------

  /** Appointment/$find (ITI-115): the free times as proposed Appointments. */
  async find(c: ApiCaller, q: { from: Date; to: Date; serviceId: string; practitionerIds: string[]; branchIds: string[]; patientId?: string | undefined; limit: number }): Promise<R.Resource[]> {
    need(c, 'system/Slot.read', 'system/Appointment.write');
    const branchIds = q.branchIds.length ? q.branchIds : [...c.actor.branchIds];
    if (branchIds.some((b) => !c.actor.branchIds.includes(b))) throw fhirError(403, 'FORBIDDEN', 'This system may not book at that location.', 'forbidden', 'location');
    const input = findSlotsInput.safeParse({ serviceId: q.serviceId, branchIds, from: q.from.toISOString(), to: q.to.toISOString(), limit: q.limit, ...(q.practitionerIds.length ? { practitionerIds: q.practitionerIds } : {}) });
    if (!input.success) throw badInput(input.error.issues[0]?.message ?? 'The search is not valid.', String(input.error.issues[0]?.path[0] ?? ''));
    const found = await this.availability.findSlots(c.actor, input.data);
    return this.proposals(c, q.serviceId, found, q.patientId ?? null);
  }

  /** Appointment/$hold (ITI-116): a proposed time held for this system (status pending), with its expiry. */
  async hold(c: ApiCaller, proposal: Proposal, holdMinutes?: number, idempotencyKey?: string): Promise<AppointmentView> {
    need(c, 'system/Appointment.write');
    const input = parse(holdInput, { branchId: proposal.branchId, serviceId: proposal.serviceId, startsAt: proposal.start, resourceIds: proposal.resourceIds, ...(proposal.patientId ? { patientId: proposal.patientId } : {}), ...(holdMinutes ? { holdMinutes } : {}), ...(idempotencyKey ? { idempotencyKey } : {}) });
    return this.booking.hold(c.actor, input);
  }

  /** Appointment/$book (ITI-117): a proposed time booked at once, or this system's held one confirmed. */
  async book(c: ApiCaller, target: { proposal: Proposal } | { appointmentId: string; version: number | null; patientId: string | null }, idempotencyKey?: string): Promise<AppointmentView> {
    need(c, 'system/Appointment.write');
    if ('proposal' in target) {
      const p = target.proposal;
      if (!p.patientId) throw badInput('Name the patient (a Patient participant) to book.', 'Appointment.participant');
      return this.booking.book(c.actor, parse(bookInput, { branchId: p.branchId, serviceId: p.serviceId, startsAt: p.start, resourceIds: p.resourceIds, patientId: p.patientId, ...(idempotencyKey ? { idempotencyKey } : {}) }));
    }
    const current = await this.booking.get(c.actor, target.appointmentId);
    return this.booking.confirm(c.actor, parse(confirmInput, { appointmentId: current.id, version: target.version ?? current.version, ...(target.patientId ? { patientId: target.patientId } : {}) }));
  }

  /**
   * An update of an appointment (PUT or PATCH): cancelled → cancel (a hold is
   * let go), booked from pending → $book, another start → move. Only at the
   * version the client read (If-Match): otherwise STALE with the current one.
   */
  async update(c: ApiCaller, id: string, version: number, next: { status?: string | undefined; start?: string | undefined; patientId?: string | null; cancelReason?: string | undefined }): Promise<AppointmentView> {
    need(c, 'system/Appointment.write');
    const current = await this.booking.get(c.actor, id);
    if (current.version !== version) throw new DomainError('STALE', 'This appointment was changed since you read it. Here is how it looks now.', { current });
    const status = next.status ?? R.FHIR_STATUS[current.status];
    if (status === 'cancelled') {
      if (current.status === 'HELD') return this.booking.release(c.actor, { appointmentId: id, version });
      return this.visits.cancel(c.actor, parse(cancelAppointmentInput, { appointmentId: id, version, reasonCode: 'OTHER', reason: next.cancelReason?.trim() || `Cancelled through ${c.actor.name}.` }));
    }
    if (next.start && Date.parse(next.start) !== Date.parse(current.startsAt)) {
      if (status !== R.FHIR_STATUS[current.status]) throw badInput('Change the start or the status, one at a time.', 'Appointment.status');
      return this.booking.move(c.actor, parse(moveInput, { appointmentId: id, version, startsAt: new Date(next.start).toISOString() }));
    }
    if (status === 'booked' && current.status === 'HELD') return this.book(c, { appointmentId: id, version, patientId: next.patientId ?? null });
    if (status === R.FHIR_STATUS[current.status]) return current;
    throw fhirError(422, 'INVALID_STATE', `Through this API an appointment is booked, moved or cancelled; ${status} is set at the clinic.`, 'business-rule', 'Appointment.status');
  }

  // ---- shaping -------------------------------------------------------------

  async toAppointment(c: ApiCaller, view: AppointmentView): Promise<R.Resource> {
    const kinds = await this.tx(c, (tx) => this.repo.resourceKinds(tx, c.actor.tenantId, view.resources.map((r) => r.resourceId)));
    return R.appointment(view, kinds);
  }

  async proposals(c: ApiCaller, serviceId: string, slots: readonly SlotSuggestion[], patientId: string | null): Promise<R.Resource[]> {
    const cat = await this.catalogues.get(c.actor.tenantId, serviceId);
    const kinds = new Map(cat.resources.map((r) => [r.id, { kind: r.kind, name: r.name }]));
    const service = { id: serviceId, name: cat.service?.name ?? '' };
    return slots.map((s) => R.proposed(s, service, kinds, patientId));
  }

  readProposal(body: unknown): Proposal {
    return readProposal(body);
  }

  private tx<T>(c: ApiCaller, work: Parameters<typeof inTransaction<T>>[2]): Promise<T> {
    return inTransaction(this.db, { tenantId: c.actor.tenantId }, work);
  }

  /** Services with the practitioners at this system's branches who give them. */
  private async catalogue(c: ApiCaller) {
    const [resources, allServices] = await this.tx(c, async (tx) => [await this.repo.resources(tx, c.actor.tenantId, c.actor.branchIds), await this.repo.services(tx, c.actor.tenantId)] as const);
    const givers = new Map<string, string[]>();
    const services: R.ServiceRow[] = [];
    for (const s of allServices.filter((x) => x.active)) {
      const cat = await this.catalogues.get(c.actor.tenantId, s.id).catch(() => null);
      if (!cat) continue;
      const branchIds = cat.branches.map((b) => b.id).filter((b) => c.actor.branchIds.includes(b));
      if (branchIds.length === 0) continue;
      services.push({ ...s, branchIds });
      givers.set(s.id, cat.resources.filter((r) => r.kind === 'PRACTITIONER').map((r) => r.id));
    }
    const offers = (resourceId: string) => services.filter((s) => givers.get(s.id)?.includes(resourceId));
    return { resources, services, offers };
  }

  private async scheduleRows(c: ApiCaller) {
    const { resources, offers } = await this.catalogue(c);
    const branches = await this.tx(c, (tx) => this.repo.branches(tx, c.actor.tenantId, c.actor.branchIds));
    return resources
      .filter((r) => r.kind === 'PRACTITIONER')
      .flatMap((r) => branches.filter((b) => r.branchIds.includes(b.id)).map((b) => ({ id: R.scheduleId(r.id, b.id), resource: r, branch: b, services: offers(r.id).filter((s) => s.branchIds.includes(b.id)) })))
      .map((s) => ({ ...s, fhir: R.schedule(s.resource, s.branch, s.services) }));
  }
}

/** The system's token must carry one of these scopes. */
export function need(c: ApiCaller, ...scopes: ApiScope[]): void {
  if (!scopes.some((s) => c.scopes.has(s))) throw fhirError(403, 'FORBIDDEN', `This system is not allowed that: it needs the scope ${scopes.join(' or ')}.`, 'forbidden');
}

/** An input schema of the booking commands, its refusal as BAD_INPUT naming the field. */
function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw badInput(issue?.message ?? 'The request is not valid.', issue ? String(issue.path[0]) : undefined);
}

export { notFoundError };
