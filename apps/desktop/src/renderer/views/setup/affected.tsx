import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useMutation, useQuery, type MutateOptions, type UseMutationOptions } from '@tanstack/react-query';
import { domainErrorOf, type AffectedAppointment, type Resolution, type ResolutionsInput, type SlotSuggestion } from '@frontdesk/shared';
import { ErrorLine } from '../../components/ErrorLine.js';
import { sentenceFor } from '../../lib/errors.js';
import { clock, instantAt } from '../../lib/time.js';
import { useTRPC } from '../../lib/trpc.js';

// A setup change that would break appointments comes back as
// AFFECTS_APPOINTMENTS with the list: the person chooses, per appointment or
// for all, to keep it (as an exception), cancel it with a reason, or move it,
// and the same change is sent again with those resolutions.

type Choice = { action: 'keep' } | { action: 'cancel' } | { action: 'move'; slot: string; at: string };

interface Pending<TData, TError, TVariables> {
  input: TVariables;
  affected: AffectedAppointment[];
  options: MutateOptions<TData, TError, TVariables> | undefined;
}

/**
 * A setup mutation whose change may affect appointments. Used like
 * `useMutation`; render its `dialog`. While the dialog is open the refusal
 * is the dialog's to show, so `error` is null.
 */
export function useSettledMutation<TData, TError, TVariables extends { resolutions?: ResolutionsInput }>(options: UseMutationOptions<TData, TError, TVariables>) {
  const mutation = useMutation(options);
  const [pending, setPending] = useState<Pending<TData, TError, TVariables> | null>(null);

  const mutate = (input: TVariables, callbacks?: MutateOptions<TData, TError, TVariables>) =>
    mutation.mutate(input, {
      ...callbacks,
      onSuccess: (data, variables, ...rest) => {
        setPending(null);
        callbacks?.onSuccess?.(data, variables, ...rest);
      },
      onError: (error, variables, ...rest) => {
        const domain = domainErrorOf(error);
        if (domain?.code === 'AFFECTS_APPOINTMENTS') {
          setPending({ input: variables, affected: domain.details.affected, options: callbacks });
          return;
        }
        callbacks?.onError?.(error, variables, ...rest);
      },
    });

  const close = () => {
    setPending(null);
    mutation.reset();
  };
  const refusal = pending && mutation.error && domainErrorOf(mutation.error)?.code !== 'AFFECTS_APPOINTMENTS' ? sentenceFor(mutation.error) : null;
  const dialog: ReactNode = pending ? (
    <AffectedDialog
      affected={pending.affected}
      busy={mutation.isPending}
      refusal={refusal}
      onApply={(resolutions) => mutate({ ...pending.input, resolutions }, pending.options)}
      onClose={close}
    />
  ) : null;
  return { ...mutation, mutate, error: pending ? null : mutation.error, dialog, affected: pending?.affected ?? null };
}

/** The affected appointments with a choice for each, and for all at once. */
export function AffectedDialog({
  affected,
  busy,
  refusal,
  onApply,
  onClose,
}: {
  affected: AffectedAppointment[];
  busy: boolean;
  /** Why the last attempt was refused (a move into a taken time), in plain words. */
  refusal: string | null;
  onApply: (resolutions: ResolutionsInput) => void;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const branches = useQuery(trpc.catalog.branches.queryOptions()).data ?? [];
  const zoneOf = (branchId: string) => branches.find((b) => b.id === branchId)?.timeZone ?? 'UTC';
  const [choices, setChoices] = useState<Record<string, Choice | undefined>>({});
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const titleId = useId();
  const first = useRef<HTMLSelectElement>(null);

  useEffect(() => first.current?.focus(), []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && !busy && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [busy, onClose]);

  const choose = (id: string, choice: Choice | undefined) => setChoices((c) => ({ ...c, [id]: choice }));
  const all = (action: 'keep' | 'cancel') => setChoices(Object.fromEntries(affected.map((a) => [a.id, { action }])));
  const anyCancel = affected.some((a) => choices[a.id]?.action === 'cancel');
  const problems = affected.map((a) => problemOf(choices[a.id], a, zoneOf(a.branchId)));
  const reasonMissing = anyCancel && reason.trim() === '';

  const apply = () => {
    setTried(true);
    if (problems.some(Boolean) || reasonMissing) return;
    onApply({ each: affected.map((a) => resolutionOf(a, choices[a.id]!, reason.trim(), zoneOf(a.branchId))) });
  };

  return (
    <div className="overlay" data-testid="affected-overlay">
      <div className="card affected-dialog" role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid="affected-dialog">
        <h2 id={titleId}>{affected.length === 1 ? 'This change affects 1 appointment' : `This change affects ${affected.length} appointments`}</h2>
        <p className="muted">Nothing has been changed yet. Choose what happens to each appointment, then apply the change.</p>
        <div className="affected-all">
          <button type="button" data-testid="affected-keep-all" disabled={busy} onClick={() => all('keep')}>
            Keep all as exceptions
          </button>
          <button type="button" data-testid="affected-cancel-all" disabled={busy} onClick={() => all('cancel')}>
            Cancel all
          </button>
          <label className="affected-reason">
            Reason for cancelling
            <input
              data-testid="affected-reason"
              value={reason}
              maxLength={300}
              placeholder="Told to the patient, e.g. Doctor away"
              aria-invalid={tried && reasonMissing ? true : undefined}
              onChange={(e) => setReason(e.target.value)}
            />
          </label>
          {tried && reasonMissing && <span className="field-error" role="alert" data-testid="affected-reason-error">Give a reason for the cancellations.</span>}
        </div>
        <ul className="affected-list">
          {affected.map((a, i) => (
            <AffectedRow
              key={a.id}
              appointment={a}
              timeZone={zoneOf(a.branchId)}
              choice={choices[a.id]}
              problem={tried ? problems[i] ?? null : null}
              disabled={busy}
              selectRef={i === 0 ? first : undefined}
              onChoose={(c) => choose(a.id, c)}
            />
          ))}
        </ul>
        <ErrorLine message={refusal} testId="affected-error" />
        <div className="actions">
          <button type="button" className="primary" data-testid="affected-apply" disabled={busy} onClick={apply}>
            {busy ? 'Applying…' : 'Apply the change'}
          </button>
          <button type="button" data-testid="affected-close" disabled={busy} onClick={onClose}>
            Back, change nothing
          </button>
        </div>
      </div>
    </div>
  );
}

function AffectedRow({
  appointment: a,
  timeZone,
  choice,
  problem,
  disabled,
  selectRef,
  onChoose,
}: {
  appointment: AffectedAppointment;
  timeZone: string;
  choice: Choice | undefined;
  problem: string | null;
  disabled: boolean;
  selectRef: React.Ref<HTMLSelectElement> | undefined;
  onChoose: (choice: Choice | undefined) => void;
}) {
  const date = localDate(a.startsAt, timeZone);
  const when = `${shortDate(a.startsAt, timeZone)}, ${clock(a.startsAt, timeZone)}–${clock(a.endsAt, timeZone)}`;
  const who = a.patientName ?? 'A held time';
  const alternatives = a.alternatives ?? [];
  return (
    <li className="affected-row" data-testid="affected-row" data-appointment-id={a.id}>
      <div className="affected-what">
        <strong>{when}</strong> · {who} · {a.serviceName}
        {a.seriesLabel && <span className="kept-badge series-badge" data-testid="affected-series">Series, visit {a.seriesLabel}</span>}
        {a.resourceNames.length > 0 && <span className="muted"> with {a.resourceNames.join(' + ')}</span>}
        <div className="affected-reason-text muted">{a.reason}</div>
      </div>
      <div className="affected-choice">
        <select
          ref={selectRef}
          data-testid="affected-action"
          aria-label={`What to do with ${who}, ${when}`}
          value={choice?.action ?? ''}
          disabled={disabled}
          aria-invalid={problem ? true : undefined}
          onChange={(e) => {
            const action = e.target.value;
            if (action === 'move') onChoose({ action: 'move', slot: alternatives[0] ? slotKey(alternatives[0]) : 'other', at: `${date}T${clock24(a.startsAt, timeZone)}` });
            else onChoose(action === 'keep' || action === 'cancel' ? { action } : undefined);
          }}
        >
          <option value="">Choose…</option>
          <option value="keep">Keep as an exception</option>
          <option value="cancel">Cancel</option>
          <option value="move">Move</option>
        </select>
        {choice?.action === 'move' && (
          <>
            <select
              data-testid="affected-move-time"
              aria-label={`New time for ${who}`}
              value={choice.slot}
              disabled={disabled}
              onChange={(e) => onChoose({ ...choice, slot: e.target.value })}
            >
              {alternatives.map((s) => (
                <option key={slotKey(s)} value={slotKey(s)}>
                  {shortDate(s.startsAt, timeZone)}, {clock(s.startsAt, timeZone)}
                </option>
              ))}
              <option value="other">Another time…</option>
            </select>
            {choice.slot === 'other' && (
              <input
                type="datetime-local"
                step={900}
                data-testid="affected-move-at"
                aria-label={`Another time for ${who} (${timeZone})`}
                value={choice.at}
                disabled={disabled}
                onChange={(e) => onChoose({ ...choice, at: e.target.value })}
              />
            )}
          </>
        )}
        {problem && (
          <span className="field-error" role="alert">
            {problem}
          </span>
        )}
      </div>
    </li>
  );
}

function problemOf(choice: Choice | undefined, a: AffectedAppointment, timeZone: string): string | null {
  if (!choice) return 'Choose keep, cancel or move.';
  if (choice.action === 'move' && choice.slot === 'other') {
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(choice.at)) return 'Give the new date and time.';
    if (wallInstant(choice.at, timeZone) === a.startsAt) return 'Pick a time other than the current one.';
  }
  return null;
}

function resolutionOf(a: AffectedAppointment, choice: Choice, reason: string, timeZone: string): Resolution {
  if (choice.action === 'keep') return { appointmentId: a.id, action: 'keep' };
  if (choice.action === 'cancel') return { appointmentId: a.id, action: 'cancel', reason };
  const slot = a.alternatives?.find((s) => slotKey(s) === choice.slot);
  if (slot) return { appointmentId: a.id, action: 'move', startsAt: slot.startsAt, resourceIds: slot.resourceIds };
  return { appointmentId: a.id, action: 'move', startsAt: wallInstant(choice.at, timeZone) };
}

const slotKey = (s: SlotSuggestion) => `${s.startsAt}|${s.resourceIds.join(',')}`;

/** The branch-local date (YYYY-MM-DD) of an instant. */
function localDate(instant: string, timeZone: string): string {
  return new Date(instant).toLocaleDateString('en-CA', { timeZone });
}

/** "Wed 24 Feb": enough to tell the days of a change apart. */
function shortDate(instant: string, timeZone: string): string {
  return new Date(instant).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short', timeZone });
}

/** HH:mm on a 24-hour clock, for a datetime-local input. */
function clock24(instant: string, timeZone: string): string {
  return new Date(instant).toLocaleTimeString('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hour12: false });
}

/** A datetime-local value (YYYY-MM-DDTHH:mm) read as the branch's wall clock. */
function wallInstant(value: string, timeZone: string): string {
  const [date, time] = value.split('T') as [string, string];
  return instantAt(date, Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5)), timeZone);
}
