import type { EventPayloads, EventType } from '@frontdesk/shared';
import { Prisma } from '../db/prisma.js';
import type { Tx } from '../db/tx.js';

export interface NewEvent<T extends EventType = EventType> {
  type: T;
  tenantId: string;
  branchId: string | null;
  aggregateId: string | null;
  /** Set when the event concerns a patient, for the per-patient audit view. */
  patientId?: string | null;
  payload: EventPayloads[T];
}

export type AnyNewEvent = { [T in EventType]: NewEvent<T> }[EventType];

export interface EventAuthor {
  actorId: string | null;
  desk: string;
}

/**
 * Appends events to the log inside the caller's transaction, so a change and
 * its events commit (or vanish) together. One statement, so one NOTIFY.
 */
export async function appendEvents(tx: Tx, author: EventAuthor, events: readonly AnyNewEvent[]): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map(
    (e) =>
      Prisma.sql`(${e.tenantId}::uuid, ${e.branchId}::uuid, ${e.type}, ${e.aggregateId}::uuid, ${e.patientId ?? null}::uuid, ${JSON.stringify(e.payload)}::jsonb, ${author.actorId}::uuid, ${author.desk})`,
  );
  await tx.$executeRaw`
    INSERT INTO "event" ("tenant_id", "branch_id", "type", "aggregate_id", "patient_id", "payload", "actor_id", "desk")
    VALUES ${Prisma.join(rows)}`;
}
