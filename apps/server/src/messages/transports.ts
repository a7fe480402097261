import nodemailer, { type Transporter } from 'nodemailer';
import type { MessageChannel } from '@frontdesk/shared';
import type { Logger } from '../logger.js';

// How a message leaves: email over SMTP (nodemailer), SMS through a provider
// behind a small interface. Without SMTP settings, and for SMS unless a
// provider is plugged in, messages go to the outbox: logged and kept in
// memory (the last few hundred), never sent anywhere.

export interface Outgoing {
  messageId: string;
  channel: MessageChannel;
  to: string;
  subject: string;
  text: string;
  /** An iCalendar attachment (email only). */
  calendar?: { method: 'REQUEST' | 'CANCEL'; content: string };
}

/** transient: try again later (back-off); bounced: the address refused it; failed: will never go. */
export type SendOutcome = { ok: true } | { ok: false; outcome: 'transient' | 'bounced' | 'failed'; error: string };

export interface Channel {
  send(message: Outgoing): Promise<SendOutcome>;
}

/** An SMS provider: one method, one message. */
export interface SmsProvider extends Channel {
  readonly name: string;
}

/** Keeps what would have gone (logged, and the last `keep` in memory for tests and the demo). */
export class Outbox implements SmsProvider {
  readonly name = 'outbox';
  readonly sent: Outgoing[] = [];
  constructor(
    private readonly logger: Logger,
    private readonly keep = 500,
  ) {}

  async send(message: Outgoing): Promise<SendOutcome> {
    this.sent.push(message);
    if (this.sent.length > this.keep) this.sent.shift();
    this.logger.info({ messageId: message.messageId, channel: message.channel, subject: message.subject }, 'message kept in the outbox (no provider configured)');
    return { ok: true };
  }
}

export interface SmtpOptions {
  /** smtp://user:password@host:587 or smtps://…; from the environment only. */
  url: string;
  from: string;
}

export class SmtpEmail implements Channel {
  private readonly transport: Transporter;
  constructor(private readonly options: SmtpOptions) {
    this.transport = nodemailer.createTransport(options.url);
  }

  async send(message: Outgoing): Promise<SendOutcome> {
    try {
      await this.transport.sendMail({
        from: this.options.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        // The same message id however often it is tried: a receiving server can tell a repeat.
        messageId: `<${message.messageId}@frontdesk>`,
        attachments: message.calendar
          ? [{ filename: 'appointment.ics', content: message.calendar.content, contentType: `text/calendar; charset=utf-8; method=${message.calendar.method}` }]
          : [],
      });
      return { ok: true };
    } catch (error) {
      return classify(error);
    }
  }

  close(): void {
    this.transport.close();
  }
}

/** 4xx and a lost connection are worth another try; a refused recipient is a bounce; any other 5xx is final. */
export function classify(error: unknown): SendOutcome {
  const e = error as { responseCode?: number; code?: string; message?: string };
  const text = (e.message ?? String(error)).slice(0, 500);
  if (typeof e.responseCode === 'number') {
    if (e.responseCode >= 400 && e.responseCode < 500) return { ok: false, outcome: 'transient', error: text };
    return { ok: false, outcome: e.code === 'EENVELOPE' ? 'bounced' : 'failed', error: text };
  }
  return { ok: false, outcome: 'transient', error: text };
}

export class Transports {
  constructor(
    readonly email: Channel,
    readonly sms: SmsProvider,
  ) {}

  send(message: Outgoing): Promise<SendOutcome> {
    return message.channel === 'email' ? this.email.send(message) : this.sms.send(message);
  }
}
