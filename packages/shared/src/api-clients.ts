import { z } from 'zod';
import { id } from './schemas.js';

// API clients: systems that book through the FHIR API (/fhir/R4) with OAuth2
// client credentials. An admin registers one with a name, the branches it may
// book at and what it may do; its secret is shown once.

/** What a client may be allowed, as SMART v1 system scopes. */
export const API_SCOPES = [
  'system/Slot.read',
  'system/Schedule.read',
  'system/Location.read',
  'system/Practitioner.read',
  'system/HealthcareService.read',
  'system/Appointment.read',
  'system/Appointment.write',
  'system/Patient.read',
  'system/Patient.write',
] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** Plain words for each scope, as the setup screen lists them. */
export const API_SCOPE_LABELS: Record<ApiScope, string> = {
  'system/Slot.read': 'See free and busy times',
  'system/Schedule.read': 'See schedules',
  'system/Location.read': 'See branches',
  'system/Practitioner.read': 'See practitioners',
  'system/HealthcareService.read': 'See services',
  'system/Appointment.read': 'See appointments',
  'system/Appointment.write': 'Hold, book, move and cancel appointments',
  'system/Patient.read': 'Find patients',
  'system/Patient.write': 'Register new patients',
};

const scopes = z
  .array(z.enum(API_SCOPES, 'Choose scopes from the list.'))
  .min(1, 'Choose at least one thing the system may do.')
  .max(API_SCOPES.length)
  .transform((s) => [...new Set(s)]);

export const apiClientCreateInput = z.object({
  name: z.string({ message: 'Name the system (e.g. Patient portal).' }).trim().min(1, 'Name the system (e.g. Patient portal).').max(80, 'A name is at most 80 characters.'),
  branchIds: z.array(id).min(1, 'Choose at least one branch it may book at.').max(200),
  scopes,
});
export const apiClientIdInput = z.object({ clientId: id });

export interface ApiClientView {
  id: string;
  name: string;
  branchIds: string[];
  scopes: ApiScope[];
  createdAt: string;
  secretRotatedAt: string | null;
  disabledAt: string | null;
}

/** A new or rotated secret: shown once, never stored in clear. */
export interface ApiClientSecret {
  client: ApiClientView;
  clientId: string;
  clientSecret: string;
}
