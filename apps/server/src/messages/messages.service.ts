import type { z } from 'zod';
import {
  DEFAULT_TEMPLATES,
  DomainError,
  MESSAGE_KINDS,
  minuteLabel,
  renderTemplate,
  type MessageKind,
  type MessageSettingsView,
  type MessageTemplate,
  type MessageView,
  type messagePreviewInput,
  type messageSettingsInput,
} from '@frontdesk/shared';
import { mayActIn, type Actor } from '../auth/scope.js';
import { notFound } from '../errors.js';
import { withTenant } from '../db/request-scope.js';
import { inTransaction, type Db } from '../db/tx.js';
import { appendEvents } from '../sync/append.js';
import type { VisitService } from '../booking/visit.service.js';
import { whenIn } from './dispatch.js';
import { readLink, verifyLink } from './links.js';
import type { MessagesRepository, SettingsRow } from './messages.repository.js';

// The clinic's message settings (Setup › Messages), an appointment's messages
// as the desk shows them, and the patient's answer through a message's link.

export interface AppointmentMessages {
  messages: MessageView[];
  /** When the patient confirmed through a link, if they did. */
  confirmedByPatientAt: string | null;
}

/** What the patient's page shows: enough to recognise the visit, nothing else. */
export interface LinkPage {
  clinic: string;
  service: string;
  branch: string;
  date: string;
  time: string;
  /** booked: may confirm or cancel; otherwise the page says so. */
  status: 'booked' | 'cancelled' | 'past' | 'other';
  answer: 'confirmed' | 'cancelled' | null;
}

export type LinkAnswer = { ok: true; page: LinkPage } | { ok: false; reason: string; page: LinkPage | null };

const PATIENT_DESK = 'patient link';

export class MessagesService {
  constructor(
    private readonly db: Db,
    private readonly repo: MessagesRepository,
    private readonly visits: VisitService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async settings(actor: Actor): Promise<MessageSettingsView> {
    return toSettingsView(await this.repo.settings(this.db, actor.tenantId));
  }

  async saveSettings(actor: Actor, input: z.output<typeof messageSettingsInput>): Promise<MessageSettingsView> {
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      const toMin = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
      // Only wording that differs from the built-in one is kept: a later improvement of the defaults reaches the clinic.
      const templates: Partial<Record<MessageKind, MessageTemplate>> = {};
      for (const kind of MESSAGE_KINDS) {
        const t = input.templates[kind];
        if (t && (t.subject !== DEFAULT_TEMPLATES[kind].subject || t.body !== DEFAULT_TEMPLATES[kind].body)) templates[kind] = t;
      }
      const version = await this.repo.saveSettings(tx, actor.tenantId, input.version, {
        enabled: [...new Set(input.enabled)],
        reminderHours: [...input.reminderHours].sort((a, b) => b - a),
        templates,
        locale: input.locale,
        quietStartMin: input.quietHours ? toMin(input.quietHours.start) : null,
        quietEndMin: input.quietHours ? toMin(input.quietHours.end) : null,
      });
      if (version === null) {
        // Not STALE: that code carries an appointment. The form reloads the settings on this refusal.
        throw new DomainError('BAD_INPUT', 'Another desk changed the messages since you opened them; they are shown as they are now.', { field: 'version' });
      }
      await appendEvents(tx, { actorId: actor.staffId, desk: actor.desk }, [{ type: 'message.settings_changed', tenantId: actor.tenantId, branchId: null, aggregateId: null, payload: { version } }]);
      return toSettingsView(await this.repo.settings(tx, actor.tenantId));
    });
  }

  /** A template filled with a sample appointment, as the patient would read it. */
  preview(_actor: Actor, input: z.output<typeof messagePreviewInput>): { subject: string; body: string } {
    const when = whenIn(new Date(Date.UTC(2026, 10, 24, 14, 30)), 'America/New_York', input.locale);
    const vars = { patient: 'Ana Shah', clinic: 'Harbour Health Clinics', branch: 'Midtown (New York)', service: 'GP consultation', practitioner: 'Dr Priya Rao', ...when, link: 'https://clinic.example/m/…' };
    return { subject: renderTemplate(input.template.subject, vars), body: renderTemplate(input.template.body, vars) };
  }

  async ofAppointment(actor: Actor, appointmentId: string): Promise<AppointmentMessages> {
    // Another branch's appointment is as unknown as one that does not exist.
    const branchId = await this.repo.appointmentBranch(this.db, actor.tenantId, appointmentId);
    if (!branchId || !mayActIn(actor, branchId)) throw notFound('appointment');
    const messages = await this.repo.forAppointment(this.db, actor.tenantId, appointmentId);
    const confirmed = messages.filter((m) => m.answer === 'confirmed' && m.answeredAt).map((m) => m.answeredAt!);
    return { messages, confirmedByPatientAt: confirmed.sort().at(-1) ?? null };
  }

  /** The page behind a patient's link; null for a link that is not genuine or has expired. */
  async linkPage(token: string): Promise<LinkPage | null> {
    const claims = readLink(token);
    if (!claims || claims.purpose !== 'answer') return null;
    return inTransaction(this.db, { tenantId: claims.tenantId }, async (tx) => {
      const settings = await this.repo.settings(tx, claims.tenantId);
      if (!settings || !verifyLink(settings.linkSecret, token, this.now())) return null;
      const c = await this.repo.context(tx, claims.tenantId, claims.messageId);
      if (!c || !c.startsAt) return null;
      const when = whenIn(c.startsAt, c.timeZone ?? 'UTC', settings.locale);
      const status = c.appointmentStatus === 'CANCELLED' ? 'cancelled' : c.appointmentStatus !== 'BOOKED' ? 'other' : c.startsAt <= this.now() ? 'past' : 'booked';
      return { clinic: c.clinicName, service: c.serviceName ?? '', branch: c.branchName ?? '', ...when, status, answer: (c.answer as LinkPage['answer']) ?? null };
    });
  }

  /**
   * The patient confirms or cancels, once per message. A cancel goes through the desk's own cancel command
   * (with its event, so the freed time reaches the waitlist and every desk); a confirm appends its own event.
   */
  async answer(token: string, answer: 'confirmed' | 'cancelled'): Promise<LinkAnswer> {
    const page = await this.linkPage(token);
    const claims = readLink(token);
    if (!page || !claims) return { ok: false, reason: 'This link does not work any more.', page: null };
    if (page.answer) return { ok: false, reason: page.answer === 'confirmed' ? 'You have already confirmed this appointment.' : 'You have already cancelled this appointment.', page };
    if (page.status !== 'booked') return { ok: false, reason: page.status === 'cancelled' ? 'This appointment is already cancelled.' : 'This appointment can no longer be changed here.', page };
    const { tenantId, messageId } = claims;
    const c = await inTransaction(this.db, { tenantId }, (tx) => this.repo.context(tx, tenantId, messageId));
    if (!c?.appointmentId || c.appointmentVersion === null) return { ok: false, reason: 'This link does not work any more.', page: null };
    if (answer === 'cancelled') {
      // The log records no staff member for the patient's own cancel: no actor, desk "patient link".
      const patient = { staffId: null, tenantId, role: 'ADMIN', name: 'Patient', branchIds: c.branchId ? [c.branchId] : [], sessionId: '', desk: PATIENT_DESK, mustChangePassword: false } as unknown as Actor;
      const cancelled = await withTenant(tenantId, () =>
        this.visits.cancel(patient, { appointmentId: c.appointmentId!, version: c.appointmentVersion!, reasonCode: 'PATIENT_REQUEST', reason: 'Cancelled by the patient from the link in a message' }),
      ).catch((error: unknown) => error);
      if (cancelled instanceof Error) return { ok: false, reason: 'The appointment changed meanwhile; please call the clinic.', page };
    }
    const recorded = await inTransaction(this.db, { tenantId }, async (tx) => {
      const view = await this.repo.answer(tx, tenantId, messageId, answer);
      if (!view) return false;
      await appendEvents(tx, { actorId: null, desk: PATIENT_DESK }, [
        { type: 'message.patient_answered', tenantId, branchId: null, aggregateId: c.appointmentId, patientId: c.patientId, payload: { appointmentId: c.appointmentId!, messageId, answer } },
      ]);
      return true;
    });
    if (!recorded) return { ok: false, reason: 'You have already answered this message.', page };
    return { ok: true, page: { ...page, answer, status: answer === 'cancelled' ? 'cancelled' : page.status } };
  }
}

export function toSettingsView(row: SettingsRow | null): MessageSettingsView {
  const templates = Object.fromEntries(MESSAGE_KINDS.map((k) => [k, row?.templates[k] ?? DEFAULT_TEMPLATES[k]])) as Record<MessageKind, MessageTemplate>;
  return {
    version: row?.version ?? 0,
    enabled: row?.enabled ?? [],
    reminderHours: row?.reminderHours ?? [48, 2],
    templates,
    locale: row?.locale ?? 'en-US',
    quietHours: row && row.quietStartMin !== null && row.quietEndMin !== null ? { start: minuteLabel(row.quietStartMin), end: minuteLabel(row.quietEndMin) } : null,
  };
}
