import type { VisitService } from '../booking/visit.service.js';
import type { Db } from '../db/tx.js';
import type { Logger } from '../logger.js';
import { MessageDispatcher } from './dispatch.js';
import { MessagesRepository } from './messages.repository.js';
import { MessagesService } from './messages.service.js';
import { Outbox, SmtpEmail, Transports, type SmsProvider } from './transports.js';

export interface MessagingOptions {
  /** smtp://user:password@host:port (FRONTDESK_SMTP_URL); without it, email goes to the outbox. */
  smtpUrl?: string | undefined;
  /** The From address (FRONTDESK_MAIL_FROM). */
  from?: string | undefined;
  /** Where patients open their links (FRONTDESK_PUBLIC_URL). */
  publicUrl?: string | undefined;
  /** An SMS provider; the outbox by default. */
  sms?: SmsProvider;
}

export interface MessagingDeps {
  /** Setup › Messages, an appointment's messages, the patient's link. */
  messages: MessagesService;
  /** Sends one queued message exactly once (the job queue's workers call it). */
  messageDispatcher: MessageDispatcher;
  /** Messages kept instead of sent: SMS without a provider, email without SMTP. */
  outbox: Outbox;
}

export const DEFAULT_FROM = 'Frontdesk <no-reply@frontdesk.invalid>';

/** The messaging services of one server process (deps.ts spreads them in). */
export function messagingDeps(db: Db, logger: Logger, visits: VisitService, options: MessagingOptions = {}, now: () => Date = () => new Date()): MessagingDeps {
  const repo = new MessagesRepository();
  const outbox = new Outbox(logger);
  const from = options.from ?? DEFAULT_FROM;
  const email = options.smtpUrl ? new SmtpEmail({ url: options.smtpUrl, from }) : outbox;
  const transports = new Transports(email, options.sms ?? outbox);
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from;
  return {
    messages: new MessagesService(db, repo, visits, now),
    messageDispatcher: new MessageDispatcher(db, repo, transports, logger, { publicUrl: options.publicUrl ?? 'http://127.0.0.1:4400', from: address, now }),
    outbox,
  };
}
