import { useEffect, useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  domainErrorOf,
  MESSAGE_KIND_LABELS,
  MESSAGE_KINDS,
  MESSAGE_PLACEHOLDERS,
  messageSettingsInput,
  renderTemplate,
  type MessageKind,
  type MessageSettingsView,
  type MessageTemplate,
} from '@frontdesk/shared';
import { ErrorLine } from '../../components/ErrorLine.js';
import { sentenceFor } from '../../lib/errors.js';
import { useTRPC } from '../../lib/trpc.js';

// Setup › Messages: which messages go to patients, when reminders go, quiet hours in each branch's zone,
// the clinic's language and its wording, with a preview of what a patient reads.

interface Draft {
  enabled: Set<MessageKind>;
  reminderHours: string;
  quiet: boolean;
  quietStart: string;
  quietEnd: string;
  locale: string;
  templates: Record<MessageKind, MessageTemplate>;
}

function draftOf(s: MessageSettingsView): Draft {
  return {
    enabled: new Set(s.enabled),
    reminderHours: s.reminderHours.join(', '),
    quiet: s.quietHours !== null,
    quietStart: s.quietHours?.start ?? '21:00',
    quietEnd: s.quietHours?.end ?? '08:00',
    locale: s.locale,
    templates: s.templates,
  };
}

const SAMPLE_WHEN = new Date(Date.UTC(2026, 10, 24, 14, 30));

/** A sample appointment's words, in the language chosen: the preview reads as a patient would. */
function sampleVars(locale: string) {
  const safe = (() => {
    try {
      return Intl.DateTimeFormat.supportedLocalesOf([locale]).length ? locale : 'en-US';
    } catch {
      return 'en-US';
    }
  })();
  return {
    patient: 'Ana Shah',
    clinic: 'Harbour Health Clinics',
    branch: 'Midtown (New York)',
    service: 'GP consultation',
    practitioner: 'Dr Priya Rao',
    date: new Intl.DateTimeFormat(safe, { timeZone: 'America/New_York', weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }).format(SAMPLE_WHEN),
    time: new Intl.DateTimeFormat(safe, { timeZone: 'America/New_York', hour: 'numeric', minute: '2-digit' }).format(SAMPLE_WHEN),
    link: 'https://clinic.example/m/…',
  };
}

export function MessagesSection() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.setup.messages.settings.queryOptions());
  const [draft, setDraft] = useState<Draft | null>(null);
  const [kind, setKind] = useState<MessageKind>('reminder');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (settings.data) setDraft(draftOf(settings.data));
  }, [settings.data]);
  const save = useMutation(
    trpc.setup.messages.save.mutationOptions({
      onSuccess: (next) => {
        queryClient.setQueryData(trpc.setup.messages.settings.queryKey(), next);
        setSaved(true);
      },
      onError: (error) => {
        const domain = domainErrorOf(error);
        const field = domain?.code === 'BAD_INPUT' ? (domain.details as { field?: string }).field : undefined;
        if (field === 'version') void settings.refetch();
        setErrors({ [field ?? 'form']: sentenceFor(error) });
      },
    }),
  );
  const vars = useMemo(() => sampleVars(draft?.locale ?? 'en-US'), [draft?.locale]);
  if (!draft || !settings.data) return <div data-testid="setup-messages">{settings.isError ? sentenceFor(settings.error) : 'Loading…'}</div>;

  const set = (patch: Partial<Draft>) => {
    setSaved(false);
    setDraft({ ...draft, ...patch });
  };
  const template = draft.templates[kind];
  const setTemplate = (patch: Partial<MessageTemplate>) => set({ templates: { ...draft.templates, [kind]: { ...template, ...patch } } });

  const submit = () => {
    const hours = draft.reminderHours
      .split(/[,\s]+/)
      .filter(Boolean)
      .map((h) => Number(h));
    const input = {
      version: settings.data.version,
      enabled: MESSAGE_KINDS.filter((k) => draft.enabled.has(k)),
      reminderHours: hours,
      templates: draft.templates,
      locale: draft.locale,
      quietHours: draft.quiet ? { start: draft.quietStart, end: draft.quietEnd } : null,
    };
    const parsed = messageSettingsInput.safeParse(input);
    if (!parsed.success) {
      // Each slip next to its field; a template's names the message it is in.
      const next: Record<string, string> = {};
      for (const issue of parsed.error.issues) {
        const [head, which, part] = issue.path.map(String);
        const key = head === 'templates' ? `templates.${which}.${part}` : head === 'quietHours' ? 'quietHours' : (head ?? 'form');
        if (head === 'templates' && which) setKind(which as MessageKind);
        next[key] ??= head === 'reminderHours' && hours.some((h) => Number.isNaN(h)) ? 'Reminder hours are whole numbers, e.g. 48, 2.' : issue.message;
      }
      setErrors(next);
      return;
    }
    setErrors({});
    save.mutate(parsed.data);
  };

  return (
    <div data-testid="setup-messages" className="messages-section">
      <h2>Messages</h2>
      <form
        className="setup-card"
        data-testid="messages-form"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <fieldset>
          <legend>Messages sent to patients who agreed to them</legend>
          {MESSAGE_KINDS.map((k) => (
            <label key={k} className="check">
              <input
                type="checkbox"
                data-testid={`message-kind-${k}`}
                checked={draft.enabled.has(k)}
                onChange={(e) => {
                  const enabled = new Set(draft.enabled);
                  if (e.target.checked) enabled.add(k);
                  else enabled.delete(k);
                  set({ enabled });
                }}
              />{' '}
              {MESSAGE_KIND_LABELS[k]}
            </label>
          ))}
        </fieldset>
        <div className="setup-grid2">
          <label>
            Reminders, hours before the visit
            <input data-testid="reminder-hours" value={draft.reminderHours} onChange={(e) => set({ reminderHours: e.target.value })} aria-invalid={errors.reminderHours ? true : undefined} />
            <ErrorLine message={errors.reminderHours ?? null} testId="reminder-hours-error" />
          </label>
          <label>
            Language of the messages
            <input data-testid="message-locale" value={draft.locale} onChange={(e) => set({ locale: e.target.value })} aria-invalid={errors.locale ? true : undefined} />
            <ErrorLine message={errors.locale ?? null} testId="message-locale-error" />
          </label>
        </div>
        <fieldset>
          <legend>Quiet hours (each branch’s local time)</legend>
          <label className="check">
            <input type="checkbox" data-testid="quiet-hours" checked={draft.quiet} onChange={(e) => set({ quiet: e.target.checked })} /> Hold messages back
          </label>
          <label>
            from <input type="time" data-testid="quiet-start" value={draft.quietStart} disabled={!draft.quiet} onChange={(e) => set({ quietStart: e.target.value })} />
          </label>
          <label>
            until <input type="time" data-testid="quiet-end" value={draft.quietEnd} disabled={!draft.quiet} onChange={(e) => set({ quietEnd: e.target.value })} />
          </label>
          <ErrorLine message={errors.quietHours ?? null} testId="quiet-hours-error" />
          <span className="field-hint">A confirmation waits until they end; a reminder due in them goes when they begin.</span>
        </fieldset>
        <h3 className="setup-subhead">Wording</h3>
        <div className="messages-editor">
          <div className="messages-fields">
            <label>
              Template
              <select data-testid="template-kind" value={kind} onChange={(e) => setKind(e.target.value as MessageKind)}>
                {MESSAGE_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {MESSAGE_KIND_LABELS[k]}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Subject
              <input data-testid="template-subject" value={template.subject} onChange={(e) => setTemplate({ subject: e.target.value })} aria-invalid={errors[`templates.${kind}.subject`] ? true : undefined} />
              <ErrorLine message={errors[`templates.${kind}.subject`] ?? null} testId="template-subject-error" />
            </label>
            <label>
              Text
              <textarea data-testid="template-body" rows={6} value={template.body} onChange={(e) => setTemplate({ body: e.target.value })} aria-invalid={errors[`templates.${kind}.body`] ? true : undefined} />
              <ErrorLine message={errors[`templates.${kind}.body`] ?? null} testId="template-body-error" />
            </label>
            <p className="field-hint">Placeholders: {MESSAGE_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}</p>
          </div>
          <div className="messages-preview" data-testid="template-preview" aria-label="Preview" aria-live="polite">
            <p className="muted">Preview</p>
            <p className="messages-preview-subject">{renderTemplate(template.subject, vars)}</p>
            <p className="messages-preview-body">{renderTemplate(template.body, vars)}</p>
          </div>
        </div>
        <ErrorLine message={errors.form ?? errors.version ?? errors.enabled ?? errors.templates ?? null} testId="messages-error" />
        <div className="actions">
          <button className="primary setup-inline" data-testid="messages-save" disabled={save.isPending}>
            Save
          </button>
          {saved && (
            <span className="muted" data-testid="messages-saved">
              Saved. New bookings follow these settings.
            </span>
          )}
        </div>
      </form>
    </div>
  );
}
