import { z } from 'zod';
import { CANCEL_REASON_CODES } from './dto.js';
import { id } from './schemas.js';

// Inputs of editing a booked appointment, the visit's progress, cancelling
// with a reason, and the clinic's visit settings (check-in window, notice).

const version = z.number().int().min(1, 'Reload the appointment and try again.');

/** A booked appointment changed in place: any of service, patient, practitioner/room, note; the rest stays. */
export const editAppointmentInput = z
  .object({
    appointmentId: id,
    version,
    serviceId: id.optional(),
    patientId: id.optional(),
    /** The practitioner and room or chair it should be with (all of them). */
    resourceIds: z.array(id).min(1, 'Choose a practitioner.').max(5, 'Choose at most 5 resources.').optional(),
    note: z.string().trim().max(2000, 'Keep the note under 2000 characters.').optional(),
  });

export const cancelReasonCode = z.enum(CANCEL_REASON_CODES, { message: 'Choose why the appointment is cancelled.' });

/** A reason from the list, free text beside it (needed for "Other" or when no reason is chosen). */
export const cancelAppointmentInput = z
  .object({
    appointmentId: id,
    version,
    reasonCode: cancelReasonCode.optional(),
    reason: z.string().trim().max(500, 'Keep the reason under 500 characters.').default(''),
  })
  .refine((v) => (v.reasonCode !== undefined && v.reasonCode !== 'OTHER') || v.reason.length > 0, {
    message: 'Say why the appointment is cancelled.',
    path: ['reason'],
  });

export const setVisitSettingsInput = z.object({
  checkInWindowMin: z.number({ message: 'Enter the check-in window in minutes.' }).int('Enter whole minutes.').min(0, 'The check-in window cannot be negative.').max(1440, 'The check-in window is at most 1440 minutes (a day).'),
  lateCancelNoticeHours: z.number({ message: 'Enter the notice period in hours.' }).int('Enter whole hours.').min(0, 'The notice period cannot be negative.').max(720, 'The notice period is at most 720 hours (30 days).'),
});

export type EditAppointmentInput = z.input<typeof editAppointmentInput>;
export type CancelAppointmentInput = z.input<typeof cancelAppointmentInput>;
export type SetVisitSettingsInput = z.input<typeof setVisitSettingsInput>;
