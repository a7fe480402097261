import type { EventPayloads, EventType } from '@frontdesk/shared';
import { Prisma } from '../db/prisma.js';
import type { Tx } from '../db/tx.js';
import { noteEventsWritten } from '../db/commit-wake.js';
import { MESSAGE_TRIGGERS, scheduleMessages } from '../messages/schedule.js';

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
 * `alongside` is a data-modifying statement of the same change, sent in the
 * same round trip (it runs as a CTE before the insert).
 */
export async function appendEvents(tx: Tx, author: EventAuthor, events: readonly AnyNewEvent[], alongside?: Prisma.Sql): Promise<void> {
  if (events.length === 0) {
    if (alongside) await tx.$executeRaw`${alongside}`;
    return;
  }
  const rows = events.map(
    (e) =>
      Prisma.sql`(${e.tenantId}::uuid, ${e.branchId}::uuid, ${e.type}, ${e.aggregateId}::uuid, ${e.patientId ?? null}::uuid, ${JSON.stringify(e.payload)}::jsonb, ${author.actorId}::uuid, ${author.desk})`,
  );
  // Its commit wakes the log readers (db/commit-wake.ts).
  noteEventsWritten(tx, events);
  const insert = Prisma.sql`
    INSERT INTO "event" ("tenant_id", "branch_id", "type", "aggregate_id", "patient_id", "payload", "actor_id", "desk")
    VALUES ${Prisma.join(rows)}`;
  // Booked, moved and cancelled appointments schedule or drop their patient's messages in this same transaction,
  // read in the same round trip as the inserts.
  if (events.some((e) => MESSAGE_TRIGGERS.has(e.type))) return scheduleMessages(tx, events, undefined, alongside ? [alongside, insert] : [insert]);
  const prefix = alongside ? Prisma.sql`WITH alongside AS (${alongside}) ` : Prisma.empty;
  await tx.$executeRaw`${prefix}${insert}`;
}
