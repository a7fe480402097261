import { useState, type FormEvent } from 'react';
import { staffInviteInput, staffUpdateInput, type StaffAccountView, type StaffRole } from '@frontdesk/shared';
import { ErrorLine } from '../../../components/ErrorLine.js';
import { FormField } from '../../../components/FormField.js';
import { formRefusal } from '../../../lib/form-errors.js';
import type { Branch } from '../../../lib/types.js';
import { problemsWith } from '../../../lib/validate.js';
import { ROLE_WORDS, worksEverywhere } from './roles.js';
import type { StaffCommands } from './use-staff-commands.js';

type FieldName = 'name' | 'email' | 'role' | 'branchIds' | 'temporaryPassword';

export interface StaffFormProps {
  /** Null: a new account (invited with a temporary password). */
  editing: StaffAccountView | null;
  branches: Branch[];
  roles: StaffRole[];
  /** The signed-in person's own account: its role stays as it is. */
  self: boolean;
  defaultBranchId: string;
  commands: StaffCommands;
  onInvited: (staff: StaffAccountView, temporaryPassword: string) => void;
  onSaved: () => void;
  onCancel: () => void;
}

/** A new account (name, email, role, branches, an optional temporary password) or the edit of one (name, role, branches). */
export function StaffForm({ editing, branches, roles, self, defaultBranchId, commands, onInvited, onSaved, onCancel }: StaffFormProps) {
  const [name, setName] = useState(editing?.name ?? '');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<StaffRole>(editing?.role ?? roles[0] ?? 'RECEPTIONIST');
  const [branchIds, setBranchIds] = useState<string[]>(editing ? editing.branchIds : [defaultBranchId]);
  const [temporaryPassword, setTemporaryPassword] = useState('');
  const [problems, setProblems] = useState<Partial<Record<FieldName, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const everywhere = worksEverywhere(role);
  const pending = commands.invite.isPending || commands.update.isPending;

  const refused = (error: unknown) => {
    const refusal = formRefusal(error);
    if (refusal.field && ['name', 'email', 'role', 'branchIds', 'temporaryPassword'].includes(refusal.field)) setProblems({ [refusal.field]: refusal.message });
    else setFormError(refusal.message);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const chosen = everywhere ? [] : branchIds;
    const found: Partial<Record<FieldName, string>> = editing
      ? { ...(problemsWith(staffUpdateInput, { staffId: editing.id, name, role, branchIds: chosen }) ?? {}) }
      : { ...(problemsWith(staffInviteInput, { name, email, role, branchIds: chosen, ...(temporaryPassword ? { temporaryPassword } : {}) }) ?? {}) };
    if (!everywhere && chosen.length === 0) found.branchIds = 'Choose at least one branch.';
    if (Object.values(found).some(Boolean)) {
      setProblems(found);
      return;
    }
    if (editing) {
      commands.update.mutate({ staffId: editing.id, name, role, branchIds: chosen }, { onSuccess: onSaved, onError: refused });
    } else {
      commands.invite.mutate(
        { name, email, role, branchIds: chosen, ...(temporaryPassword ? { temporaryPassword } : {}) },
        { onSuccess: (result) => onInvited(result.staff, result.temporaryPassword), onError: refused },
      );
    }
  };

  const toggleBranch = (id: string, on: boolean) => {
    setBranchIds((ids) => (on ? [...ids, id] : ids.filter((b) => b !== id)));
    setProblems((p) => ({ ...p, branchIds: undefined }));
  };

  return (
    <form className="setup-form staff-form" onSubmit={submit} noValidate data-testid="staff-form">
      <h3 className="wide">{editing ? `Edit ${editing.name}` : 'New staff member'}</h3>
      <FormField label="Name" error={problems.name} className="wide" testId="staff-name">
        {(props) => <input {...props} data-testid="staff-name" autoFocus value={name} onChange={(e) => setName(e.target.value)} />}
      </FormField>
      {!editing && (
        <FormField label="Email" error={problems.email} className="wide" testId="staff-email" hint="They sign in with it.">
          {(props) => <input {...props} data-testid="staff-email" type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} />}
        </FormField>
      )}
      <FormField label="Role" error={problems.role} className="wide" testId="staff-role" hint={self ? 'Your own role stays as it is.' : undefined}>
        {(props) => (
          <select {...props} data-testid="staff-role" value={role} disabled={self} onChange={(e) => setRole(e.target.value as StaffRole)}>
            {(roles.includes(role) ? roles : [role, ...roles]).map((r) => (
              <option key={r} value={r}>
                {ROLE_WORDS[r]}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <fieldset className="wide staff-branches" aria-describedby="staff-branches-note">
        <legend>Branches</legend>
        {everywhere ? (
          <p className="muted small" id="staff-branches-note">
            {ROLE_WORDS[role]} works in every branch.
          </p>
        ) : (
          <>
            {branches.map((b) => (
              <label key={b.id} className="check">
                <input type="checkbox" data-testid={`staff-branch-${b.id}`} checked={branchIds.includes(b.id)} onChange={(e) => toggleBranch(b.id, e.target.checked)} />
                {b.name}
              </label>
            ))}
            {problems.branchIds && (
              <span className="field-error" role="alert" id="staff-branches-note" data-testid="staff-branchIds-error">
                {problems.branchIds}
              </span>
            )}
          </>
        )}
      </fieldset>
      {!editing && (
        <FormField
          label="Temporary password"
          error={problems.temporaryPassword}
          className="wide"
          testId="staff-temporaryPassword"
          hint="Leave empty and Frontdesk makes one. Either way it is shown once, and they choose their own at first sign-in."
        >
          {(props) => (
            <input {...props} data-testid="staff-temporaryPassword" type="text" autoComplete="off" value={temporaryPassword} onChange={(e) => setTemporaryPassword(e.target.value)} />
          )}
        </FormField>
      )}
      <ErrorLine message={formError} testId="staff-form-error" />
      <div className="actions">
        <button className="primary inline" disabled={pending} data-testid="staff-save">
          {pending ? 'Saving…' : editing ? 'Save' : 'Create account'}
        </button>
        <button type="button" onClick={onCancel} data-testid="staff-cancel">
          Cancel
        </button>
      </div>
    </form>
  );
}
