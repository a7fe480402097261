import { useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { branchAddClosureInput, type BranchSetupView } from '@frontdesk/shared';
import { ErrorLine } from '../../../components/ErrorLine.js';
import { FormField } from '../../../components/FormField.js';
import { formRefusal } from '../../../lib/form-errors.js';
import { todayIn } from '../../../lib/time.js';
import { useTRPC } from '../../../lib/trpc.js';
import { problemsWith } from '../../../lib/validate.js';
import { shortDate } from './opening-hours-words.js';
import type { BranchCommands } from './use-branch-commands.js';

type Kind = 'HOLIDAY' | 'CLOSURE';
type FieldName = 'name' | 'from' | 'to';
const FIELDS: readonly string[] = ['name', 'from', 'to'];
const KIND_WORDS: Record<Kind, string> = { HOLIDAY: 'Public holiday', CLOSURE: 'Closure' };

const range = (from: string, to: string) => (from === to ? shortDate(from) : `${shortDate(from)} – ${shortDate(to)}`);

/**
 * Whole-branch holidays and closures, in the branch's own days: the list from
 * today on, a form for one or several days, and removal. Appointments on
 * those days are shown to settle first.
 */
export function ClosuresPanel({ branch, commands }: { branch: BranchSetupView; commands: BranchCommands }) {
  const trpc = useTRPC();
  const closures = useQuery(trpc.setup.branches.closures.queryOptions({ branchId: branch.id }));
  const today = todayIn(branch.timeZone);
  const [kind, setKind] = useState<Kind>('HOLIDAY');
  const [name, setName] = useState('');
  const [from, setFrom] = useState(today);
  const [to, setTo] = useState(today);
  const [problems, setProblems] = useState<Partial<Record<FieldName, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const input = { branchId: branch.id, kind, name, from, to: to || from };
    const found = problemsWith(branchAddClosureInput, input);
    setProblems(found ?? {});
    if (found) return;
    commands.addClosure.mutate(input, {
      onSuccess: () => {
        setName('');
        setProblems({});
      },
      onError: (error) => {
        const refusal = formRefusal(error);
        if (refusal.field && FIELDS.includes(refusal.field)) setProblems({ [refusal.field]: refusal.message });
        else setFormError(refusal.message);
      },
    });
  };

  const remove = (id: string, label: string) => {
    setRowError(null);
    commands.removeClosure.mutate({ timeOffId: id }, { onError: (error) => setRowError(`${label}: ${formRefusal(error).message}`) });
  };

  return (
    <section className="setup-card" data-testid="branch-closures" aria-label={`Holidays and closures of ${branch.name}`}>
      <h3>Holidays and closures</h3>
      <p className="muted small">The whole branch is closed on these days ({branch.timeZone}); nothing can be booked then.</p>
      {closures.isError && <p className="error">Could not load the holidays. {formRefusal(closures.error).message}</p>}
      <ul className="branch-closures">
        {closures.data?.map((c) => (
          <li key={c.id} data-testid="branch-closure" data-name={c.name}>
            <span className={`closure-kind ${c.kind.toLowerCase()}`}>{KIND_WORDS[c.kind]}</span>
            <strong>{c.name}</strong>
            <span className="small">{range(c.from, c.to)}</span>
            <button type="button" className="link" aria-label={`Remove ${c.name}`} data-testid="branch-closure-remove" onClick={() => remove(c.id, c.name)}>
              Remove
            </button>
          </li>
        ))}
        {closures.data?.length === 0 && <li className="muted">None planned.</li>}
      </ul>
      <ErrorLine message={rowError} testId="branch-closure-row-error" />

      <form className="branch-closure-form" onSubmit={submit} noValidate data-testid="branch-closure-form" aria-label="Add a holiday or closure">
        <fieldset className="branch-closure-kind">
          <legend>Kind</legend>
          {(['HOLIDAY', 'CLOSURE'] as const).map((k) => (
            <label key={k} className="check">
              <input type="radio" name="closure-kind" data-testid={`branch-closure-kind-${k.toLowerCase()}`} checked={kind === k} onChange={() => setKind(k)} />
              {KIND_WORDS[k]}
            </label>
          ))}
        </fieldset>
        <FormField label={kind === 'HOLIDAY' ? 'Holiday name' : 'Reason'} error={problems.name} testId="branch-closure-name">
          {(props) => <input {...props} data-testid="branch-closure-name" placeholder={kind === 'HOLIDAY' ? 'e.g. Christmas Day' : 'e.g. Renovation'} value={name} onChange={(e) => setName(e.target.value)} />}
        </FormField>
        <FormField label="First day" error={problems.from} testId="branch-closure-from">
          {(props) => (
            <input
              {...props}
              type="date"
              data-testid="branch-closure-from"
              value={from}
              min={today}
              onChange={(e) => {
                setFrom(e.target.value);
                if (!to || to < e.target.value) setTo(e.target.value);
              }}
            />
          )}
        </FormField>
        <FormField label="Last day" error={problems.to} testId="branch-closure-to">
          {(props) => <input {...props} type="date" data-testid="branch-closure-to" value={to} min={from || today} onChange={(e) => setTo(e.target.value)} />}
        </FormField>
        <ErrorLine message={formError} testId="branch-closure-error" />
        <div className="actions">
          <button className="primary setup-inline" disabled={commands.addClosure.isPending} data-testid="branch-closure-add">
            {commands.addClosure.isPending ? 'Adding…' : kind === 'HOLIDAY' ? 'Add holiday' : 'Add closure'}
          </button>
        </div>
      </form>
    </section>
  );
}
