import { z } from 'zod';
import { RESOURCE_KINDS } from './dto.js';
import { resolutionsInput } from './schedule-schemas.js';
import { id } from './schemas.js';

// Input schemas of the clinic's service setup (setup.services.*): what a
// service takes (duration, buffers), needs (kinds of resources, with a tag),
// who offers it, and what it costs at each branch.

/** Slots and the day grid run in 5-minute steps; a service's length is a whole number of them. */
export const SERVICE_MINUTES_STEP = 5;
export const SERVICE_MINUTES_MIN = 5;
export const SERVICE_MINUTES_MAX = 720;
export const SERVICE_BUFFER_MAX = 240;
/** A booking can name at most this many resources (holdInput's resourceIds). */
export const SERVICE_REQUIREMENTS_MAX = 5;

export const serviceDuration = z
  .number({ message: 'give the length in minutes' })
  .int('the length is whole minutes')
  .min(SERVICE_MINUTES_MIN, `a service lasts at least ${SERVICE_MINUTES_MIN} minutes`)
  .max(SERVICE_MINUTES_MAX, `a service lasts at most ${SERVICE_MINUTES_MAX} minutes (12 hours)`)
  .multipleOf(SERVICE_MINUTES_STEP, `the length goes in steps of ${SERVICE_MINUTES_STEP} minutes`);

const buffer = z
  .number({ message: 'give the buffer in minutes' })
  .int('a buffer is whole minutes')
  .min(0, 'a buffer cannot be negative')
  .max(SERVICE_BUFFER_MAX, `a buffer is at most ${SERVICE_BUFFER_MAX} minutes`);

const price = z.number({ message: 'give a price' }).int('a price is in whole cents').min(0, 'a price cannot be negative').max(100_000_000, 'that price is too high');

export const serviceRequirementInput = z.object({
  kind: z.enum(RESOURCE_KINDS, { message: 'a requirement is a practitioner, room, chair or device' }),
  /** Only resources carrying this tag meet it (e.g. "dentist"; tags are lower-case); empty or absent: any of the kind. */
  tag: z.string().trim().toLowerCase().max(40, 'a tag is at most 40 characters').nullable().optional(),
});

export const servicePractitionerInput = z.object({
  resourceId: id,
  /** This practitioner's own length for the service; absent: the service's. */
  durationMin: serviceDuration.nullable().optional(),
});

/** Who offers the service: empty means any practitioner meeting the requirements. */
export const servicePractitioners = z
  .array(servicePractitionerInput)
  .max(200)
  .refine((list) => new Set(list.map((p) => p.resourceId.toLowerCase())).size === list.length, { message: 'list each practitioner once' })
  .default([]);

const serviceFields = {
  name: z.string().trim().min(1, 'give the service a name').max(100, 'a name is at most 100 characters'),
  durationMin: serviceDuration,
  bufferBeforeMin: buffer.default(0),
  bufferAfterMin: buffer.default(0),
  requirements: z
    .array(serviceRequirementInput)
    .min(1, 'a service needs at least one kind of resource (e.g. a practitioner)')
    .max(SERVICE_REQUIREMENTS_MAX, `a service needs at most ${SERVICE_REQUIREMENTS_MAX} resources at once`),
  practitioners: servicePractitioners,
  /** The price wherever a branch has none of its own. */
  basePriceCents: price,
  /** Each branch's own price; a branch not listed charges the base price. */
  prices: z
    .array(z.object({ branchId: id, priceCents: price }))
    .max(200)
    .refine((list) => new Set(list.map((p) => p.branchId.toLowerCase())).size === list.length, { message: 'give each branch one price' })
    .default([]),
  /** A colour for the day grid, #rrggbb; empty: none. */
  colour: z.string().trim().regex(/^(#[0-9a-fA-F]{6})?$/, 'a colour is written #rrggbb').default(''),
};

export const createServiceInput = z.object(serviceFields);

export const updateServiceInput = z.object({
  serviceId: id,
  ...serviceFields,
  /** What to do with booked appointments of practitioners taken off the service. */
  resolutions: resolutionsInput,
});

export const setServicePractitionersInput = z.object({
  serviceId: id,
  practitioners: servicePractitioners,
  resolutions: resolutionsInput,
});

export const deactivateServiceInput = z.object({
  serviceId: id,
  /** What to do with the service's future appointments. */
  resolutions: resolutionsInput,
});

export const activateServiceInput = z.object({ serviceId: id });

export type CreateServiceInput = z.input<typeof createServiceInput>;
export type UpdateServiceInput = z.input<typeof updateServiceInput>;
export type SetServicePractitionersInput = z.input<typeof setServicePractitionersInput>;
export type DeactivateServiceInput = z.input<typeof deactivateServiceInput>;
