import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { changePasswordInput } from '@frontdesk/shared';
import { ErrorLine } from '../components/ErrorLine.js';
import { FormField } from '../components/FormField.js';
import { formRefusal } from '../lib/form-errors.js';
import { passwordStrength } from '../lib/password-strength.js';
import { setSession, useSession } from '../lib/session.js';
import { useTRPC, useTRPCClient } from '../lib/trpc.js';
import { problemsWith } from '../lib/validate.js';

type FieldName = 'currentPassword' | 'newPassword' | 'confirmPassword';

/**
 * Signed in with a temporary password (a new account, or one an admin or
 * manager reset): a new password before anything else. The server refuses
 * every other call until it is changed.
 */
export function ChangePassword() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const session = useSession()!;
  const [fields, setFields] = useState<Record<FieldName, string>>({ currentPassword: '', newPassword: '', confirmPassword: '' });
  const [problems, setProblems] = useState<Partial<Record<FieldName, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const change = useMutation(trpc.auth.changePassword.mutationOptions());
  const strength = fields.newPassword ? passwordStrength(fields.newPassword) : null;

  const set = (name: FieldName) => (value: string) => {
    setFields((f) => ({ ...f, [name]: value }));
    setProblems((p) => ({ ...p, [name]: undefined }));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const input = { currentPassword: fields.currentPassword, newPassword: fields.newPassword };
    const found: Partial<Record<FieldName, string>> = { ...(problemsWith(changePasswordInput, input) ?? {}) };
    if (fields.confirmPassword !== fields.newPassword) found.confirmPassword ??= 'The two passwords differ. Type the same password twice.';
    if (fields.newPassword && fields.newPassword === fields.currentPassword) found.newPassword ??= 'Choose a password different from the temporary one.';
    if (Object.values(found).some(Boolean)) {
      setProblems(found);
      return;
    }
    change.mutate(input, {
      onSuccess: () => void setSession({ ...session, mustChangePassword: false }),
      onError: (error) => {
        const refusal = formRefusal(error);
        if (refusal.field === 'currentPassword' || refusal.field === 'newPassword') setProblems({ [refusal.field]: refusal.message });
        else setFormError(refusal.message);
      },
    });
  };

  const signOut = async () => {
    await client.auth.logout.mutate().catch(() => undefined);
    await setSession(null);
  };

  const field = (name: FieldName, label: string, autoComplete: string, hint?: string) => (
    <FormField label={label} error={problems[name]} hint={hint} testId={`change-password-${name}`}>
      {(props) => (
        <input
          {...props}
          data-testid={`change-password-${name}`}
          type="password"
          autoComplete={autoComplete}
          autoFocus={name === 'currentPassword'}
          value={fields[name]}
          onChange={(e) => set(name)(e.target.value)}
        />
      )}
    </FormField>
  );

  return (
    <div className="login">
      <form className="card change-password-card" onSubmit={submit} noValidate data-testid="change-password">
        <h1>Choose your password</h1>
        <p className="muted">
          Hello {session.staff.name}. You signed in with a temporary password; choose your own to open the desk.
        </p>
        {field('currentPassword', 'Temporary password', 'current-password')}
        {field('newPassword', 'New password', 'new-password', strength ? undefined : 'At least 12 characters; a few words make a good one.')}
        {strength && !problems.newPassword && (
          <p className={`strength ${strength.level}`} data-testid="password-strength" aria-live="polite">
            {strength.words}
          </p>
        )}
        {field('confirmPassword', 'Confirm new password', 'new-password')}
        <ErrorLine message={formError} testId="change-password-error" />
        <button className="primary" disabled={change.isPending} data-testid="change-password-submit">
          {change.isPending ? 'Saving…' : 'Save and continue'}
        </button>
        <button type="button" className="link" onClick={() => void signOut()} data-testid="change-password-sign-out">
          Sign out
        </button>
      </form>
    </div>
  );
}
