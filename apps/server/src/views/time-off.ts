import type { TimeOffView } from '@frontdesk/shared';
import { Prisma } from '../db/prisma.js';
import { ISO } from './appointment.js';

/** What a TimeOffView is built from; use it in every query that returns one. */
export const timeOffSelect = { id: true, branchId: true, resourceId: true, kind: true, startsAt: true, endsAt: true, reason: true } satisfies Prisma.TimeOffSelect;

export type TimeOffRow = Prisma.TimeOffGetPayload<{ select: typeof timeOffSelect }>;

/** The row as selected, its times as ISO strings. */
export function toTimeOffView(row: TimeOffRow): TimeOffView {
  return { ...row, startsAt: row.startsAt.toISOString(), endsAt: row.endsAt.toISOString() };
}

/** A TimeOffView as JSON built by Postgres, over `time_off t`: field for field what toTimeOffView makes. */
export const timeOffViewJson = Prisma.sql`json_build_object('id', t.id, 'branchId', t.branch_id, 'resourceId', t.resource_id, 'kind', t.kind,
  'startsAt', ${ISO('t.starts_at')}, 'endsAt', ${ISO('t.ends_at')}, 'reason', t.reason)`;
