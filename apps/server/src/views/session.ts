import type { CapacitySessionView } from '@frontdesk/shared';
import { Prisma } from '../db/prisma.js';
import { ISO } from './appointment.js';

/** What a CapacitySessionView is built from; use it in every query that returns one. */
export const sessionSelect = { id: true, branchId: true, resourceId: true, name: true, startsAt: true, endsAt: true, capacity: true, issued: true, nowServing: true } satisfies Prisma.CapacitySessionSelect;

export type SessionRow = Prisma.CapacitySessionGetPayload<{ select: typeof sessionSelect }>;

/** The row as selected, its times as ISO strings. */
export function toSessionView(row: SessionRow): CapacitySessionView {
  return { ...row, startsAt: row.startsAt.toISOString(), endsAt: row.endsAt.toISOString() };
}

/** A CapacitySessionView as JSON built by Postgres, over `capacity_session c`: field for field what toSessionView makes. */
export const sessionViewJson = Prisma.sql`json_build_object('id', c.id, 'branchId', c.branch_id, 'resourceId', c.resource_id, 'name', c.name,
  'startsAt', ${ISO('c.starts_at')}, 'endsAt', ${ISO('c.ends_at')}, 'capacity', c.capacity, 'issued', c.issued, 'nowServing', c.now_serving)`;
