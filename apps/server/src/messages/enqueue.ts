import { randomUUID } from 'node:crypto';
import type { MessageChannel } from '@frontdesk/shared';
import type { Tx } from '../db/tx.js';
import { insertJobs, MESSAGES_QUEUE, type MessageJob } from '../jobs/queue.js';
import { Prisma } from '../db/prisma.js';
import type { NewMessage } from './messages.repository.js';

// Messages and their jobs written in the caller's transaction: both commit
// with the change that called for them, or neither does. Each message's job
// carries the message's own id, so a message has exactly one job.

export interface Recipient {
  channel: MessageChannel;
  recipient: string;
}

/** Where a consenting patient hears from the clinic; null without consent or any address. */
export function recipientOf(p: { consent: boolean; email: string | null; phone: string | null; preferred: string }): Recipient | null {
  if (!p.consent) return null;
  if (p.preferred === 'sms' && p.phone) return { channel: 'sms', recipient: p.phone };
  if (p.email) return { channel: 'email', recipient: p.email };
  return p.phone ? { channel: 'sms', recipient: p.phone } : null;
}

/** Writes messages (skipping any already there for the same appointment, kind and version) and one job each. */
export async function writeMessages(tx: Tx, messages: readonly NewMessage[]): Promise<{ id: string; index: number }[]> {
  if (messages.length === 0) return [];
  const ids = messages.map(() => randomUUID());
  const rows = messages.map(
    (m, i) =>
      Prisma.sql`(${ids[i]}::uuid, ${m.tenantId}::uuid, ${m.appointmentId}::uuid, ${m.patientId}::uuid, ${m.branchId}::uuid, ${m.kind}, ${m.version}::int, ${m.channel}, ${m.recipient}, ${m.sendAt}::timestamptz, ${JSON.stringify(m.vars ?? {})}::jsonb)`,
  );
  const inserted = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO message (id, tenant_id, appointment_id, patient_id, branch_id, kind, version, channel, recipient, send_at, vars, job_id)
    SELECT v.id, v.tenant_id, v.appointment_id, v.patient_id, v.branch_id, v.kind, v.version, v.channel, v.recipient, v.send_at, v.vars, v.id
      FROM (VALUES ${Prisma.join(rows)}) v (id, tenant_id, appointment_id, patient_id, branch_id, kind, version, channel, recipient, send_at, vars)
    ON CONFLICT (tenant_id, appointment_id, kind, version) DO NOTHING
    RETURNING id::text`;
  const made = new Set(inserted.map((r) => r.id));
  const written = ids.map((id, index) => ({ id, index })).filter((w) => made.has(w.id));
  await insertJobs<MessageJob>(
    tx,
    MESSAGES_QUEUE,
    written.map((w) => ({ id: w.id, data: { tenantId: messages[w.index]!.tenantId, messageId: w.id }, startAfter: messages[w.index]!.sendAt })),
  );
  return written;
}
