import { z } from 'zod';
import { id, instant, localDate } from './schemas.js';

// Input schemas of the manager's schedule and catalogue commands, and of the
// catalogue reads.

const TIME_OFF_MAX_DAYS = 366;

/**
 * What to do with each appointment a setup change affects (see AFFECTS_APPOINTMENTS):
 * keep it where it is as an exception, cancel it with a reason, or move it.
 * `all` applies to every affected appointment without its own entry.
 */
export const resolution = z.discriminatedUnion('action', [
  z.object({ appointmentId: id, action: z.literal('keep') }),
  z.object({ appointmentId: id, action: z.literal('cancel'), reason: z.string().trim().min(1, 'Give a reason for the cancellation.').max(300) }),
  z.object({ appointmentId: id, action: z.literal('move'), startsAt: instant, resourceIds: z.array(id).max(5).optional() }),
]);
export const resolutionsInput = z
  .object({
    each: z.array(resolution).max(1000).default([]),
    all: z.discriminatedUnion('action', [
      z.object({ action: z.literal('keep') }),
      z.object({ action: z.literal('cancel'), reason: z.string().trim().min(1, 'Give a reason for the cancellation.').max(300) }),
    ]).optional(),
  })
  .default({ each: [] });

export const weeklyHoursEntry = z
  .object({
    weekday: z.number().int().min(1, 'weekday is 1 (Monday) to 7 (Sunday)').max(7, 'weekday is 1 (Monday) to 7 (Sunday)'),
    startMinute: z.number().int().min(0, 'minutes run from 0 to 1440').max(1439, 'minutes run from 0 to 1440'),
    endMinute: z.number().int().min(1, 'minutes run from 0 to 1440').max(1440, 'minutes run from 0 to 1440'),
  })
  .refine((h) => h.endMinute > h.startMinute, { message: 'hours must end after they start', path: ['endMinute'] });

export const addTimeOffInput = z
  .object({
    branchId: id,
    /** Omitted: the whole branch is closed (a holiday). */
    resourceId: id.optional(),
    kind: z.enum(['LEAVE', 'HOLIDAY', 'BLOCKED', 'CLOSURE']),
    startsAt: instant,
    endsAt: instant,
    reason: z.string().trim().max(500).default(''),
    /** What to do with the appointments in that time (see AFFECTS_APPOINTMENTS). */
    resolutions: resolutionsInput,
  })
  .refine((v) => new Date(v.endsAt) > new Date(v.startsAt), { message: 'time off must end after it starts', path: ['endsAt'] })
  .refine((v) => new Date(v.endsAt).getTime() - new Date(v.startsAt).getTime() <= TIME_OFF_MAX_DAYS * 86_400_000, {
    message: `time off spans at most ${TIME_OFF_MAX_DAYS} days at once`,
    path: ['endsAt'],
  });

export const removeTimeOffInput = z.object({ timeOffId: id });

export const setHoursInput = z
  .object({
    resourceId: id,
    branchId: id,
    hours: z.array(weeklyHoursEntry).max(50),
    /** What to do with the appointments the new hours leave out (see AFFECTS_APPOINTMENTS). */
    resolutions: resolutionsInput,
  })
  .refine(
    (v) =>
      v.hours.every((a, i) =>
        v.hours.every((b, j) => i === j || a.weekday !== b.weekday || a.endMinute <= b.startMinute || b.endMinute <= a.startMinute),
      ),
    { message: 'hours of one weekday must not overlap', path: ['hours'] },
  );

export const catalogResourcesInput = z.object({ branchId: id.optional() }).default({});

export const catalogSessionsInput = z.object({ branchId: id, date: localDate });

export const setStockInput = z.object({
  productId: id,
  branchId: id,
  quantity: z.number().int().min(0, 'stock cannot be negative').max(1_000_000),
});

export const setPriceInput = z.object({
  serviceId: id,
  branchId: id,
  priceCents: z.number().int().min(0, 'a price cannot be negative').max(100_000_000),
});

export type AddTimeOffInput = z.input<typeof addTimeOffInput>;
export type RemoveTimeOffInput = z.input<typeof removeTimeOffInput>;
export type SetHoursInput = z.input<typeof setHoursInput>;
export type SetStockInput = z.input<typeof setStockInput>;
export type SetPriceInput = z.input<typeof setPriceInput>;

export type Resolution = z.infer<typeof resolution>;
export type ResolutionsInput = z.input<typeof resolutionsInput>;
