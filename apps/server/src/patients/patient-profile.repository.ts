import type { PatientProfile, PatientProfileAppointment } from '@frontdesk/shared';
import type { Tx } from '../db/tx.js';

interface AppointmentRow {
  id: string;
  branchId: string;
  branchName: string;
  serviceName: string;
  practitioners: string[] | null;
  status: string;
  startsAt: Date;
  endsAt: Date;
  cancelReason: string | null;
  products: { name: string; quantity: number; priceCents: number }[] | null;
}

const PAST_LIMIT = 100;

/** What a patient's profile shows besides the record: appointments, tokens, products and the record's history. */
export class PatientProfileRepository {
  /** Appointments of the patient (holds that lapsed or were let go are not appointments), newest past first. */
  async appointments(tx: Tx, tenantId: string, patientId: string, now: Date): Promise<{ upcoming: PatientProfileAppointment[]; past: PatientProfileAppointment[] }> {
    const rows = await tx.$queryRaw<AppointmentRow[]>`
      SELECT a.id, a.branch_id AS "branchId", b.name AS "branchName", s.name AS "serviceName", a.status::text AS status,
             a.starts_at AS "startsAt", a.ends_at AS "endsAt", a.cancel_reason AS "cancelReason",
             (SELECT array_agg(r.name ORDER BY r.name) FROM appointment_resource ar JOIN resource r ON r.tenant_id = ar.tenant_id AND r.id = ar.resource_id
               WHERE ar.tenant_id = a.tenant_id AND ar.appointment_id = a.id AND r.kind = 'PRACTITIONER') AS practitioners,
             (SELECT json_agg(json_build_object('name', pr.name, 'quantity', ap.quantity, 'priceCents', ap.unit_price_cents) ORDER BY pr.name)
                FROM appointment_product ap JOIN product pr ON pr.tenant_id = ap.tenant_id AND pr.id = ap.product_id
               WHERE ap.tenant_id = a.tenant_id AND ap.appointment_id = a.id) AS products
        FROM appointment a
        JOIN branch b ON b.tenant_id = a.tenant_id AND b.id = a.branch_id
        JOIN service s ON s.tenant_id = a.tenant_id AND s.id = a.service_id
       WHERE a.tenant_id = ${tenantId}::uuid AND a.patient_id = ${patientId}::uuid AND a.status NOT IN ('EXPIRED', 'RELEASED')
       ORDER BY a.starts_at DESC
       LIMIT ${PAST_LIMIT * 2}::int`;
    const view = (r: AppointmentRow): PatientProfileAppointment => ({
      id: r.id,
      branchId: r.branchId,
      branchName: r.branchName,
      serviceName: r.serviceName,
      practitioners: r.practitioners ?? [],
      status: r.status,
      startsAt: r.startsAt.toISOString(),
      endsAt: r.endsAt.toISOString(),
      cancelReason: r.cancelReason,
      products: r.products ?? [],
    });
    const upcoming = rows.filter((r) => r.endsAt > now && ['HELD', 'BOOKED', 'CHECKED_IN', 'IN_CONSULTATION'].includes(r.status)).reverse().map(view);
    const upcomingIds = new Set(upcoming.map((a) => a.id));
    return { upcoming, past: rows.filter((r) => !upcomingIds.has(r.id)).slice(0, PAST_LIMIT).map(view) };
  }

  async counts(tx: Tx, tenantId: string, patientId: string): Promise<Omit<PatientProfile['counts'], 'upcoming'>> {
    const [row] = await tx.$queryRaw<{ completed: number; noShows: number; cancelled: number }[]>`
      SELECT count(*) FILTER (WHERE status = 'COMPLETED')::int AS completed,
             count(*) FILTER (WHERE status = 'NO_SHOW')::int AS "noShows",
             count(*) FILTER (WHERE status = 'CANCELLED')::int AS cancelled
        FROM appointment WHERE tenant_id = ${tenantId}::uuid AND patient_id = ${patientId}::uuid`;
    return row ?? { completed: 0, noShows: 0, cancelled: 0 };
  }

  async tokens(tx: Tx, tenantId: string, patientId: string): Promise<PatientProfile['tokens']> {
    const rows = await tx.$queryRaw<{ id: string; number: number; status: string; sessionName: string; startsAt: Date; branchName: string }[]>`
      SELECT t.id, t.number, t.status::text AS status, c.name AS "sessionName", c.starts_at AS "startsAt", b.name AS "branchName"
        FROM token t JOIN capacity_session c ON c.tenant_id = t.tenant_id AND c.id = t.session_id
        JOIN branch b ON b.tenant_id = c.tenant_id AND b.id = c.branch_id
       WHERE t.tenant_id = ${tenantId}::uuid AND t.patient_id = ${patientId}::uuid
       ORDER BY c.starts_at DESC LIMIT 50`;
    return rows.map((r) => ({ ...r, startsAt: r.startsAt.toISOString() }));
  }

  /** Products on the patient's appointments that took place or are booked (not cancelled ones). */
  async products(tx: Tx, tenantId: string, patientId: string): Promise<PatientProfile['products']> {
    const rows = await tx.$queryRaw<{ name: string; quantity: number; priceCents: number; at: Date }[]>`
      SELECT pr.name, ap.quantity, ap.unit_price_cents AS "priceCents", a.starts_at AS at
        FROM appointment_product ap
        JOIN appointment a ON a.tenant_id = ap.tenant_id AND a.id = ap.appointment_id
        JOIN product pr ON pr.tenant_id = ap.tenant_id AND pr.id = ap.product_id
       WHERE ap.tenant_id = ${tenantId}::uuid AND a.patient_id = ${patientId}::uuid AND a.status IN ('BOOKED', 'CHECKED_IN', 'IN_CONSULTATION', 'COMPLETED')
       ORDER BY a.starts_at DESC LIMIT 100`;
    return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
  }

  /** The record's own events (created, updated, merged), for this record and those merged into it; reads are left out. */
  async history(tx: Tx, tenantId: string, patientIds: string[]): Promise<PatientProfile['history']> {
    const rows = await tx.$queryRaw<{ at: Date; type: string; actorName: string | null; desk: string; payload: { fields?: string[]; survivorId?: string; duplicateId?: string; patientId?: string } }[]>`
      SELECT e.created_at AS at, e.type, st.name AS "actorName", e.desk, e.payload
        FROM (SELECT created_at, type, actor_id, desk, payload, tenant_id FROM event
               WHERE tenant_id = ${tenantId}::uuid AND patient_id = ANY(${patientIds}::uuid[]) AND type IN ('patient.created', 'patient.updated', 'patient.merged')
              UNION ALL
              SELECT created_at, type, actor_id, desk, payload, tenant_id FROM event_archive
               WHERE tenant_id = ${tenantId}::uuid AND patient_id = ANY(${patientIds}::uuid[]) AND type IN ('patient.created', 'patient.updated', 'patient.merged')) e
        LEFT JOIN staff st ON st.tenant_id = e.tenant_id AND st.id = e.actor_id
       ORDER BY e.created_at DESC LIMIT 100`;
    return rows.map((r) => ({
      at: r.at.toISOString(),
      type: r.type,
      actorName: r.actorName,
      desk: r.desk,
      fields: r.payload.fields ?? [],
      otherPatientId: r.type === 'patient.merged' ? (r.payload.duplicateId ?? null) : null,
    }));
  }
}
