import { useMemo, useState, type FormEvent } from 'react';
import { branchCreateInput, branchUpdateInput, supportedTimeZones, type BranchSetupView } from '@frontdesk/shared';
import { ErrorLine } from '../../../components/ErrorLine.js';
import { FormField } from '../../../components/FormField.js';
import { formRefusal } from '../../../lib/form-errors.js';
import { problemsWith } from '../../../lib/validate.js';
import { checkDays, daysOf, OpeningHoursFields, type OpeningDays } from './OpeningHoursFields.js';
import type { BranchCommands } from './use-branch-commands.js';

type FieldName = 'name' | 'timeZone' | 'address' | 'phone';
const FIELDS: readonly string[] = ['name', 'timeZone', 'address', 'phone'];

/** A new branch starts open on weekdays, nine to five. */
const WEEKDAYS_NINE_TO_FIVE = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, startMinute: 540, endMinute: 1020 }));

/** This machine's zone when the list has it, else UTC. */
function machineZone(zones: readonly string[]): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return zone && zones.includes(zone) ? zone : 'UTC';
}

/**
 * A new branch (details and opening hours) or the details of one: name, time
 * zone picked from a searchable list, address, phone. Slips are named beside
 * their field before anything is sent, and the server's beside the field it names.
 */
export function BranchForm({
  editing,
  commands,
  onSaved,
  onCancel,
}: {
  editing: BranchSetupView | null;
  commands: BranchCommands;
  onSaved: (branch: BranchSetupView) => void;
  onCancel: () => void;
}) {
  const zones = useMemo(() => supportedTimeZones(), []);
  const [name, setName] = useState(editing?.name ?? '');
  const [timeZone, setTimeZone] = useState(editing?.timeZone ?? machineZone(zones));
  const [address, setAddress] = useState(editing?.address ?? '');
  const [phone, setPhone] = useState(editing?.phone ?? '');
  const [days, setDays] = useState<OpeningDays>(() => daysOf(WEEKDAYS_NINE_TO_FIVE));
  const [dayProblems, setDayProblems] = useState<(string | null)[][]>([]);
  const [problems, setProblems] = useState<Partial<Record<FieldName, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const pending = commands.create.isPending || commands.update.isPending;

  const refused = (error: unknown) => {
    const refusal = formRefusal(error);
    if (refusal.field && FIELDS.includes(refusal.field)) setProblems({ [refusal.field]: refusal.message });
    else setFormError(refusal.message);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const details = { name, timeZone, address, phone };
    if (editing) {
      const found = problemsWith(branchUpdateInput, { branchId: editing.id, ...details });
      setProblems(found ?? {});
      if (found) return;
      commands.update.mutate({ branchId: editing.id, ...details }, { onSuccess: (r) => onSaved(r.branch), onError: refused });
      return;
    }
    const checked = checkDays(days);
    setDayProblems(checked.problems);
    const found = problemsWith(branchCreateInput, details);
    setProblems(found ?? {});
    if (found || !checked.hours) return;
    commands.create.mutate({ ...details, openingHours: checked.hours }, { onSuccess: (r) => onSaved(r.branch), onError: refused });
  };

  const field = (key: FieldName, set: (v: string) => void) => (value: string) => {
    set(value);
    setProblems((p) => ({ ...p, [key]: undefined }));
  };

  return (
    <form className="setup-card branch-form" onSubmit={submit} noValidate data-testid="branch-form" aria-label={editing ? `Edit ${editing.name}` : 'New branch'}>
      <h3>{editing ? `Edit ${editing.name}` : 'New branch'}</h3>
      <FormField label="Branch name" error={problems.name} testId="branch-name">
        {(props) => <input {...props} data-testid="branch-name" autoFocus value={name} onChange={(e) => field('name', setName)(e.target.value)} />}
      </FormField>
      <FormField
        label="Time zone"
        error={problems.timeZone}
        testId="branch-timeZone"
        hint={editing ? 'Changes only while nothing is booked ahead there: local times would shift.' : 'Type to search, e.g. London or New_York.'}
      >
        {(props) => (
          <input {...props} data-testid="branch-timeZone" list="branch-zones" autoComplete="off" spellCheck={false} value={timeZone} onChange={(e) => field('timeZone', setTimeZone)(e.target.value)} />
        )}
      </FormField>
      <datalist id="branch-zones">
        {zones.map((zone) => (
          <option key={zone} value={zone} />
        ))}
      </datalist>
      <FormField label="Address" error={problems.address} testId="branch-address">
        {(props) => <input {...props} data-testid="branch-address" value={address} onChange={(e) => field('address', setAddress)(e.target.value)} />}
      </FormField>
      <FormField label="Phone" error={problems.phone} testId="branch-phone">
        {(props) => <input {...props} data-testid="branch-phone" type="tel" value={phone} onChange={(e) => field('phone', setPhone)(e.target.value)} />}
      </FormField>
      {!editing && (
        <div>
          <h4 className="setup-subhead">Opening hours</h4>
          <OpeningHoursFields
            testId="branch-new-hours"
            days={days}
            problems={dayProblems}
            onChange={(next) => {
              setDays(next);
              setDayProblems([]);
            }}
          />
        </div>
      )}
      <ErrorLine message={formError} testId="branch-form-error" />
      <div className="actions">
        <button className="primary setup-inline" disabled={pending} data-testid="branch-save">
          {pending ? 'Saving…' : editing ? 'Save' : 'Create branch'}
        </button>
        <button type="button" onClick={onCancel} data-testid="branch-cancel">
          Cancel
        </button>
      </div>
    </form>
  );
}
