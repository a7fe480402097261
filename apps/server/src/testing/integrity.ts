import type pg from 'pg';

// What must hold in the database after any fault, read straight from the
// tables (as the owner, past row-level security). Each check names the rows
// that break it, so a failing test says what was lost or half-written.

export interface IntegrityReport {
  appointments: number;
  /** Appointments with no occupancy row: a booking the exclusion constraint never saw. */
  withoutOccupancy: string[];
  /** Appointments with no `appointment.*` event: a change no desk was told about. */
  withoutEvent: string[];
  /** Appointments with more than one creating event (`appointment.held`/`booked` for one id): a command applied twice. */
  createdTwice: string[];
  /** `appointment.*` events whose appointment does not exist: a change told but not kept. */
  orphanEvents: string[];
  /** Occupancy rows whose `active` disagrees with their appointment's status. */
  staleOccupancy: string[];
  /** Pairs of active occupancy rows of one resource whose times overlap. */
  resourceOverlaps: number;
  /** Pairs of active appointments of one patient whose times overlap. */
  patientOverlaps: number;
}

export async function checkIntegrity(sql: pg.Pool | pg.Client, tenantId: string): Promise<IntegrityReport> {
  const ids = async (text: string): Promise<string[]> => (await sql.query<{ id: string }>(text, [tenantId])).rows.map((r) => r.id);
  const count = async (text: string): Promise<number> => (await sql.query<{ n: number }>(text, [tenantId])).rows[0]?.n ?? 0;
  return {
    appointments: await count(`SELECT count(*)::int AS n FROM appointment WHERE tenant_id = $1`),
    withoutOccupancy: await ids(`
      SELECT a.id FROM appointment a
       WHERE a.tenant_id = $1 AND NOT EXISTS (SELECT 1 FROM appointment_resource r WHERE r.appointment_id = a.id)`),
    withoutEvent: await ids(`
      SELECT a.id FROM appointment a
       WHERE a.tenant_id = $1 AND NOT EXISTS (
         SELECT 1 FROM event e WHERE e.tenant_id = a.tenant_id AND e.aggregate_id = a.id AND e.type LIKE 'appointment.%')`),
    createdTwice: await ids(`
      SELECT e.aggregate_id AS id FROM event e
       WHERE e.tenant_id = $1 AND e.type IN ('appointment.held', 'appointment.booked')
       GROUP BY e.aggregate_id HAVING count(*) FILTER (WHERE e.type = 'appointment.held') > 1
                                   OR count(*) FILTER (WHERE e.type = 'appointment.booked') > 1`),
    orphanEvents: await ids(`
      SELECT e.seq::text AS id FROM event e
       WHERE e.tenant_id = $1 AND e.type LIKE 'appointment.%'
         AND NOT EXISTS (SELECT 1 FROM appointment a WHERE a.id = e.aggregate_id)`),
    staleOccupancy: await ids(`
      SELECT r.appointment_id AS id FROM appointment_resource r JOIN appointment a ON a.id = r.appointment_id
       WHERE a.tenant_id = $1 AND r.active <> (a.status IN ('HELD', 'BOOKED', 'CHECKED_IN', 'IN_CONSULTATION', 'COMPLETED'))`),
    resourceOverlaps: await count(`
      SELECT count(*)::int AS n FROM appointment_resource x JOIN appointment_resource y
        ON x.resource_id = y.resource_id AND x.appointment_id < y.appointment_id
       WHERE x.tenant_id = $1 AND x.active AND y.active
         AND tstzrange(x.starts_at, x.ends_at, '[)') && tstzrange(y.starts_at, y.ends_at, '[)')`),
    patientOverlaps: await count(`
      SELECT count(*)::int AS n FROM appointment x JOIN appointment y ON x.patient_id = y.patient_id AND x.id < y.id
       WHERE x.tenant_id = $1
         AND x.status IN ('HELD', 'BOOKED', 'CHECKED_IN', 'IN_CONSULTATION', 'COMPLETED') AND y.status IN ('HELD', 'BOOKED', 'CHECKED_IN', 'IN_CONSULTATION', 'COMPLETED')
         AND tstzrange(x.starts_at, x.ends_at, '[)') && tstzrange(y.starts_at, y.ends_at, '[)')`),
  };
}

/** The report with nothing broken, for `expect(report).toEqual(intact(report.appointments))`. */
export function intact(appointments: number): IntegrityReport {
  return { appointments, withoutOccupancy: [], withoutEvent: [], createdTwice: [], orphanEvents: [], staleOccupancy: [], resourceOverlaps: 0, patientOverlaps: 0 };
}

/** The appointment each idempotency key produced, straight from the table (keys are unique per staff member; tests use distinct ones). */
export async function appointmentsByKey(sql: pg.Pool | pg.Client, tenantId: string): Promise<Map<string, string>> {
  const { rows } = await sql.query<{ key: string; id: string }>(
    `SELECT key, appointment_id AS id FROM idempotency_record WHERE tenant_id = $1 AND appointment_id IS NOT NULL`,
    [tenantId],
  );
  return new Map(rows.map((r) => [r.key, r.id]));
}
