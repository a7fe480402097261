import type { AppointmentStatus, CancelReasonCode } from '@frontdesk/shared';
import { Prisma } from '../db/prisma.js';
import type { Db, Tx } from '../db/tx.js';

// The statements of a visit's progress, cancelling with a reason, and editing
// a booking in place. Receives the client (or the transaction); the services
// decide what runs in which transaction.

/** The time column each step stamps. */
const STAMP = {
  CHECKED_IN: Prisma.raw('checked_in_at'),
  IN_CONSULTATION: Prisma.raw('consultation_started_at'),
  COMPLETED: Prisma.raw('completed_at'),
  NO_SHOW: null,
} as const;

export type VisitStep = keyof typeof STAMP;

export interface VisitSettings {
  checkInWindowMin: number;
  lateCancelNoticeHours: number;
}

export interface BookingEdit {
  appointmentId: string;
  tenantId: string;
  version: number;
  serviceId: string;
  patientId: string | null;
  endsAt: Date;
  priceCents: number;
  note: string;
}

export class VisitRepository {
  async settings(db: Db | Tx, tenantId: string): Promise<VisitSettings> {
    const rows = await db.$queryRaw<VisitSettings[]>`
      SELECT check_in_window_min AS "checkInWindowMin", late_cancel_notice_hours AS "lateCancelNoticeHours" FROM tenant WHERE id = ${tenantId}::uuid`;
    return rows[0] ?? { checkInWindowMin: 60, lateCancelNoticeHours: 24 };
  }

  async setSettings(tx: Tx, tenantId: string, s: VisitSettings): Promise<void> {
    await tx.$executeRaw`
      UPDATE tenant SET check_in_window_min = ${s.checkInWindowMin}::int, late_cancel_notice_hours = ${s.lateCancelNoticeHours}::int WHERE id = ${tenantId}::uuid`;
  }

  /**
   * One step of the visit at `version` from one of `from`, stamping its time.
   * `opensBeforeMin`: only from that many minutes before the start (check-in);
   * `started`: only once the appointment has started (no-show). False when refused.
   */
  async step(tx: Tx, a: { appointmentId: string; tenantId: string; version: number; from: readonly AppointmentStatus[]; to: VisitStep; opensBeforeMin?: number; started?: boolean }): Promise<boolean> {
    const stamp = STAMP[a.to];
    const sets = [Prisma.sql`status = ${a.to}::"AppointmentStatus"`, Prisma.sql`version = version + 1`, Prisma.sql`updated_at = now()`];
    if (stamp) sets.push(Prisma.sql`${stamp} = now()`);
    const conditions = [
      Prisma.sql`id = ${a.appointmentId}::uuid`,
      Prisma.sql`tenant_id = ${a.tenantId}::uuid`,
      Prisma.sql`version = ${a.version}::int`,
      Prisma.sql`status::text = ANY(${[...a.from]}::text[])`,
    ];
    if (a.opensBeforeMin !== undefined) conditions.push(Prisma.sql`starts_at - make_interval(mins => ${a.opensBeforeMin}::int) <= now()`);
    if (a.started) conditions.push(Prisma.sql`starts_at <= now()`);
    const count = await tx.$executeRaw`UPDATE appointment SET ${Prisma.join(sets, ', ')} WHERE ${Prisma.join(conditions, ' AND ')}`;
    return count === 1;
  }

  /** Cancels at `version` (a hold or a booking), flagging a booking late when its start is nearer than the notice. */
  async cancel(tx: Tx, a: { appointmentId: string; tenantId: string; version: number; code: CancelReasonCode | null; reason: string; noticeHours: number }): Promise<boolean> {
    const count = await tx.$executeRaw`
      UPDATE appointment SET status = 'CANCELLED', version = version + 1, updated_at = now(), hold_expires_at = NULL,
             cancel_reason = ${a.reason}, cancel_reason_code = ${a.code},
             cancelled_late = (status = 'BOOKED' AND starts_at - make_interval(hours => ${a.noticeHours}::int) < now())
       WHERE id = ${a.appointmentId}::uuid AND tenant_id = ${a.tenantId}::uuid AND version = ${a.version}::int
         AND status IN ('HELD', 'BOOKED') AND (status <> 'HELD' OR hold_expires_at > now())`;
    return count === 1;
  }

  /** A booking's service, patient, end, price and note at `version`; the caller replaces its occupancy in the same transaction. */
  async edit(tx: Tx, e: BookingEdit): Promise<boolean> {
    const count = await tx.$executeRaw`
      UPDATE appointment SET service_id = ${e.serviceId}::uuid, patient_id = ${e.patientId}::uuid, ends_at = ${e.endsAt},
             price_cents = ${e.priceCents}::int, note = ${e.note}, version = version + 1, updated_at = now()
       WHERE id = ${e.appointmentId}::uuid AND tenant_id = ${e.tenantId}::uuid AND version = ${e.version}::int AND status = 'BOOKED'`;
    return count === 1;
  }

  /** Whether the patient exists in the tenant. */
  async patientExists(db: Db | Tx, tenantId: string, patientId: string): Promise<boolean> {
    const rows = await db.$queryRaw<{ one: number }[]>`SELECT 1 AS one FROM patient WHERE id = ${patientId}::uuid AND tenant_id = ${tenantId}::uuid AND merged_into_id IS NULL`;
    return rows.length > 0;
  }
}
