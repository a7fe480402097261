import { DEFAULT_TEMPLATES, messageKindOf, renderTemplate, type MessagePlaceholder, type MessageState } from '@frontdesk/shared';
import { inTransaction, type Db, type Tx } from '../db/tx.js';
import type { Logger } from '../logger.js';
import { appendEvents } from '../sync/append.js';
import { appointmentCalendar } from './ics.js';
import { LINK_PREFIX, signLink } from './links.js';
import type { MessageContext, MessagesRepository, SettingsRow } from './messages.repository.js';
import type { Outgoing, Transports } from './transports.js';

// Sends one message, exactly once however many processes hold its job: the
// message row is claimed (queued → sending) in a transaction of its own before
// anything leaves, so a second taker finds it taken. A transient failure puts
// it back to queued and lets the job queue try again with back-off; the last
// try, a bounce or a permanent refusal settles it as failed or bounced.

export type DispatchResult = 'sent' | 'skipped' | 'retry' | 'failed' | 'bounced' | 'none';

export interface DispatchOptions {
  /** Where patients open their links: the server's public address. */
  publicUrl: string;
  /** The clinic's sending address, as the calendar entry's organiser. */
  from: string;
  now?: () => Date;
}

const DAY = 86_400_000;

export class MessageDispatcher {
  constructor(
    private readonly db: Db,
    private readonly repo: MessagesRepository,
    private readonly transports: Transports,
    private readonly logger: Logger,
    private readonly options: DispatchOptions,
  ) {}

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** `lastTry`: the job queue will not try again after this one. */
  async dispatch(tenantId: string, messageId: string, lastTry: boolean): Promise<DispatchResult> {
    const taken = await inTransaction(this.db, { tenantId }, async (tx) => {
      const context = await this.repo.context(tx, tenantId, messageId);
      // A process stopped between taking a message and recording the outcome (its job expired and came back):
      // whether it left is unknown, and sending it again could send it twice, so it is settled as failed.
      if (context?.abandoned) {
        await this.settle(tenantId, context, 'failed', 'The sending process stopped; whether the message left is unknown.', tx);
        return 'failed' as const;
      }
      if (!context || context.state !== 'queued') return null;
      const settings = await this.repo.settings(tx, tenantId);
      const why = settings ? this.notDue(context, settings) : 'messages are turned off';
      if (why) {
        await this.settle(tenantId, context, 'skipped', why, tx);
        return 'skipped' as const;
      }
      if (!(await this.repo.claim(tx, tenantId, messageId))) return null;
      return { context, settings: settings! };
    });
    if (taken === null) return 'none';
    if (taken === 'skipped' || taken === 'failed') return taken;
    const outgoing = this.render(taken.context, taken.settings);
    const result = await this.transports.send(outgoing).catch((error: unknown) => ({ ok: false as const, outcome: 'transient' as const, error: String(error) }));
    if (result.ok) {
      await this.settle(tenantId, taken.context, 'sent', null, undefined, outgoing);
      return 'sent';
    }
    this.logger.warn({ messageId, outcome: result.outcome, error: result.error }, 'a message was not sent');
    if (result.outcome === 'transient' && !lastTry) {
      await this.settle(tenantId, taken.context, 'queued', result.error, undefined, outgoing);
      return 'retry';
    }
    const state = result.outcome === 'bounced' ? 'bounced' : 'failed';
    await this.settle(tenantId, taken.context, state, result.error, undefined, outgoing);
    return state;
  }

  /** Why a message should not go now (turned off, no longer booked, already begun), or null. */
  private notDue(c: MessageContext, settings: SettingsRow): string | null {
    const kind = messageKindOf(c.kind);
    if (!settings.enabled.includes(kind)) return `${kind} messages are turned off`;
    if (!c.appointmentId) return null;
    // An edit gave the appointment to another patient: what was queued for the first one stays unsent.
    if (c.appointmentPatientId !== c.patientId) return 'the appointment is now another patient’s';
    if (kind === 'cancellation') return c.appointmentStatus === 'CANCELLED' ? null : 'the appointment is no longer cancelled';
    if (kind === 'waitlist_offer') return null;
    if (c.appointmentStatus !== 'BOOKED') return 'the appointment is no longer booked';
    if (c.startsAt && c.startsAt.getTime() <= this.now().getTime()) return 'the appointment has begun';
    return null;
  }

  private async settle(tenantId: string, c: MessageContext, state: MessageState, error: string | null, inTx?: Tx, outgoing?: Outgoing): Promise<void> {
    const work = async (tx: Tx) => {
      const view = await this.repo.settle(tx, tenantId, c.id, state, { error, ...(outgoing ? { subject: outgoing.subject, body: outgoing.text } : {}) });
      if (!view) return;
      await appendEvents(tx, { actorId: null, desk: 'messages' }, [
        { type: 'message.state_changed', tenantId, branchId: null, aggregateId: c.appointmentId, patientId: c.patientId, payload: { message: view } },
      ]);
    };
    if (inTx) await work(inTx);
    else await inTransaction(this.db, { tenantId }, work);
  }

  /** The message's words in the clinic's language and the branch's zone, its link, and its calendar entry. */
  render(c: MessageContext, settings: SettingsRow): Outgoing {
    const kind = messageKindOf(c.kind);
    const template = settings.templates[kind] ?? DEFAULT_TEMPLATES[kind];
    const zone = c.timeZone ?? 'UTC';
    const expires = Math.floor(((c.startsAt?.getTime() ?? this.now().getTime()) + (c.startsAt ? DAY : 7 * DAY)) / 1000);
    const token = signLink(settings.linkSecret, { tenantId: c.tenantId, messageId: c.id, purpose: 'answer', expires });
    const vars: Partial<Record<MessagePlaceholder, string>> = {
      patient: c.patientName,
      clinic: c.clinicName,
      branch: c.branchName ?? '',
      service: c.serviceName ?? '',
      practitioner: c.practitioner ?? '',
      ...(c.startsAt ? whenIn(c.startsAt, zone, settings.locale) : {}),
      link: kind === 'cancellation' ? '' : `${this.options.publicUrl.replace(/\/$/, '')}${LINK_PREFIX}${token}`,
      ...c.vars,
    };
    const outgoing: Outgoing = { messageId: c.id, channel: c.channel, to: c.recipient, subject: renderTemplate(template.subject, vars), text: renderTemplate(template.body, vars) };
    if (c.channel === 'email' && c.appointmentId && c.startsAt && c.endsAt && c.appointmentVersion !== null && kind !== 'waitlist_offer') {
      const method = kind === 'cancellation' ? 'CANCEL' : 'REQUEST';
      outgoing.calendar = {
        method,
        content: appointmentCalendar({
          appointmentId: c.appointmentId,
          sequence: c.appointmentVersion,
          method,
          startsAt: c.startsAt,
          endsAt: c.endsAt,
          timeZone: zone,
          title: `${c.serviceName ?? 'Appointment'} at ${c.clinicName}`,
          description: c.practitioner ? `With ${c.practitioner}` : '',
          location: c.branchName ?? '',
          organizer: { name: c.clinicName, email: this.options.from },
          attendee: { name: c.patientName, email: c.recipient },
        }),
      };
    }
    return outgoing;
  }
}

/** "Tuesday, November 24, 2026" and "9:00 AM" in the clinic's language, at the branch. */
export function whenIn(instant: Date, timeZone: string, locale: string): { date: string; time: string } {
  let safe = 'en-US';
  try {
    if (Intl.DateTimeFormat.supportedLocalesOf([locale]).length) safe = locale;
  } catch {
    // Not a language tag Intl knows: the default wording stands.
  }
  return {
    date: new Intl.DateTimeFormat(safe, { timeZone, weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }).format(instant),
    time: new Intl.DateTimeFormat(safe, { timeZone, hour: 'numeric', minute: '2-digit' }).format(instant),
  };
}
