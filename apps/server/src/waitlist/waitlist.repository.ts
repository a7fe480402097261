import type { WaitlistContact, WaitlistEntryView, WaitlistOfferView, WaitlistPriority, WaitlistStatus, WaitlistTimeOfDay } from '@frontdesk/shared';
import { Prisma } from '../db/prisma.js';
import type { Db, Tx } from '../db/tx.js';

// Every read and write of the waitlist's three tables, as SQL; stateless, the
// transaction first. Views are built here so each query selects what it shows.

type Client = Tx | Db;

export interface NewEntry {
  tenantId: string;
  patientId: string;
  serviceId: string;
  practitionerIds: string[];
  branchIds: string[];
  fromDate: string;
  toDate: string;
  timesOfDay: string[];
  priority: number;
  notes: string;
  contact: string;
  expiresAt: Date;
  createdBy: string;
}

/** Freed time claimed from the queue. Null times: working hours changed, search the entries' ranges. */
export interface Freed {
  id: string;
  type: string;
  branchId: string | null;
  resourceIds: string[];
  startsAt: Date | null;
  endsAt: Date | null;
}

/** A live entry that might take freed time, best first. */
export interface Candidate {
  id: string;
  serviceId: string;
  practitionerIds: string[];
  fromDate: string;
  toDate: string;
  timesOfDay: WaitlistTimeOfDay[];
}

export interface NewOffer {
  entryId: string;
  branchId: string;
  serviceId: string;
  resourceIds: string[];
  startsAt: Date;
  endsAt: Date;
  freedBy: string;
  openUntil: Date;
  /** The HELD appointment that is this offer (the clinic holds offers). */
  holdAppointmentId?: string | null;
}

/** A held offer as the patient's link and the desk's Book see it. */
export interface HeldOffer {
  offerId: string;
  entryId: string;
  patientId: string;
  branchId: string;
  status: string;
  entryStatus: string;
  startsAt: Date;
  serviceName: string;
  practitionerName: string | null;
  branchName: string;
  clinicName: string;
  timeZone: string;
  hold: { appointmentId: string; status: string; version: number; expiresAt: Date | null } | null;
}

interface EntryRow {
  id: string;
  patient_id: string;
  patient_name: string;
  patient_phone: string;
  service_id: string;
  service_name: string;
  practitioner_ids: string[];
  branch_ids: string[];
  from_date: string;
  to_date: string;
  times_of_day: string[];
  priority: number;
  notes: string;
  contact: string;
  status: string;
  created_at: Date;
  appointment_id: string | null;
}

const ENTRY_SELECT = Prisma.sql`
  SELECT w.id::text, w.patient_id::text, p.name AS patient_name, p.phone AS patient_phone, w.service_id::text, s.name AS service_name,
         w.practitioner_ids::text[] AS practitioner_ids, w.branch_ids::text[] AS branch_ids,
         to_char(w.from_date, 'YYYY-MM-DD') AS from_date, to_char(w.to_date, 'YYYY-MM-DD') AS to_date,
         w.times_of_day, w.priority::int AS priority, w.notes, w.contact, w.status::text AS status, w.created_at, w.appointment_id::text
    FROM waitlist_entry w
    JOIN patient p ON p.tenant_id = w.tenant_id AND p.id = w.patient_id
    JOIN service s ON s.tenant_id = w.tenant_id AND s.id = w.service_id`;

function toEntryView(r: EntryRow): WaitlistEntryView {
  return {
    id: r.id,
    patient: { id: r.patient_id, name: r.patient_name, phone: r.patient_phone },
    serviceId: r.service_id,
    serviceName: r.service_name,
    practitionerIds: r.practitioner_ids,
    branchIds: r.branch_ids,
    fromDate: r.from_date,
    toDate: r.to_date,
    timesOfDay: r.times_of_day as WaitlistTimeOfDay[],
    priority: r.priority as WaitlistPriority,
    notes: r.notes,
    contact: r.contact as WaitlistContact,
    status: r.status as WaitlistStatus,
    createdAt: r.created_at.toISOString(),
    appointmentId: r.appointment_id,
  };
}

interface OfferRow {
  id: string;
  entry_id: string;
  patient_id: string;
  patient_name: string;
  patient_phone: string;
  service_id: string;
  service_name: string;
  branch_id: string;
  resource_ids: string[];
  practitioner_name: string | null;
  starts_at: Date;
  ends_at: Date;
  freed_by: string;
  created_at: Date;
  open_until: Date;
  hold_appointment_id: string | null;
  hold_until: Date | null;
}

const OFFER_SELECT = Prisma.sql`
  SELECT o.id::text, o.entry_id::text, w.patient_id::text, p.name AS patient_name, p.phone AS patient_phone,
         o.service_id::text, s.name AS service_name, o.branch_id::text, o.resource_ids::text[] AS resource_ids,
         (SELECT r.name FROM resource r WHERE r.tenant_id = o.tenant_id AND r.id = o.resource_ids[1]) AS practitioner_name,
         o.starts_at, o.ends_at, o.freed_by, o.created_at, o.open_until, o.hold_appointment_id::text,
         (SELECT a.hold_expires_at FROM appointment a WHERE a.tenant_id = o.tenant_id AND a.id = o.hold_appointment_id) AS hold_until
    FROM waitlist_offer o
    JOIN waitlist_entry w ON w.tenant_id = o.tenant_id AND w.id = o.entry_id
    JOIN patient p ON p.tenant_id = w.tenant_id AND p.id = w.patient_id
    JOIN service s ON s.tenant_id = o.tenant_id AND s.id = o.service_id`;

function toOfferView(r: OfferRow): WaitlistOfferView {
  return {
    id: r.id,
    entryId: r.entry_id,
    patient: { id: r.patient_id, name: r.patient_name, phone: r.patient_phone },
    serviceId: r.service_id,
    serviceName: r.service_name,
    branchId: r.branch_id,
    resourceIds: r.resource_ids,
    practitionerName: r.practitioner_name,
    startsAt: r.starts_at.toISOString(),
    endsAt: r.ends_at.toISOString(),
    freedBy: r.freed_by,
    createdAt: r.created_at.toISOString(),
    openUntil: r.open_until.toISOString(),
    hold: r.hold_appointment_id && r.hold_until ? { appointmentId: r.hold_appointment_id, until: r.hold_until.toISOString() } : null,
  };
}

const uuids = (ids: readonly string[]) => Prisma.sql`${[...ids]}::uuid[]`;

export class WaitlistRepository {
  async insertEntry(tx: Tx, e: NewEntry): Promise<string> {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO waitlist_entry (tenant_id, patient_id, service_id, practitioner_ids, branch_ids, from_date, to_date, times_of_day, priority, notes, contact, expires_at, created_by)
      VALUES (${e.tenantId}::uuid, ${e.patientId}::uuid, ${e.serviceId}::uuid, ${uuids(e.practitionerIds)}, ${uuids(e.branchIds)}, ${e.fromDate}::date, ${e.toDate}::date,
              ${e.timesOfDay}::text[], ${e.priority}::smallint, ${e.notes}, ${e.contact}, ${e.expiresAt}, ${e.createdBy}::uuid)
      RETURNING id::text`;
    return rows[0]!.id;
  }

  async entries(db: Client, tenantId: string, o: { ids?: readonly string[]; includeClosed?: boolean }): Promise<WaitlistEntryView[]> {
    const byId = o.ids ? Prisma.sql`AND w.id = ANY(${uuids(o.ids)})` : Prisma.empty;
    const live = o.includeClosed ? Prisma.empty : Prisma.sql`AND w.status IN ('WAITING', 'OFFERED')`;
    const rows = await db.$queryRaw<EntryRow[]>`${ENTRY_SELECT}
      WHERE w.tenant_id = ${tenantId}::uuid ${byId} ${live}
      ORDER BY (w.status IN ('WAITING', 'OFFERED')) DESC, w.priority DESC, w.created_at, w.id
      LIMIT 1000`;
    return rows.map(toEntryView);
  }

  /** Which of an entry's references are not this tenant's (or not live): the desk is told the field. */
  async missingRefs(db: Client, tenantId: string, r: { patientId: string; serviceId: string; practitionerIds: readonly string[]; branchIds: readonly string[] }): Promise<{ patient: boolean; service: boolean; practitioners: boolean; branches: boolean }> {
    const rows = await db.$queryRaw<{ patient: boolean; service: boolean; practitioners: number; branches: number }[]>`
      SELECT EXISTS (SELECT 1 FROM patient WHERE tenant_id = ${tenantId}::uuid AND id = ${r.patientId}::uuid) AS patient,
             EXISTS (SELECT 1 FROM service WHERE tenant_id = ${tenantId}::uuid AND id = ${r.serviceId}::uuid AND active) AS service,
             (SELECT count(*)::int FROM resource WHERE tenant_id = ${tenantId}::uuid AND id = ANY(${uuids(r.practitionerIds)}) AND kind = 'PRACTITIONER') AS practitioners,
             (SELECT count(*)::int FROM branch WHERE tenant_id = ${tenantId}::uuid AND id = ANY(${uuids(r.branchIds)})) AS branches`;
    const x = rows[0]!;
    return { patient: !x.patient, service: !x.service, practitioners: x.practitioners !== new Set(r.practitionerIds).size, branches: x.branches !== new Set(r.branchIds).size };
  }

  /** Waiting or offered → removed; false when it was neither. */
  async remove(tx: Tx, tenantId: string, entryId: string): Promise<boolean> {
    const n = await tx.$executeRaw`
      UPDATE waitlist_entry SET status = 'REMOVED', updated_at = now()
       WHERE tenant_id = ${tenantId}::uuid AND id = ${entryId}::uuid AND status IN ('WAITING', 'OFFERED')`;
    return n === 1;
  }

  async status(db: Client, tenantId: string, entryId: string): Promise<{ status: WaitlistStatus; branchIds: string[] } | null> {
    const rows = await db.$queryRaw<{ status: WaitlistStatus; branch_ids: string[] }[]>`
      SELECT status::text AS status, branch_ids::text[] AS branch_ids FROM waitlist_entry WHERE tenant_id = ${tenantId}::uuid AND id = ${entryId}::uuid`;
    const r = rows[0];
    return r ? { status: r.status, branchIds: r.branch_ids } : null;
  }

  /** Tenants with freed time to match or entries past their range (a system path: ids only). */
  async dueTenants(db: Db): Promise<string[]> {
    const rows = await db.$queryRaw<{ id: string }[]>`SELECT t::text AS id FROM frontdesk_waitlist_due_tenants() t`;
    return rows.map((r) => r.id);
  }

  /**
   * Takes up to `limit` freed times off the queue, oldest first. Rows another
   * process has claimed are skipped; the delete commits with the offers
   * written for them, or rolls back with them (then they are matched again).
   */
  async claimFreed(tx: Tx, tenantId: string, limit: number): Promise<Freed[]> {
    const rows = await tx.$queryRaw<{ id: string; type: string; branch_id: string | null; resource_ids: string[]; starts_at: Date | null; ends_at: Date | null }[]>`
      DELETE FROM waitlist_freed f
       WHERE f.tenant_id = ${tenantId}::uuid AND f.id IN (
         SELECT id FROM waitlist_freed WHERE tenant_id = ${tenantId}::uuid ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING f.id::text, f.type, f.branch_id::text, f.resource_ids::text[] AS resource_ids, f.starts_at, f.ends_at`;
    return rows
      .map((r) => ({ id: r.id, type: r.type, branchId: r.branch_id, resourceIds: r.resource_ids, startsAt: r.starts_at, endsAt: r.ends_at }))
      .sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
  }

  /** The practitioners among these resources, in the given order. */
  async practitioners(db: Client, tenantId: string, resourceIds: readonly string[]): Promise<string[]> {
    if (resourceIds.length === 0) return [];
    const rows = await db.$queryRaw<{ id: string }[]>`
      SELECT id::text FROM resource WHERE tenant_id = ${tenantId}::uuid AND id = ANY(${uuids(resourceIds)}) AND kind = 'PRACTITIONER'`;
    const found = new Set(rows.map((r) => r.id));
    return resourceIds.filter((id) => found.has(id));
  }

  async branchZone(db: Client, tenantId: string, branchId: string): Promise<string | null> {
    const rows = await db.$queryRaw<{ time_zone: string }[]>`SELECT time_zone FROM branch WHERE tenant_id = ${tenantId}::uuid AND id = ${branchId}::uuid`;
    return rows[0]?.time_zone ?? null;
  }

  /** The zone an entry's range is read in: its first branch's, else the tenant's first branch's. */
  async zoneFor(db: Client, tenantId: string, branchIds: readonly string[]): Promise<string | null> {
    const rows = await db.$queryRaw<{ time_zone: string }[]>`
      SELECT time_zone FROM branch WHERE tenant_id = ${tenantId}::uuid
       ORDER BY (id = ${branchIds[0] ?? null}::uuid) IS TRUE DESC, created_at, id LIMIT 1`;
    return rows[0]?.time_zone ?? null;
  }

  /** The active services any of these practitioners can give (their tag meets the service's practitioner need; its own list, if any, names them). */
  async servicesOf(db: Client, tenantId: string, practitionerIds: readonly string[]): Promise<string[]> {
    const rows = await db.$queryRaw<{ id: string }[]>`
      SELECT DISTINCT s.id::text FROM service s
        JOIN resource r ON r.tenant_id = s.tenant_id AND r.id = ANY(${uuids(practitionerIds)}) AND r.kind = 'PRACTITIONER'
       WHERE s.tenant_id = ${tenantId}::uuid AND s.active
         AND EXISTS (SELECT 1 FROM service_requirement q WHERE q.tenant_id = s.tenant_id AND q.service_id = s.id AND q.kind = 'PRACTITIONER' AND (q.tag IS NULL OR q.tag = ANY(r.tags)))
         AND (NOT EXISTS (SELECT 1 FROM service_practitioner sp WHERE sp.tenant_id = s.tenant_id AND sp.service_id = s.id)
              OR EXISTS (SELECT 1 FROM service_practitioner sp WHERE sp.tenant_id = s.tenant_id AND sp.service_id = s.id AND sp.resource_id = r.id))`;
    return rows.map((r) => r.id);
  }

  /**
   * Live entries that may take time at this branch with one of these
   * practitioners on `date` (null: any day still ahead), for a service they
   * give, best first: priority, then the longest wait. Time of day and the
   * free time itself are the caller's (availability decides).
   */
  async candidates(db: Client, q: { tenantId: string; branchId: string; practitionerIds: readonly string[]; serviceIds: readonly string[]; timesOfDay: readonly string[] | null; date: string | null; today: string; limit: number }): Promise<Candidate[]> {
    const onDay = q.date ? Prisma.sql`AND w.from_date <= ${q.date}::date AND w.to_date >= ${q.date}::date` : Prisma.sql`AND w.to_date >= ${q.today}::date`;
    const rows = await db.$queryRaw<{ id: string; service_id: string; practitioner_ids: string[]; from_date: string; to_date: string; times_of_day: string[] }[]>`
      SELECT w.id::text, w.service_id::text, w.practitioner_ids::text[] AS practitioner_ids,
             to_char(w.from_date, 'YYYY-MM-DD') AS from_date, to_char(w.to_date, 'YYYY-MM-DD') AS to_date, w.times_of_day
        FROM waitlist_entry w
       WHERE w.tenant_id = ${q.tenantId}::uuid AND w.status IN ('WAITING', 'OFFERED')
         AND w.service_id = ANY(${uuids(q.serviceIds)})
         ${q.timesOfDay ? Prisma.sql`AND (w.times_of_day = '{}' OR w.times_of_day && ${[...q.timesOfDay]}::text[])` : Prisma.empty}
         AND (w.branch_ids = '{}' OR ${q.branchId}::uuid = ANY(w.branch_ids))
         AND (w.practitioner_ids = '{}' OR w.practitioner_ids && ${uuids(q.practitionerIds)})
         ${onDay}
       ORDER BY w.priority DESC, w.created_at, w.id
       LIMIT ${q.limit}`;
    return rows.map((r) => ({ id: r.id, serviceId: r.service_id, practitionerIds: r.practitioner_ids, fromDate: r.from_date, toDate: r.to_date, timesOfDay: r.times_of_day as WaitlistTimeOfDay[] }));
  }

  /** `entryId|startsAt` of every time already offered to these entries (an entry is offered a time once), and the entries with an offer open. */
  async offeredBefore(db: Client, tenantId: string, entryIds: readonly string[]): Promise<{ slots: Set<string>; open: Set<string> }> {
    if (entryIds.length === 0) return { slots: new Set(), open: new Set() };
    const rows = await db.$queryRaw<{ entry_id: string; starts_at: Date; open: boolean }[]>`
      SELECT entry_id::text, starts_at, (status = 'OPEN' AND open_until > now()) AS open
        FROM waitlist_offer WHERE tenant_id = ${tenantId}::uuid AND entry_id = ANY(${uuids(entryIds)})`;
    return { slots: new Set(rows.map((r) => `${r.entry_id}|${r.starts_at.toISOString()}`)), open: new Set(rows.filter((r) => r.open).map((r) => r.entry_id)) };
  }

  /** Offers not made before (the same time is offered once per entry); their entries become OFFERED. Returns the new offers' ids. */
  async insertOffers(tx: Tx, tenantId: string, offers: readonly NewOffer[]): Promise<string[]> {
    if (offers.length === 0) return [];
    const values = offers.map(
      (o) =>
        Prisma.sql`(${tenantId}::uuid, ${o.entryId}::uuid, ${o.branchId}::uuid, ${o.serviceId}::uuid, ${uuids(o.resourceIds)}, ${o.startsAt}, ${o.endsAt}, ${o.freedBy}, ${o.openUntil}, ${o.holdAppointmentId ?? null}::uuid)`,
    );
    const rows = await tx.$queryRaw<{ id: string }[]>`
      WITH made AS (
        INSERT INTO waitlist_offer (tenant_id, entry_id, branch_id, service_id, resource_ids, starts_at, ends_at, freed_by, open_until, hold_appointment_id)
        VALUES ${Prisma.join(values)}
        ON CONFLICT (tenant_id, entry_id, starts_at, resource_ids) DO NOTHING
        RETURNING id, entry_id),
      marked AS (
        UPDATE waitlist_entry w SET status = 'OFFERED', updated_at = now()
          FROM made WHERE w.tenant_id = ${tenantId}::uuid AND w.id = made.entry_id AND w.status = 'WAITING')
      SELECT id::text FROM made`;
    return rows.map((r) => r.id);
  }

  async offers(db: Client, tenantId: string, o: { ids?: readonly string[]; openAt?: Date }): Promise<WaitlistOfferView[]> {
    const byId = o.ids ? Prisma.sql`AND o.id = ANY(${uuids(o.ids)})` : Prisma.empty;
    // A held offer is open while its hold stands (declined or lapsed, it is not).
    const open = o.openAt
      ? Prisma.sql`AND o.status = 'OPEN' AND o.open_until > ${o.openAt} AND w.status IN ('WAITING', 'OFFERED')
                   AND (o.hold_appointment_id IS NULL OR EXISTS (SELECT 1 FROM appointment a WHERE a.tenant_id = o.tenant_id AND a.id = o.hold_appointment_id AND a.status = 'HELD'))`
      : Prisma.empty;
    const rows = await db.$queryRaw<OfferRow[]>`${OFFER_SELECT}
      WHERE o.tenant_id = ${tenantId}::uuid ${byId} ${open}
      ORDER BY w.priority DESC, w.created_at, o.starts_at
      LIMIT 200`;
    return rows.map(toOfferView);
  }

  /** How the entry's patient wants to hear of an offer, and the branch's zone to say when. */
  async offerContact(db: Client, tenantId: string, entryId: string, branchId: string): Promise<{ contact: string; timeZone: string } | null> {
    const rows = await db.$queryRaw<{ contact: string; time_zone: string }[]>`
      SELECT w.contact, b.time_zone FROM waitlist_entry w JOIN branch b ON b.tenant_id = w.tenant_id AND b.id = ${branchId}::uuid
       WHERE w.tenant_id = ${tenantId}::uuid AND w.id = ${entryId}::uuid`;
    const r = rows[0];
    return r ? { contact: r.contact, timeZone: r.time_zone } : null;
  }

  /** The offer's status and its entry's; null when it is not there. `lock`: held until the transaction ends. */
  async offerState(db: Client, tenantId: string, offerId: string, lock = false): Promise<{ entryId: string; patientId: string; status: string; entryStatus: string } | null> {
    const rows = await db.$queryRaw<{ entry_id: string; patient_id: string; status: string; entry_status: string }[]>`
      SELECT o.entry_id::text, w.patient_id::text, o.status::text AS status, w.status::text AS entry_status
        FROM waitlist_offer o JOIN waitlist_entry w ON w.tenant_id = o.tenant_id AND w.id = o.entry_id
       WHERE o.tenant_id = ${tenantId}::uuid AND o.id = ${offerId}::uuid
       ${lock ? Prisma.sql`FOR UPDATE OF o, w` : Prisma.empty}`;
    const r = rows[0];
    return r ? { entryId: r.entry_id, patientId: r.patient_id, status: r.status, entryStatus: r.entry_status } : null;
  }

  /** The entry is booked with this appointment; its other open offers close. Returns the offers closed. */
  async markBooked(tx: Tx, tenantId: string, entryId: string, offerId: string | null, appointmentId: string): Promise<string[]> {
    await tx.$executeRaw`
      UPDATE waitlist_entry SET status = 'BOOKED', appointment_id = ${appointmentId}::uuid, updated_at = now()
       WHERE tenant_id = ${tenantId}::uuid AND id = ${entryId}::uuid`;
    if (offerId) {
      await tx.$executeRaw`UPDATE waitlist_offer SET status = 'BOOKED', appointment_id = ${appointmentId}::uuid WHERE tenant_id = ${tenantId}::uuid AND id = ${offerId}::uuid`;
    }
    const closed = await tx.$queryRaw<{ id: string }[]>`
      UPDATE waitlist_offer SET status = 'CLOSED' WHERE tenant_id = ${tenantId}::uuid AND entry_id = ${entryId}::uuid AND status = 'OPEN' RETURNING id::text`;
    return closed.map((r) => r.id);
  }

  /** Closes open offers (taken by someone else, or their entry left the list); returns those closed. */
  async closeOffers(tx: Tx, tenantId: string, o: { ids?: readonly string[]; entryId?: string }): Promise<string[]> {
    const which = o.ids ? Prisma.sql`AND id = ANY(${uuids(o.ids)})` : Prisma.sql`AND entry_id = ${o.entryId ?? null}::uuid`;
    const rows = await tx.$queryRaw<{ id: string }[]>`
      UPDATE waitlist_offer SET status = 'CLOSED' WHERE tenant_id = ${tenantId}::uuid AND status = 'OPEN' ${which} RETURNING id::text`;
    return rows.map((r) => r.id);
  }

  /** The clinic's offer hold, in minutes (0: off). */
  async holdMinutes(db: Client, tenantId: string): Promise<number> {
    const rows = await db.$queryRaw<{ m: number }[]>`SELECT waitlist_hold_minutes::int AS m FROM tenant WHERE id = ${tenantId}::uuid`;
    return rows[0]?.m ?? 0;
  }

  async setHoldMinutes(tx: Tx, tenantId: string, minutes: number): Promise<void> {
    await tx.$executeRaw`UPDATE tenant SET waitlist_hold_minutes = ${minutes}::smallint WHERE id = ${tenantId}::uuid`;
  }

  /** The entry's patient and who put them on the list. */
  async entryOwner(db: Client, tenantId: string, entryId: string): Promise<{ patientId: string; createdBy: string } | null> {
    const rows = await db.$queryRaw<{ patient_id: string; created_by: string }[]>`
      SELECT patient_id::text, created_by::text FROM waitlist_entry WHERE tenant_id = ${tenantId}::uuid AND id = ${entryId}::uuid`;
    const r = rows[0];
    return r ? { patientId: r.patient_id, createdBy: r.created_by } : null;
  }

  /** Open offers whose hold was let go or lapsed close; returns those closed. */
  async closeLapsedHolds(tx: Tx, tenantId: string): Promise<string[]> {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      UPDATE waitlist_offer o SET status = 'CLOSED'
        FROM appointment a
       WHERE o.tenant_id = ${tenantId}::uuid AND o.status = 'OPEN' AND o.hold_appointment_id IS NOT NULL
         AND a.tenant_id = o.tenant_id AND a.id = o.hold_appointment_id
         AND (a.status <> 'HELD' OR a.hold_expires_at <= now())
      RETURNING o.id::text`;
    return rows.map((r) => r.id);
  }

  /** An offer with its hold, for the patient's link. */
  async heldOffer(db: Client, tenantId: string, offerId: string): Promise<HeldOffer | null> {
    const rows = await db.$queryRaw<
      { id: string; entry_id: string; patient_id: string; branch_id: string; status: string; entry_status: string; starts_at: Date; service_name: string; practitioner_name: string | null; branch_name: string; clinic_name: string; time_zone: string; hold_id: string | null; hold_status: string | null; hold_version: number | null; hold_expires_at: Date | null }[]
    >`
      SELECT o.id::text, o.entry_id::text, w.patient_id::text, o.branch_id::text, o.status::text AS status, w.status::text AS entry_status, o.starts_at,
             s.name AS service_name, (SELECT r.name FROM resource r WHERE r.tenant_id = o.tenant_id AND r.id = o.resource_ids[1]) AS practitioner_name,
             b.name AS branch_name, t.name AS clinic_name, b.time_zone,
             a.id::text AS hold_id, a.status::text AS hold_status, a.version AS hold_version, a.hold_expires_at
        FROM waitlist_offer o
        JOIN waitlist_entry w ON w.tenant_id = o.tenant_id AND w.id = o.entry_id
        JOIN service s ON s.tenant_id = o.tenant_id AND s.id = o.service_id
        JOIN branch b ON b.tenant_id = o.tenant_id AND b.id = o.branch_id
        JOIN tenant t ON t.id = o.tenant_id
        LEFT JOIN appointment a ON a.tenant_id = o.tenant_id AND a.id = o.hold_appointment_id
       WHERE o.tenant_id = ${tenantId}::uuid AND o.id = ${offerId}::uuid`;
    const r = rows[0];
    if (!r) return null;
    return {
      offerId: r.id,
      entryId: r.entry_id,
      patientId: r.patient_id,
      branchId: r.branch_id,
      status: r.status,
      entryStatus: r.entry_status,
      startsAt: r.starts_at,
      serviceName: r.service_name,
      practitionerName: r.practitioner_name,
      branchName: r.branch_name,
      clinicName: r.clinic_name,
      timeZone: r.time_zone,
      hold: r.hold_id ? { appointmentId: r.hold_id, status: r.hold_status!, version: Number(r.hold_version), expiresAt: r.hold_expires_at } : null,
    };
  }

  /** Entries past the end of their range become EXPIRED; returns their ids. */
  async expireDue(tx: Tx, tenantId: string, limit: number): Promise<string[]> {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      UPDATE waitlist_entry SET status = 'EXPIRED', updated_at = now()
       WHERE tenant_id = ${tenantId}::uuid AND (tenant_id, id) IN (
         SELECT tenant_id, id FROM waitlist_entry
          WHERE tenant_id = ${tenantId}::uuid AND status IN ('WAITING', 'OFFERED') AND expires_at <= now()
          LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING id::text`;
    return rows.map((r) => r.id);
  }
}
