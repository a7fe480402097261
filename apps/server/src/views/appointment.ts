import type { AppointmentStatus, AppointmentView, CancelReasonCode } from '@frontdesk/shared';
import type { Prisma } from '../db/prisma.js';

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
