import type { CapacitySessionView } from '@frontdesk/shared';
import type { Prisma } from '../db/prisma.js';

/** What a CapacitySessionView is built from; use it in every query that returns one. */
export const sessionSelect = { id: true, branchId: true, resourceId: true, name: true, startsAt: true, endsAt: true, capacity: true, issued: true, nowServing: true } satisfies Prisma.CapacitySessionSelect;

export type SessionRow = Prisma.CapacitySessionGetPayload<{ select: typeof sessionSelect }>;

/** The row as selected, its times as ISO strings. */
export function toSessionView(row: SessionRow): CapacitySessionView {
  return { ...row, startsAt: row.startsAt.toISOString(), endsAt: row.endsAt.toISOString() };
}
