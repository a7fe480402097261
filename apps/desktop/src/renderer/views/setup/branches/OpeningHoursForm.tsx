import { useState, type FormEvent } from 'react';
import type { BranchSetupView } from '@frontdesk/shared';
import { ErrorLine } from '../../../components/ErrorLine.js';
import { formRefusal } from '../../../lib/form-errors.js';
import { describeOpeningHours } from './opening-hours-words.js';
import { checkDays, daysOf, OpeningHoursFields, type OpeningDays } from './OpeningHoursFields.js';
import type { BranchCommands } from './use-branch-commands.js';

/**
 * A branch's weekly opening hours. They bound everyone's hours there: saving
 * shorter ones trims people's and rooms' hours to fit, and appointments left
 * outside are shown to settle first (keep, cancel or move).
 */
export function OpeningHoursForm({ branch, commands }: { branch: BranchSetupView; commands: BranchCommands }) {
  const [days, setDays] = useState<OpeningDays>(() => daysOf(branch.openingHours));
  const [problems, setProblems] = useState<(string | null)[][]>([]);
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const mutation = commands.setOpeningHours;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(null);
    setError(null);
    const checked = checkDays(days);
    setProblems(checked.problems);
    if (!checked.hours) return;
    mutation.mutate(
      { branchId: branch.id, hours: checked.hours },
      {
        onSuccess: (result) => {
          const trimmed = result.trimmed.length;
          setSaved(`Opening hours saved: ${describeOpeningHours(result.branch.openingHours)}.${trimmed ? ` The hours of ${trimmed} ${trimmed === 1 ? 'person or room' : 'people and rooms'} there now fit them.` : ''}`);
        },
        onError: (err) => setError(formRefusal(err).message),
      },
    );
  };

  return (
    <form className="setup-card" onSubmit={submit} noValidate data-testid="branch-hours-form" aria-label={`Opening hours of ${branch.name}`}>
      <h3>Opening hours</h3>
      <p className="muted small">Everyone’s working hours at {branch.name} stay within these. Add a second interval for a lunch break; a day without hours is closed.</p>
      <OpeningHoursFields
        testId="branch-hours"
        days={days}
        problems={problems}
        onChange={(next) => {
          setDays(next);
          setProblems([]);
          setSaved(null);
        }}
      />
      <ErrorLine message={error} testId="branch-hours-error" />
      {saved && (
        <p className="notice" role="status" data-testid="branch-hours-saved">
          {saved}
        </p>
      )}
      <div className="actions">
        <button className="primary setup-inline" disabled={mutation.isPending} data-testid="branch-hours-save">
          {mutation.isPending ? 'Saving…' : 'Save opening hours'}
        </button>
        <button type="button" data-testid="branch-hours-undo" onClick={() => { setDays(daysOf(branch.openingHours)); setProblems([]); setError(null); setSaved(null); }}>
          Undo changes
        </button>
      </div>
    </form>
  );
}
