import type { AppointmentStatus } from '@frontdesk/shared';
import type { Db, Tx } from '../db/tx.js';

// Every statement of the series commands; stateless, the transaction first.

export interface NewSeries {
  id: string;
  tenantId: string;
  branchId: string;
  serviceId: string;
  patientId: string;
  rule: string;
  localStart: string;
  timeZone: string;
  practitionerIds: readonly string[];
  resourceIds: readonly string[];
  occurrenceCount: number;
  note: string;
  createdBy: string;
}

export interface SeriesRow {
  id: string;
  branchId: string;
  serviceId: string;
  patientId: string;
  rule: string;
  localStart: string;
  timeZone: string;
  practitionerIds: string[];
  occurrenceCount: number;
}

/** An occurrence as a scoped change sees it. */
export interface OccurrenceRow {
  id: string;
  index: number;
  status: AppointmentStatus;
  startsAt: Date;
  version: number;
}

export class SeriesRepository {
  /** The branch's IANA zone, if the branch is the tenant's. */
  async branchZone(db: Db | Tx, tenantId: string, branchId: string): Promise<string | null> {
    const rows = await db.$queryRaw<{ timeZone: string }[]>`
      SELECT time_zone AS "timeZone" FROM branch WHERE tenant_id = ${tenantId}::uuid AND id = ${branchId}::uuid`;
    return rows[0]?.timeZone ?? null;
  }

  async patientExists(db: Db | Tx, tenantId: string, patientId: string): Promise<boolean> {
    const rows = await db.$queryRaw<{ one: number }[]>`SELECT 1 AS one FROM patient WHERE tenant_id = ${tenantId}::uuid AND id = ${patientId}::uuid`;
    return rows.length > 0;
  }

  async insert(tx: Tx, s: NewSeries): Promise<void> {
    await tx.$executeRaw`
      INSERT INTO series (tenant_id, id, branch_id, service_id, patient_id, rule, local_start, time_zone, practitioner_ids, resource_ids, occurrence_count, note, created_by)
      VALUES (${s.tenantId}::uuid, ${s.id}::uuid, ${s.branchId}::uuid, ${s.serviceId}::uuid, ${s.patientId}::uuid, ${s.rule}, ${s.localStart}, ${s.timeZone},
              ${[...s.practitionerIds]}::uuid[], ${[...s.resourceIds]}::uuid[], ${s.occurrenceCount}::int, ${s.note}, ${s.createdBy}::uuid)`;
  }

  async find(db: Db | Tx, tenantId: string, seriesId: string): Promise<SeriesRow | null> {
    const rows = await db.$queryRaw<SeriesRow[]>`
      SELECT id, branch_id AS "branchId", service_id AS "serviceId", patient_id AS "patientId", rule, local_start AS "localStart",
             time_zone AS "timeZone", practitioner_ids::text[] AS "practitionerIds", occurrence_count AS "occurrenceCount"
        FROM series WHERE tenant_id = ${tenantId}::uuid AND id = ${seriesId}::uuid`;
    return rows[0] ?? null;
  }

  /** The series an appointment is an occurrence of, and its place; null when it is a single appointment. */
  async placeOf(db: Db | Tx, tenantId: string, appointmentId: string): Promise<{ seriesId: string; index: number } | null> {
    const rows = await db.$queryRaw<{ seriesId: string | null; index: number | null }[]>`
      SELECT series_id AS "seriesId", series_index AS index FROM appointment WHERE tenant_id = ${tenantId}::uuid AND id = ${appointmentId}::uuid`;
    const row = rows[0];
    return row?.seriesId && row.index ? { seriesId: row.seriesId, index: row.index } : null;
  }

  /** The series' appointments by place. */
  async appointmentIds(db: Db | Tx, tenantId: string, seriesId: string): Promise<{ id: string; index: number }[]> {
    return db.$queryRaw`
      SELECT id, series_index AS index FROM appointment
       WHERE tenant_id = ${tenantId}::uuid AND series_id = ${seriesId}::uuid ORDER BY series_index`;
  }

  /**
   * The occurrences a scoped change reaches, locked: from place `fromIndex`
   * on, still live (held or booked) and not started.
   */
  async lockLiveFrom(tx: Tx, tenantId: string, seriesId: string, fromIndex: number, now: Date): Promise<OccurrenceRow[]> {
    return tx.$queryRaw`
      SELECT id, series_index AS index, status::text AS status, starts_at AS "startsAt", version FROM appointment
       WHERE tenant_id = ${tenantId}::uuid AND series_id = ${seriesId}::uuid AND series_index >= ${fromIndex}::int
         AND status IN ('HELD', 'BOOKED') AND starts_at > ${now}
       ORDER BY series_index FOR UPDATE`;
  }
}
