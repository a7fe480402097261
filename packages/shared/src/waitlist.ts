import { z } from 'zod';
import type { PatientSummary } from './dto.js';
import { id, localDate } from './schemas.js';

// The waitlist's input schemas, views and the offer's sentence, shared so the
// desk checks a form the same way before sending it and says the same words.

export const WAITLIST_TIMES_OF_DAY = ['morning', 'afternoon', 'evening'] as const;
export type WaitlistTimeOfDay = (typeof WAITLIST_TIMES_OF_DAY)[number];

export const WAITLIST_CONTACTS = ['phone', 'sms', 'email', 'any'] as const;
export type WaitlistContact = (typeof WAITLIST_CONTACTS)[number];

/** 0 routine, 1 soon, 2 urgent: higher is offered first, then whoever waited longest. */
export const WAITLIST_PRIORITIES = { 0: 'Routine', 1: 'Soon', 2: 'Urgent' } as const;
export type WaitlistPriority = keyof typeof WAITLIST_PRIORITIES;

export type WaitlistStatus = 'WAITING' | 'OFFERED' | 'BOOKED' | 'REMOVED' | 'EXPIRED';

/** How far ahead a waitlist entry may reach. */
export const WAITLIST_MAX_DAYS = 366;

export const waitlistAddInput = z
  .object({
    patientId: id,
    serviceId: id,
    /** Empty: any practitioner who offers the service. */
    practitionerIds: z.array(id).max(10, 'Choose at most 10 practitioners.').default([]),
    /** Empty: any branch. */
    branchIds: z.array(id).max(10, 'Choose at most 10 branches.').default([]),
    fromDate: localDate,
    toDate: localDate,
    timesOfDay: z.array(z.enum(WAITLIST_TIMES_OF_DAY)).max(3).default([]),
    priority: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(0),
    notes: z.string().trim().max(1000, 'Notes have at most 1000 characters.').default(''),
    contact: z.enum(WAITLIST_CONTACTS).default('phone'),
  })
  .refine((v) => v.fromDate <= v.toDate, { message: 'The last day must be on or after the first day.', path: ['toDate'] });

export const waitlistRemoveInput = z.object({ entryId: id });
export const waitlistListInput = z.object({
  /** Booked, removed and expired entries too (the list shows waiting and offered ones by default). */
  includeClosed: z.boolean().default(false),
});
export const waitlistBookOfferInput = z.object({ offerId: id });

/** The longest a freed time may be held for the best-ranked entry's patient. */
export const WAITLIST_HOLD_MINUTES_MAX = 240;
/** The clinic's offer hold: minutes a freed time is held for the best-ranked patient, 0 = offers are not held. */
export const waitlistHoldSettingInput = z.object({
  holdMinutes: z
    .number({ message: 'Enter the hold in minutes (0 to hold nothing).' })
    .int('Enter whole minutes.')
    .min(0, 'The hold cannot be negative.')
    .max(WAITLIST_HOLD_MINUTES_MAX, `A waitlist offer is held at most ${WAITLIST_HOLD_MINUTES_MAX} minutes.`),
});

export type WaitlistAddInput = z.input<typeof waitlistAddInput>;

export interface WaitlistEntryView {
  id: string;
  patient: PatientSummary;
  serviceId: string;
  serviceName: string;
  practitionerIds: string[];
  branchIds: string[];
  fromDate: string;
  toDate: string;
  timesOfDay: WaitlistTimeOfDay[];
  priority: WaitlistPriority;
  notes: string;
  contact: WaitlistContact;
  status: WaitlistStatus;
  createdAt: string;
  appointmentId: string | null;
}

/** A freed time offered for one entry: every desk sees it, one books it. */
export interface WaitlistOfferView {
  id: string;
  entryId: string;
  patient: PatientSummary;
  serviceId: string;
  serviceName: string;
  branchId: string;
  /** The practitioner first, then any room or chair the time was freed on. */
  resourceIds: string[];
  practitionerName: string | null;
  startsAt: string;
  endsAt: string;
  /** The event type that freed the time (appointment.cancelled, hours.changed…). */
  freedBy: string;
  createdAt: string;
  openUntil: string;
  /** The time held for this entry's patient (the clinic holds offers): booking the offer confirms this hold. */
  hold?: { appointmentId: string; until: string } | null;
}

/** "Ana Shah wants a Dental cleaning with Dr Daniel Kim this week: 14:00 just freed". */
export function offerSentence(offer: Pick<WaitlistOfferView, 'patient' | 'serviceName' | 'practitionerName'>, when: string): string {
  const who = offer.practitionerName ? ` with ${offer.practitionerName}` : '';
  return `${offer.patient.name} wants a ${offer.serviceName}${who}: ${when} just freed`;
}
