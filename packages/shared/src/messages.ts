import { z } from 'zod';

// Reminders and confirmations (issue 11): which messages a clinic sends, their
// templates with placeholders, quiet hours; and what a desk shows of a message.

/** The kinds a clinic turns on or off (reminders are one kind, sent at each of `reminderHours`). */
export const MESSAGE_KINDS = ['confirmation', 'change', 'cancellation', 'reminder', 'waitlist_offer'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const MESSAGE_KIND_LABELS: Record<MessageKind, string> = {
  confirmation: 'Booking confirmation',
  change: 'Booking changed',
  cancellation: 'Cancellation',
  reminder: 'Reminder',
  waitlist_offer: 'Waitlist offer',
};

/** queued → sending → sent | failed | bounced; cancelled: superseded by a move or cancel; skipped: turned off or no longer booked when due. */
export const MESSAGE_STATES = ['queued', 'sending', 'sent', 'failed', 'bounced', 'cancelled', 'skipped'] as const;
export type MessageState = (typeof MESSAGE_STATES)[number];

export type MessageChannel = 'email' | 'sms';

/** A message's row kind: a kind, or `reminder_<hours>h` for one reminder. */
export function messageKindOf(rowKind: string): MessageKind {
  return rowKind.startsWith('reminder_') ? 'reminder' : (rowKind as MessageKind);
}

/** "Reminder 48 h before" / "Booking confirmation". */
export function messageLabel(rowKind: string): string {
  const m = /^reminder_(\d+)h$/.exec(rowKind);
  return m ? `Reminder ${m[1]} h before` : MESSAGE_KIND_LABELS[messageKindOf(rowKind)] ?? rowKind;
}

/** The words a template may use, each between braces: "{patient}". */
export const MESSAGE_PLACEHOLDERS = ['patient', 'clinic', 'branch', 'service', 'practitioner', 'date', 'time', 'link'] as const;
export type MessagePlaceholder = (typeof MESSAGE_PLACEHOLDERS)[number];

export interface MessageTemplate {
  subject: string;
  body: string;
}

export const DEFAULT_TEMPLATES: Record<MessageKind, MessageTemplate> = {
  confirmation: {
    subject: 'Your appointment at {clinic} on {date}',
    body: 'Hello {patient},\n\nyour {service} with {practitioner} at {branch} is booked for {date} at {time}.\nConfirm or cancel: {link}',
  },
  change: {
    subject: 'Your appointment at {clinic} has moved to {date}',
    body: 'Hello {patient},\n\nyour {service} with {practitioner} at {branch} is now on {date} at {time}.\nConfirm or cancel: {link}',
  },
  cancellation: {
    subject: 'Your appointment at {clinic} on {date} is cancelled',
    body: 'Hello {patient},\n\nyour {service} at {branch} on {date} at {time} is cancelled. Call us to book another time.',
  },
  reminder: {
    subject: 'Reminder: {service} on {date} at {time}',
    body: 'Hello {patient},\n\na reminder of your {service} with {practitioner} at {branch} on {date} at {time}.\nConfirm or cancel: {link}',
  },
  waitlist_offer: {
    subject: 'A time has come free at {clinic}: {date} {time}',
    body: 'Hello {patient},\n\n{service} with {practitioner} at {branch} on {date} at {time} has come free. Take it or let it go: {link}',
  },
};

/** Fills a template's placeholders; an unknown one stays as written. */
export function renderTemplate(text: string, vars: Partial<Record<MessagePlaceholder, string>>): string {
  return text.replace(/\{([a-z_]+)\}/g, (whole, name: string) => vars[name as MessagePlaceholder] ?? whole);
}

/** The first placeholder a template uses that does not exist, or null. */
export function unknownPlaceholder(text: string): string | null {
  for (const m of text.matchAll(/\{([^{}]*)\}/g)) {
    if (!(MESSAGE_PLACEHOLDERS as readonly string[]).includes(m[1] ?? '')) return `{${m[1]}}`;
  }
  return null;
}

const templateText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .superRefine((text, ctx) => {
      const unknown = unknownPlaceholder(text);
      if (unknown) ctx.addIssue({ code: 'custom', message: `${unknown} is not a placeholder; use ${MESSAGE_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}.` });
    });

export const messageTemplateInput = z.object({ subject: templateText(200), body: templateText(2000) });

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Enter a time as HH:MM, e.g. 21:00.');

export const messageSettingsInput = z
  .object({
    /** The settings' version the form was opened on. */
    version: z.number().int().min(0),
    enabled: z.array(z.enum(MESSAGE_KINDS)).max(MESSAGE_KINDS.length),
    reminderHours: z
      .array(z.number().int('Reminder hours must be whole hours.').min(1, 'A reminder goes at least 1 hour before.').max(336, 'A reminder goes at most 336 hours (two weeks) before.'))
      .max(4, 'At most four reminders.')
      .refine((h) => new Set(h).size === h.length, 'Each reminder time once.'),
    templates: z.partialRecord(z.enum(MESSAGE_KINDS), messageTemplateInput),
    locale: z.string().trim().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'Language is a tag such as en-US, fr-FR or es.'),
    quietHours: z.object({ start: clock, end: clock }).refine((q) => q.start !== q.end, { message: 'Quiet hours end at another time than they start.', path: ['end'] }).nullable(),
  })
  .strict();

export type MessageSettingsInput = z.infer<typeof messageSettingsInput>;

export interface MessageSettingsView {
  version: number;
  enabled: MessageKind[];
  reminderHours: number[];
  /** Every kind's template: the clinic's own, or the built-in wording. */
  templates: Record<MessageKind, MessageTemplate>;
  locale: string;
  quietHours: { start: string; end: string } | null;
}

/** A message of an appointment, as the desk shows it. */
export interface MessageView {
  id: string;
  appointmentId: string | null;
  kind: string;
  version: number;
  channel: MessageChannel;
  state: MessageState;
  sendAt: string;
  sentAt: string | null;
  attempts: number;
  lastError: string | null;
  answer: 'confirmed' | 'cancelled' | null;
  answeredAt: string | null;
}

export const appointmentMessagesInput = z.object({ appointmentId: z.string().uuid() });

export const messagePreviewInput = z.object({ kind: z.enum(MESSAGE_KINDS), template: messageTemplateInput, locale: z.string().trim().min(2).max(35) });
