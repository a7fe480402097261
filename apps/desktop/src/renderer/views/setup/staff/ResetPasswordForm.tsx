import { useState, type FormEvent } from 'react';
import { staffResetPasswordInput, type StaffAccountView } from '@frontdesk/shared';
import { ErrorLine } from '../../../components/ErrorLine.js';
import { FormField } from '../../../components/FormField.js';
import { formRefusal } from '../../../lib/form-errors.js';
import { problemsWith } from '../../../lib/validate.js';
import type { StaffCommands } from './use-staff-commands.js';

/** A temporary password for someone who forgot theirs: typed here, or made by Frontdesk; shown once. */
export function ResetPasswordForm({
  staff,
  commands,
  onReset,
  onCancel,
}: {
  staff: StaffAccountView;
  commands: StaffCommands;
  onReset: (staff: StaffAccountView, temporaryPassword: string) => void;
  onCancel: () => void;
}) {
  const [temporaryPassword, setTemporaryPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const input = { staffId: staff.id, ...(temporaryPassword ? { temporaryPassword } : {}) };
    const found = problemsWith(staffResetPasswordInput, input);
    if (found?.temporaryPassword) return setProblem(found.temporaryPassword);
    commands.resetPassword.mutate(input, {
      onSuccess: (result) => onReset(result.staff, result.temporaryPassword),
      onError: (error) => {
        const refusal = formRefusal(error);
        if (refusal.field === 'temporaryPassword') setProblem(refusal.message);
        else setFormError(refusal.message);
      },
    });
  };

  return (
    <form className="setup-form staff-form" onSubmit={submit} noValidate data-testid="staff-reset-form">
      <h3 className="wide">Reset the password of {staff.name}</h3>
      <p className="muted wide">They are signed out on every desk at once, sign in next with a temporary password, and then choose their own.</p>
      <FormField
        label="Temporary password"
        error={problem}
        className="wide"
        testId="staff-reset-password"
        hint="Leave empty and Frontdesk makes one. It is shown once."
      >
        {(props) => (
          <input
            {...props}
            data-testid="staff-reset-password"
            type="text"
            autoComplete="off"
            autoFocus
            value={temporaryPassword}
            onChange={(e) => {
              setTemporaryPassword(e.target.value);
              setProblem(null);
            }}
          />
        )}
      </FormField>
      <ErrorLine message={formError} testId="staff-reset-error" />
      <div className="actions">
        <button className="danger" disabled={commands.resetPassword.isPending} data-testid="staff-reset-confirm">
          {commands.resetPassword.isPending ? 'Resetting…' : 'Reset password'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
