import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { AnyLogEvent, ChangeMessage } from '@frontdesk/shared';
import type { ChangeEnvelope } from '../sync/changes.service.js';
import type { LogEntry } from '../sync/log.repository.js';
import type { LogReader } from '../sync/log-reader.js';

// Helpers for the event-log tests: raw writers with precise control over
// transactions, a recording subscriber, and reading a `changes` stream.

export interface RawEvent {
  tenantId: string;
  branchId?: string | null;
  marker?: string;
}

/** Inserts one stock event with the given client (inside whatever transaction it has open); returns its seq. */
export async function insertRaw(client: pg.ClientBase | pg.Pool, e: RawEvent): Promise<string> {
  const payload = { productId: randomUUID(), branchId: e.branchId ?? randomUUID(), quantity: 1, delta: -1, marker: e.marker ?? null };
  const { rows } = await client.query<{ seq: string }>(
    `INSERT INTO "event" (tenant_id, branch_id, type, payload, desk) VALUES ($1, $2, 'stock.changed', $3, 'test') RETURNING seq::text AS seq`,
    [e.tenantId, e.branchId ?? null, JSON.stringify(payload)],
  );
  return rows[0]!.seq;
}

export interface Recorder {
  entries: LogEntry[];
  seqs(): string[];
  unsubscribe(): void;
}

export async function record(reader: LogReader): Promise<Recorder> {
  const entries: LogEntry[] = [];
  const sub = await reader.subscribe({ onEntries: (e) => entries.push(...e), onClose: () => undefined });
  return { entries, seqs: () => entries.map((e) => e.event.seq), unsubscribe: sub.unsubscribe };
}

export async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** A desk window's `changes` stream, as a test reads it. */
export type Stream = AsyncIterator<ChangeEnvelope>;

/** The next message of a stream with its resume id; throws if the stream ended. */
export async function next(stream: Stream): Promise<{ id: string; message: ChangeMessage }> {
  const result = await stream.next();
  if (result.done) throw new Error('the stream ended');
  const [id, message] = result.value;
  return { id, message };
}

/** The events a message carries, in order (none for `live` and `reset`). */
export function eventsOf(message: ChangeMessage): AnyLogEvent[] {
  return message.kind === 'events' ? message.events : [];
}

/** The markers (insertRaw) of the events a message carries. */
export function markersOf(message: ChangeMessage): string[] {
  return eventsOf(message).flatMap((e) => {
    const marker = (e.payload as { marker?: string | null }).marker;
    return marker ? [marker] : [];
  });
}
