import { useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { sessionTemplateCreateInput } from '@frontdesk/shared';
import { ErrorLine } from '../../../components/ErrorLine.js';
import { formRefusal } from '../../../lib/form-errors.js';
import { hhmm, todayIn } from '../../../lib/time.js';
import { useTRPC } from '../../../lib/trpc.js';
import type { Branch, SessionTemplate, SessionTemplateChange } from '../../../lib/types.js';
import { problemsWith } from '../../../lib/validate.js';
import type { SessionCommands } from './use-session-commands.js';
import { minuteOf, WEEKDAY_NAMES } from './weekdays.js';

type Field = 'name' | 'branchId' | 'resourceId' | 'weekdays' | 'startMinute' | 'endMinute' | 'capacity' | 'validFrom' | 'validUntil';
const FIELDS: readonly string[] = ['name', 'branchId', 'resourceId', 'weekdays', 'startMinute', 'endMinute', 'capacity', 'validFrom', 'validUntil'];

/**
 * A recurring walk-in session: name, branch, who it is with, weekdays, local
 * times, tokens, first and last day. Saving makes (or brings in line) its
 * sessions ahead; the section says what happened.
 */
export function TemplateForm({
  editing,
  branches,
  defaultBranchId,
  commands,
  onSaved,
  onCancel,
}: {
  editing: SessionTemplate | null;
  branches: Branch[];
  defaultBranchId: string;
  commands: SessionCommands;
  onSaved: (result: SessionTemplateChange) => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const [branchId, setBranchId] = useState(editing?.branchId ?? defaultBranchId);
  const zone = branches.find((b) => b.id === branchId)?.timeZone ?? 'UTC';
  const [name, setName] = useState(editing?.name ?? '');
  const [resourceId, setResourceId] = useState(editing?.resourceId ?? '');
  const [weekdays, setWeekdays] = useState<number[]>(editing?.weekdays ?? [1, 2, 3, 4, 5]);
  const [start, setStart] = useState(hhmm(editing?.startMinute ?? 9 * 60));
  const [end, setEnd] = useState(hhmm(editing?.endMinute ?? 12 * 60));
  const [capacity, setCapacity] = useState(String(editing?.capacity ?? 30));
  const [validFrom, setValidFrom] = useState(editing?.validFrom ?? todayIn(zone));
  const [validUntil, setValidUntil] = useState(editing?.validUntil ?? '');
  const [problems, setProblems] = useState<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const resources = useQuery(trpc.catalog.resources.queryOptions({ branchId }));
  const pending = commands.create.isPending || commands.update.isPending;

  const refused = (error: unknown) => {
    const r = formRefusal(error);
    if (r.field && FIELDS.includes(r.field.split('.')[0]!)) setProblems({ [r.field.split('.')[0]!]: r.message });
    else setFormError(r.message);
  };

  const toggleDay = (day: number, on: boolean) => setWeekdays((days) => (on ? [...days, day].sort((a, b) => a - b) : days.filter((d) => d !== day)));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const startMinute = minuteOf(start);
    const endMinute = minuteOf(end, true);
    const fields = {
      name,
      resourceId: resourceId || null,
      weekdays,
      startMinute: startMinute ?? Number.NaN,
      endMinute: endMinute ?? Number.NaN,
      capacity: capacity.trim() === '' ? Number.NaN : Number(capacity),
      validFrom,
      validUntil: validUntil || null,
    };
    const slips: Partial<Record<Field, string>> = {};
    for (const [path, message] of Object.entries(problemsWith(sessionTemplateCreateInput, { ...fields, branchId }) ?? {})) slips[path.split('.')[0] as Field] ??= message;
    if (startMinute === null) slips.startMinute = 'Give the start as a time, e.g. 09:00.';
    if (endMinute === null) slips.endMinute = 'Give the end as a time, e.g. 12:00.';
    setProblems(slips);
    if (Object.keys(slips).length) return;
    if (editing) commands.update.mutate({ templateId: editing.id, ...fields }, { onSuccess: onSaved, onError: refused });
    else commands.create.mutate({ branchId, ...fields }, { onSuccess: onSaved, onError: refused });
  };

  const slip = (field: Field) => problems[field] && (
    <span className="field-error" role="alert" data-testid={`template-${field}-error`}>
      {problems[field]}
    </span>
  );
  return (
    <form className="setup-form sessions-form" onSubmit={submit} noValidate data-testid="template-form">
      <h3>{editing ? `Edit ${editing.name}` : 'New walk-in session'}</h3>
      <label htmlFor="template-name">Name</label>
      <input id="template-name" data-testid="template-name" autoFocus placeholder="e.g. OPD" value={name} aria-invalid={problems.name ? true : undefined} onChange={(e) => setName(e.target.value)} />
      {slip('name')}
      <label htmlFor="template-branch">Branch</label>
      <select id="template-branch" data-testid="template-branch" value={branchId} disabled={!!editing} onChange={(e) => { setBranchId(e.target.value); setResourceId(''); }}>
        {branches.map((b) => (
          <option key={b.id} value={b.id}>
            {b.name}
          </option>
        ))}
      </select>
      {slip('branchId')}
      <label htmlFor="template-resource">With</label>
      <select id="template-resource" data-testid="template-resource" value={resourceId} onChange={(e) => setResourceId(e.target.value)}>
        <option value="">Anyone on duty</option>
        {resources.data?.map((r) => (
          <option key={r.id} value={r.id}>
            {r.name}
          </option>
        ))}
      </select>
      {slip('resourceId')}
      <span className="form-label" id="template-days-label">
        Days
      </span>
      <div className="sessions-days" role="group" aria-labelledby="template-days-label">
        {WEEKDAY_NAMES.map((label, i) => (
          <label key={label} className="check">
            <input type="checkbox" data-testid={`template-day-${i + 1}`} checked={weekdays.includes(i + 1)} onChange={(e) => toggleDay(i + 1, e.target.checked)} />
            {label}
          </label>
        ))}
      </div>
      {slip('weekdays')}
      <label htmlFor="template-start">Starts</label>
      <input id="template-start" data-testid="template-start" type="time" value={start} aria-invalid={problems.startMinute ? true : undefined} onChange={(e) => setStart(e.target.value)} />
      {slip('startMinute')}
      <label htmlFor="template-end">Ends</label>
      <input id="template-end" data-testid="template-end" type="time" value={end} aria-invalid={problems.endMinute ? true : undefined} onChange={(e) => setEnd(e.target.value)} />
      {slip('endMinute')}
      <label htmlFor="template-capacity">Tokens</label>
      <input id="template-capacity" data-testid="template-capacity" type="number" min={1} step={1} value={capacity} aria-invalid={problems.capacity ? true : undefined} onChange={(e) => setCapacity(e.target.value)} />
      {slip('capacity')}
      <label htmlFor="template-from">First day</label>
      <input id="template-from" data-testid="template-from" type="date" value={validFrom} aria-invalid={problems.validFrom ? true : undefined} onChange={(e) => setValidFrom(e.target.value)} />
      {slip('validFrom')}
      <label htmlFor="template-until">Last day</label>
      <input id="template-until" data-testid="template-until" type="date" value={validUntil} aria-invalid={problems.validUntil ? true : undefined} onChange={(e) => setValidUntil(e.target.value)} />
      {problems.validUntil ? slip('validUntil') : <span className="field-hint muted small">Empty: until further notice.</span>}
      <ErrorLine message={formError} testId="template-form-error" />
      <div className="actions">
        <button className="primary inline" disabled={pending} data-testid="template-save">
          {pending ? 'Saving…' : editing ? 'Save' : 'Create and make sessions'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
