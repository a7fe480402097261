import type { AppointmentStatus, AppointmentView, CancelReasonCode } from '@frontdesk/shared';
import { Prisma } from '../db/prisma.js';

/** What an AppointmentView is built from; use it in every query that returns one. */
export const appointmentViewSelect = {
  id: true,
  branchId: true,
  serviceId: true,
  status: true,
  startsAt: true,
  endsAt: true,
  holdExpiresAt: true,
  version: true,
  priceCents: true,
  note: true,
  cancelReason: true,
  createdBy: true,
  updatedAt: true,
  keptOutsideHours: true,
  checkedInAt: true,
  consultationStartedAt: true,
  completedAt: true,
  cancelReasonCode: true,
  cancelledLate: true,
  seriesIndex: true,
  series: { select: { id: true, occurrenceCount: true } },
  service: { select: { name: true } },
  patient: { select: { id: true, name: true, phone: true } },
  resources: { select: { resourceId: true, startsAt: true, endsAt: true } },
  products: { select: { productId: true, quantity: true, unitPriceCents: true } },
} satisfies Prisma.AppointmentSelect;

export type AppointmentViewRow = Prisma.AppointmentGetPayload<{ select: typeof appointmentViewSelect }>;

/**
 * The DTO of an appointment row. Given `now`, a hold whose deadline has passed
 * but that the sweeper has not reached yet reads as EXPIRED, never as live.
 */
export function toAppointmentView(row: AppointmentViewRow, now?: Date): AppointmentView {
  const lapsed = row.status === 'HELD' && now !== undefined && row.holdExpiresAt !== null && row.holdExpiresAt.getTime() <= now.getTime();
  const status: AppointmentStatus = lapsed ? 'EXPIRED' : row.status;
  return {
    id: row.id,
    branchId: row.branchId,
    serviceId: row.serviceId,
    serviceName: row.service.name,
    patient: row.patient ? { id: row.patient.id, name: row.patient.name, phone: row.patient.phone } : null,
    status,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    holdExpiresAt: row.holdExpiresAt ? row.holdExpiresAt.toISOString() : null,
    version: row.version,
    priceCents: row.priceCents,
    note: row.note,
    cancelReason: row.cancelReason,
    resources: row.resources.map((r) => ({ resourceId: r.resourceId, startsAt: r.startsAt.toISOString(), endsAt: r.endsAt.toISOString() })),
    products: row.products.map((p) => ({ productId: p.productId, quantity: p.quantity, unitPriceCents: p.unitPriceCents })),
    createdBy: row.createdBy,
    updatedAt: row.updatedAt.toISOString(),
    keptOutsideHours: row.keptOutsideHours,
    checkedInAt: row.checkedInAt?.toISOString() ?? null,
    consultationStartedAt: row.consultationStartedAt?.toISOString() ?? null,
    completedAt: row.completedAt?.toISOString() ?? null,
    cancelReasonCode: (row.cancelReasonCode as CancelReasonCode | null) ?? null,
    cancelledLate: row.cancelledLate,
    // Raw reads that predate series may leave these out: no series then.
    series: row.series && row.seriesIndex ? { id: row.series.id, index: row.seriesIndex, count: row.series.occurrenceCount } : null,
  };
}

/** A timestamp as the views write it (toISOString: milliseconds, Z), formatted in SQL for JSON built there. */
export const ISO = (column: string) => Prisma.raw(`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

/** The tables `appointmentViewJson` reads: the appointment as `a`, its service, patient and series. */
export const APPOINTMENT_VIEW_FROM = Prisma.sql`appointment a
        JOIN service s ON s.tenant_id = a.tenant_id AND s.id = a.service_id
        LEFT JOIN patient p ON p.tenant_id = a.tenant_id AND p.id = a.patient_id
        LEFT JOIN series sr ON sr.tenant_id = a.tenant_id AND sr.id = a.series_id`;

/**
 * An appointment's AppointmentView as JSON built by Postgres (over APPOINTMENT_VIEW_FROM), field for field
 * what toAppointmentView makes: for reads of many, no row objects, dates or relation reads in Node. Given
 * `now`, a hold past its deadline reads EXPIRED, as toAppointmentView given `now` does.
 */
export function appointmentViewJson(now: Date | null): Prisma.Sql {
  const status = now ? Prisma.sql`CASE WHEN a.status = 'HELD' AND a.hold_expires_at <= ${now} THEN 'EXPIRED' ELSE a.status::text END` : Prisma.sql`a.status::text`;
  return Prisma.sql`json_build_object(
    'id', a.id, 'branchId', a.branch_id, 'serviceId', a.service_id, 'serviceName', s.name,
    'patient', CASE WHEN p.id IS NULL THEN NULL ELSE json_build_object('id', p.id, 'name', p.name, 'phone', p.phone) END,
    'status', ${status},
    'startsAt', ${ISO('a.starts_at')}, 'endsAt', ${ISO('a.ends_at')}, 'holdExpiresAt', ${ISO('a.hold_expires_at')},
    'version', a.version, 'priceCents', a.price_cents, 'note', a.note, 'cancelReason', a.cancel_reason,
    'resources', (SELECT coalesce(json_agg(json_build_object('resourceId', ar.resource_id, 'startsAt', ${ISO('ar.starts_at')}, 'endsAt', ${ISO('ar.ends_at')}) ORDER BY ar.resource_id), '[]')
                    FROM appointment_resource ar WHERE ar.tenant_id = a.tenant_id AND ar.appointment_id = a.id),
    'products', (SELECT coalesce(json_agg(json_build_object('productId', ap.product_id, 'quantity', ap.quantity, 'unitPriceCents', ap.unit_price_cents) ORDER BY ap.product_id), '[]')
                   FROM appointment_product ap WHERE ap.tenant_id = a.tenant_id AND ap.appointment_id = a.id),
    'createdBy', a.created_by, 'updatedAt', ${ISO('a.updated_at')}, 'keptOutsideHours', a.kept_outside_hours,
    'checkedInAt', ${ISO('a.checked_in_at')}, 'consultationStartedAt', ${ISO('a.consultation_started_at')}, 'completedAt', ${ISO('a.completed_at')},
    'cancelReasonCode', a.cancel_reason_code, 'cancelledLate', a.cancelled_late,
    'series', CASE WHEN sr.id IS NULL OR a.series_index IS NULL THEN NULL ELSE json_build_object('id', sr.id, 'index', a.series_index, 'count', sr.occurrence_count) END
  )`;
}
