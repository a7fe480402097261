import { formatPhone, type PatientHit, type PatientQuery, type PatientRecord, type PatientSex, type ContactChannel } from '@frontdesk/shared';
import { Prisma } from '../db/prisma.js';
import type { Db, Tx } from '../db/tx.js';

const recordSelect = {
  id: true,
  name: true,
  phone: true,
  otherPhones: true,
  email: true,
  dateOfBirth: true,
  sex: true,
  address: true,
  preferredContact: true,
  consentToMessages: true,
  alerts: true,
  notes: true,
  nationalId: true,
  insuranceId: true,
  version: true,
  createdAt: true,
  updatedAt: true,
  mergedIntoId: true,
} satisfies Prisma.PatientSelect;
export type PatientRow = Prisma.PatientGetPayload<{ select: typeof recordSelect }>;

/** The columns a create or an update writes: the record's own fields, with `phone` already E.164. */
export type PatientData = Omit<PatientRecord, 'id' | 'phoneE164' | 'version' | 'createdAt' | 'updatedAt' | 'mergedIntoId'>;

const dateOnly = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);

export function toRecord(row: PatientRow): PatientRecord {
  return {
    id: row.id,
    name: row.name,
    phone: formatPhone(row.phone),
    phoneE164: row.phone,
    otherPhones: row.otherPhones.map(formatPhone),
    email: row.email,
    dateOfBirth: dateOnly(row.dateOfBirth),
    sex: row.sex as PatientSex | null,
    address: row.address,
    preferredContact: row.preferredContact as ContactChannel,
    consentToMessages: row.consentToMessages,
    alerts: row.alerts,
    notes: row.notes,
    nationalId: row.nationalId,
    insuranceId: row.insuranceId,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    mergedIntoId: row.mergedIntoId,
  };
}

interface HitRow {
  id: string;
  name: string;
  phone: string;
  date_of_birth: Date | null;
  alerts: string[];
  match: PatientHit['match'];
}

/** Similar names are looked for only for this many letters or more: shorter ones resemble everybody. */
const SIMILAR_MIN_CHARS = 4;

export class PatientsRepository {
  /**
   * Ranked: an exact phone or id first, then a date of birth (with the name's
   * words, when typed), then phone digits anywhere in a number and names
   * whose words each begin with a typed word, then (`similar`, asked only when
   * nothing else was found) names that merely look alike: a typo ('garsia').
   * Merged records are never listed: their survivor is. Candidates by name,
   * phone and id come from frontdesk_patient_candidates, which can use the
   * trigram indexes that row-level security keeps a plain query from (see
   * migration 20261123118100); the rows are then read under the policy.
   */
  async search(db: Db | Tx, tenantId: string, q: PatientQuery & { literals: string[] }, limit: number, similar = false): Promise<PatientHit[]> {
    const tokens = q.nameTokens.slice(0, 6);
    if (similar && tokens.length === 0) return [];
    const nameMatch = tokens.length ? Prisma.join(tokens.map((t) => Prisma.sql`p.search_name LIKE ${`% ${t}%`}`), ' AND ') : Prisma.sql`true`;
    // Punctuation typed in a name (Jo_Bloggs, 50%) is matched as typed, never as a pattern.
    const literal = q.literals.length
      ? Prisma.join(q.literals.map((l) => Prisma.sql`lower(p.name) LIKE ${`%${escapeLike(l)}%`} ESCAPE '\\'`), ' AND ')
      : Prisma.sql`true`;
    const folded = tokens.join(' ');
    const byDate = q.datesOfBirth.length > 0;
    const words = !similar && !byDate && tokens.length ? tokens : null;
    const alike = similar && !byDate && folded.replace(/ /g, '').length >= SIMILAR_MIN_CHARS && q.literals.length === 0 ? folded : null;
    const cap = limit * 4;
    const dobHits = byDate
      ? Prisma.sql`UNION ALL (SELECT p.id, 'dob'::text AS kind FROM patient p
           WHERE p.tenant_id = ${tenantId}::uuid AND p.merged_into_id IS NULL AND p.date_of_birth = ANY(${q.datesOfBirth}::date[]) AND ${nameMatch} LIMIT ${cap}::int)`
      : Prisma.empty;
    const first = tokens[0] ?? '';
    const rows = await db.$queryRaw<HitRow[]>`
      WITH hits AS (
        SELECT c.id, c.kind FROM frontdesk_patient_candidates(${words}::text[], ${similar ? null : q.phoneDigits}::text, ${similar ? null : q.phoneE164}::text,
                                                              ${similar ? null : q.idKey}::text, ${alike}::text, ${cap}::int) c
        ${dobHits}),
      best AS (
        SELECT DISTINCT ON (id) id, kind,
               CASE kind WHEN 'phone_exact' THEN 0 WHEN 'id' THEN 0 WHEN 'dob' THEN 1 WHEN 'phone' THEN 2 WHEN 'name' THEN 2 ELSE 3 END AS rank
          FROM hits ORDER BY id, rank)
      SELECT p.id, p.name, p.phone, p.date_of_birth, p.alerts,
             CASE b.kind WHEN 'phone_exact' THEN 'phone' ELSE b.kind END AS match
        FROM best b JOIN patient p ON p.tenant_id = ${tenantId}::uuid AND p.id = b.id
       WHERE b.kind NOT IN ('name', 'dob') OR ${literal}
       ORDER BY b.rank,
                (p.search_name LIKE ${` ${first}%`}) DESC,
                similarity(p.search_name, ${folded}) DESC,
                p.name, p.id
       LIMIT ${limit}::int`;
    return rows.map((r) => ({ id: r.id, name: r.name, phone: formatPhone(r.phone), dateOfBirth: dateOnly(r.date_of_birth), alerts: r.alerts, match: r.match }));
  }

  /** Live records with the same accent-free name and date of birth, or sharing one of these phones. */
  async duplicates(tx: Tx, tenantId: string, name: string, dateOfBirth: string | null, phones: string[]): Promise<(HitRow & { why: 'same name and date of birth' | 'same phone' })[]> {
    return tx.$queryRaw`
      SELECT p.id, p.name, p.phone, p.date_of_birth, p.alerts,
             CASE WHEN p.search_name = patient_search_name(${name}) AND p.date_of_birth = ${dateOfBirth}::date
                  THEN 'same name and date of birth' ELSE 'same phone' END AS why,
             'name' AS match
        FROM patient p
       WHERE p.tenant_id = ${tenantId}::uuid AND p.merged_into_id IS NULL
         AND ((${dateOfBirth}::date IS NOT NULL AND p.search_name = patient_search_name(${name}) AND p.date_of_birth = ${dateOfBirth}::date)
              OR p.phone = ANY(${phones}::text[]) OR p.other_phones && ${phones}::text[])
       ORDER BY why, p.name, p.id
       LIMIT 10`;
  }

  create(tx: Tx, tenantId: string, data: PatientData): Promise<PatientRow> {
    return tx.patient.create({ data: { tenantId, ...dataColumns(data) }, select: recordSelect });
  }

  get(db: Db | Tx, tenantId: string, patientId: string): Promise<PatientRow | null> {
    return db.patient.findFirst({ where: { id: patientId, tenantId }, select: recordSelect });
  }

  /** Locks the record for a change (FOR UPDATE), so two desks' edits or merges queue. */
  async lock(tx: Tx, tenantId: string, patientIds: string[]): Promise<void> {
    await tx.$queryRaw`SELECT id FROM patient WHERE tenant_id = ${tenantId}::uuid AND id = ANY(${patientIds}::uuid[]) ORDER BY id FOR UPDATE`;
  }

  /** Writes the record if it is still at `version`; null when another desk changed it first. */
  async update(tx: Tx, tenantId: string, patientId: string, version: number, data: PatientData): Promise<PatientRow | null> {
    const { count } = await tx.patient.updateMany({
      where: { tenantId, id: patientId, version, mergedIntoId: null },
      data: { ...dataColumns(data), version: { increment: 1 }, updatedAt: new Date() },
    });
    return count === 1 ? this.get(tx, tenantId, patientId) : null;
  }

  /** The duplicate's active appointments that overlap one of the survivor's (the database refuses two at once for one patient). */
  overlapping(tx: Tx, tenantId: string, survivorId: string, duplicateId: string): Promise<{ startsAt: Date; serviceName: string }[]> {
    return tx.$queryRaw`
      SELECT d.starts_at AS "startsAt", s.name AS "serviceName"
        FROM appointment d JOIN appointment k ON k.tenant_id = d.tenant_id AND k.patient_id = ${survivorId}::uuid
        JOIN service s ON s.tenant_id = d.tenant_id AND s.id = d.service_id
       WHERE d.tenant_id = ${tenantId}::uuid AND d.patient_id = ${duplicateId}::uuid
         AND d.status IN ('HELD', 'BOOKED', 'CHECKED_IN', 'IN_CONSULTATION', 'COMPLETED') AND k.status IN ('HELD', 'BOOKED', 'CHECKED_IN', 'IN_CONSULTATION', 'COMPLETED')
         AND tstzrange(d.starts_at, d.ends_at) && tstzrange(k.starts_at, k.ends_at)
       ORDER BY d.starts_at LIMIT 5`;
  }

  /** Sessions where both records hold a live token (a patient holds one per session). */
  sharedLiveTokens(tx: Tx, tenantId: string, survivorId: string, duplicateId: string): Promise<{ name: string; startsAt: Date }[]> {
    return tx.$queryRaw`
      SELECT c.name, c.starts_at AS "startsAt"
        FROM token d JOIN token k ON k.tenant_id = d.tenant_id AND k.session_id = d.session_id AND k.patient_id = ${survivorId}::uuid AND k.status = 'ISSUED'
        JOIN capacity_session c ON c.tenant_id = d.tenant_id AND c.id = d.session_id
       WHERE d.tenant_id = ${tenantId}::uuid AND d.patient_id = ${duplicateId}::uuid AND d.status = 'ISSUED'`;
  }

  /** Moves the duplicate's appointments and tokens to the survivor; the duplicate then points at it. */
  async merge(tx: Tx, tenantId: string, survivorId: string, duplicateId: string): Promise<{ appointments: number; tokens: number }> {
    const appointments = await tx.$executeRaw`UPDATE appointment SET patient_id = ${survivorId}::uuid, version = version + 1, updated_at = now()
      WHERE tenant_id = ${tenantId}::uuid AND patient_id = ${duplicateId}::uuid`;
    const tokens = await tx.$executeRaw`UPDATE token SET patient_id = ${survivorId}::uuid WHERE tenant_id = ${tenantId}::uuid AND patient_id = ${duplicateId}::uuid`;
    // Records merged into the duplicate earlier now point straight at the survivor.
    await tx.$executeRaw`UPDATE patient SET merged_into_id = ${survivorId}::uuid WHERE tenant_id = ${tenantId}::uuid AND merged_into_id = ${duplicateId}::uuid`;
    await tx.$executeRaw`UPDATE patient SET merged_into_id = ${survivorId}::uuid, merged_at = now(), version = version + 1, updated_at = now()
      WHERE tenant_id = ${tenantId}::uuid AND id = ${duplicateId}::uuid`;
    return { appointments, tokens };
  }

  /** Every record merged into this one (directly, after the re-pointing above). */
  mergedFrom(db: Db | Tx, tenantId: string, patientId: string): Promise<{ id: string; name: string; mergedAt: Date }[]> {
    return db.$queryRaw`SELECT id, name, merged_at AS "mergedAt" FROM patient WHERE tenant_id = ${tenantId}::uuid AND merged_into_id = ${patientId}::uuid ORDER BY merged_at`;
  }
}

function dataColumns(data: PatientData) {
  return {
    name: data.name,
    phone: data.phone,
    otherPhones: data.otherPhones,
    email: data.email,
    dateOfBirth: data.dateOfBirth ? new Date(`${data.dateOfBirth}T00:00:00Z`) : null,
    sex: data.sex,
    address: data.address,
    preferredContact: data.preferredContact,
    consentToMessages: data.consentToMessages,
    alerts: data.alerts,
    notes: data.notes,
    nationalId: data.nationalId,
    insuranceId: data.insuranceId,
  };
}

/** `text` as a LIKE pattern that matches only itself (backslash is the escape character). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
