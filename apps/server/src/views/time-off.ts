import type { TimeOffView } from '@frontdesk/shared';
import type { Prisma } from '../db/prisma.js';

/** What a TimeOffView is built from; use it in every query that returns one. */
export const timeOffSelect = { id: true, branchId: true, resourceId: true, kind: true, startsAt: true, endsAt: true, reason: true } satisfies Prisma.TimeOffSelect;

export type TimeOffRow = Prisma.TimeOffGetPayload<{ select: typeof timeOffSelect }>;

/** The row as selected, its times as ISO strings. */
export function toTimeOffView(row: TimeOffRow): TimeOffView {
  return { ...row, startsAt: row.startsAt.toISOString(), endsAt: row.endsAt.toISOString() };
}
