import { randomBytes } from 'node:crypto';
import type { MessageChannel, MessageKind, MessageState, MessageTemplate, MessageView } from '@frontdesk/shared';
import { Prisma } from '../db/prisma.js';
import type { Db, Tx } from '../db/tx.js';

// The clinic's message settings and the message rows. Stateless: every
// method takes the transaction (or client) first; row-level security scopes
// both tables to the transaction's tenant.

export interface SettingsRow {
  enabled: MessageKind[];
  reminderHours: number[];
  templates: Partial<Record<MessageKind, MessageTemplate>>;
  locale: string;
  quietStartMin: number | null;
  quietEndMin: number | null;
  linkSecret: Buffer;
  version: number;
}

export interface NewMessage {
  tenantId: string;
  appointmentId: string | null;
  patientId: string;
  branchId: string | null;
  kind: string;
  version: number;
  channel: MessageChannel;
  recipient: string;
  sendAt: Date;
  vars?: Record<string, string>;
}

/** What a message needs to be written and sent: the appointment, its patient, people and place. */
export interface MessageContext {
  id: string;
  tenantId: string;
  appointmentId: string | null;
  patientId: string;
  branchId: string | null;
  kind: string;
  version: number;
  channel: MessageChannel;
  recipient: string;
  state: MessageState;
  attempts: number;
  vars: Record<string, string>;
  answer: string | null;
  clinicName: string;
  patientName: string;
  branchName: string | null;
  timeZone: string | null;
  serviceName: string | null;
  practitioner: string | null;
  startsAt: Date | null;
  endsAt: Date | null;
  appointmentStatus: string | null;
  appointmentVersion: number | null;
  /** The appointment's patient now (an edit may have changed it since the message was queued). */
  appointmentPatientId: string | null;
  /** Claimed for sending longer ago than any send takes: the process that took it stopped. */
  abandoned: boolean;
}

const MESSAGE_VIEW = Prisma.sql`id::text, appointment_id::text AS "appointmentId", kind, version, channel, state, send_at AS "sendAt", sent_at AS "sentAt",
  attempts, last_error AS "lastError", answer, answered_at AS "answeredAt"`;

interface MessageViewRow extends Omit<MessageView, 'sendAt' | 'sentAt' | 'answeredAt'> {
  sendAt: Date;
  sentAt: Date | null;
  answeredAt: Date | null;
}

export function toMessageView(r: MessageViewRow): MessageView {
  return { ...r, sendAt: r.sendAt.toISOString(), sentAt: r.sentAt?.toISOString() ?? null, answeredAt: r.answeredAt?.toISOString() ?? null };
}

export class MessagesRepository {
  async settings(db: Db | Tx, tenantId: string): Promise<SettingsRow | null> {
    const rows = await db.$queryRaw<SettingsRow[]>`
      SELECT enabled, reminder_hours AS "reminderHours", templates, locale, quiet_start_min AS "quietStartMin", quiet_end_min AS "quietEndMin",
             link_secret AS "linkSecret", version
        FROM message_settings WHERE tenant_id = ${tenantId}::uuid`;
    return rows[0] ?? null;
  }

  /** Writes the settings at `version` (0: none yet); false when another desk saved first. */
  async saveSettings(tx: Tx, tenantId: string, version: number, s: Omit<SettingsRow, 'linkSecret' | 'version'>): Promise<number | null> {
    const templates = JSON.stringify(s.templates);
    if (version === 0) {
      const rows = await tx.$queryRaw<{ version: number }[]>`
        INSERT INTO message_settings (tenant_id, enabled, reminder_hours, templates, locale, quiet_start_min, quiet_end_min, link_secret)
        VALUES (${tenantId}::uuid, ${s.enabled}::text[], ${s.reminderHours}::int[], ${templates}::jsonb, ${s.locale}, ${s.quietStartMin}::int, ${s.quietEndMin}::int, ${randomBytes(32)})
        ON CONFLICT (tenant_id) DO NOTHING RETURNING version`;
      return rows[0]?.version ?? null;
    }
    const rows = await tx.$queryRaw<{ version: number }[]>`
      UPDATE message_settings SET enabled = ${s.enabled}::text[], reminder_hours = ${s.reminderHours}::int[], templates = ${templates}::jsonb, locale = ${s.locale},
             quiet_start_min = ${s.quietStartMin}::int, quiet_end_min = ${s.quietEndMin}::int, version = version + 1, updated_at = now()
       WHERE tenant_id = ${tenantId}::uuid AND version = ${version} RETURNING version`;
    return rows[0]?.version ?? null;
  }

  /** Queued messages of an appointment made for an older version (or all): they will not go. */
  async dropQueued(tx: Tx, tenantId: string, appointmentId: string, beforeVersion: number): Promise<MessageView[]> {
    const rows = await tx.$queryRaw<MessageViewRow[]>`
      UPDATE message SET state = 'cancelled', updated_at = now()
       WHERE tenant_id = ${tenantId}::uuid AND appointment_id = ${appointmentId}::uuid AND state = 'queued' AND version < ${beforeVersion}
      RETURNING ${MESSAGE_VIEW}`;
    return rows.map(toMessageView);
  }

  /** The appointment's branch, or null when there is none of that id in the tenant. */
  async appointmentBranch(db: Db | Tx, tenantId: string, appointmentId: string): Promise<string | null> {
    const rows = await db.$queryRaw<{ branchId: string }[]>`SELECT branch_id::text AS "branchId" FROM appointment WHERE tenant_id = ${tenantId}::uuid AND id = ${appointmentId}::uuid`;
    return rows[0]?.branchId ?? null;
  }

  async forAppointment(db: Db | Tx, tenantId: string, appointmentId: string): Promise<MessageView[]> {
    const rows = await db.$queryRaw<MessageViewRow[]>`
      SELECT ${MESSAGE_VIEW} FROM message WHERE tenant_id = ${tenantId}::uuid AND appointment_id = ${appointmentId}::uuid ORDER BY send_at, created_at`;
    return rows.map(toMessageView);
  }

  async view(db: Db | Tx, tenantId: string, id: string): Promise<MessageView | null> {
    const rows = await db.$queryRaw<MessageViewRow[]>`SELECT ${MESSAGE_VIEW} FROM message WHERE tenant_id = ${tenantId}::uuid AND id = ${id}::uuid`;
    return rows[0] ? toMessageView(rows[0]) : null;
  }

  async context(db: Db | Tx, tenantId: string, id: string): Promise<MessageContext | null> {
    const rows = await db.$queryRaw<MessageContext[]>`
      SELECT m.id::text, m.tenant_id::text AS "tenantId", m.appointment_id::text AS "appointmentId", m.patient_id::text AS "patientId", COALESCE(a.branch_id, m.branch_id)::text AS "branchId", m.kind, m.version,
             m.channel, m.recipient, m.state, m.attempts, m.vars, m.answer, (m.state = 'sending' AND m.updated_at < now() - interval '4 minutes') AS abandoned,
             t.name AS "clinicName", p.name AS "patientName", b.name AS "branchName", b.time_zone AS "timeZone",
             s.name AS "serviceName", a.starts_at AS "startsAt", a.ends_at AS "endsAt", a.status::text AS "appointmentStatus", a.version AS "appointmentVersion", a.patient_id::text AS "appointmentPatientId",
             (SELECT string_agg(r.name, ', ' ORDER BY r.name) FROM appointment_resource ar JOIN resource r ON r.tenant_id = ar.tenant_id AND r.id = ar.resource_id
               WHERE ar.tenant_id = a.tenant_id AND ar.appointment_id = a.id AND r.kind = 'PRACTITIONER') AS practitioner
        FROM message m
        JOIN tenant t ON t.id = m.tenant_id
        JOIN patient p ON p.tenant_id = m.tenant_id AND p.id = m.patient_id
        LEFT JOIN appointment a ON a.tenant_id = m.tenant_id AND a.id = m.appointment_id
        LEFT JOIN branch b ON b.tenant_id = m.tenant_id AND b.id = COALESCE(a.branch_id, m.branch_id)
        LEFT JOIN service s ON s.tenant_id = m.tenant_id AND s.id = a.service_id
       WHERE m.tenant_id = ${tenantId}::uuid AND m.id = ${id}::uuid`;
    return rows[0] ?? null;
  }

  /** Takes a queued message for sending: exactly one process gets it, however many try. */
  async claim(tx: Tx, tenantId: string, id: string): Promise<boolean> {
    const n = await tx.$executeRaw`
      UPDATE message SET state = 'sending', attempts = attempts + 1, updated_at = now()
       WHERE tenant_id = ${tenantId}::uuid AND id = ${id}::uuid AND state = 'queued'`;
    return n === 1;
  }

  /** The outcome of a send (or of not sending): from `sending` or `queued` only. */
  async settle(tx: Tx, tenantId: string, id: string, state: MessageState, details: { error?: string | null; subject?: string; body?: string } = {}): Promise<MessageView | null> {
    const rows = await tx.$queryRaw<MessageViewRow[]>`
      UPDATE message SET state = ${state}, last_error = ${details.error ?? null}, subject = COALESCE(${details.subject ?? null}, subject), body = COALESCE(${details.body ?? null}, body),
             sent_at = CASE WHEN ${state} = 'sent' THEN now() ELSE sent_at END, updated_at = now()
       WHERE tenant_id = ${tenantId}::uuid AND id = ${id}::uuid AND state IN ('sending', 'queued')
      RETURNING ${MESSAGE_VIEW}`;
    return rows[0] ? toMessageView(rows[0]) : null;
  }

  /** The patient's answer, once per message. */
  async answer(tx: Tx, tenantId: string, id: string, answer: 'confirmed' | 'cancelled'): Promise<MessageView | null> {
    const rows = await tx.$queryRaw<MessageViewRow[]>`
      UPDATE message SET answer = ${answer}, answered_at = now(), updated_at = now()
       WHERE tenant_id = ${tenantId}::uuid AND id = ${id}::uuid AND answer IS NULL
      RETURNING ${MESSAGE_VIEW}`;
    return rows[0] ? toMessageView(rows[0]) : null;
  }
}
