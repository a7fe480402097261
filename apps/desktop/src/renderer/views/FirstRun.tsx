import { useMemo, useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { domainErrorOf, firstRunCreateInput, supportedTimeZones, type DesktopSettings, type FirstRunCreateInput } from '@frontdesk/shared';
import { ErrorLine } from '../components/ErrorLine.js';
import { FormField } from '../components/FormField.js';
import { storedDeskName } from '../lib/desk-memory.js';
import { formRefusal } from '../lib/form-errors.js';
import { passwordStrength } from '../lib/password-strength.js';
import { setSession } from '../lib/session.js';
import { useTRPC } from '../lib/trpc.js';
import { problemsWith } from '../lib/validate.js';

type Fields = Omit<Required<FirstRunCreateInput>, 'desk'> & { confirmPassword: string };
type FieldName = keyof Fields;

/** This machine's zone when the list has it (the server checks against the same kind of list), else UTC. */
function machineZone(zones: readonly string[]): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return zone && zones.includes(zone) ? zone : 'UTC';
}

const ORDER: FieldName[] = ['organisationName', 'branchName', 'timeZone', 'address', 'phone', 'adminName', 'adminEmail', 'adminPassword', 'confirmPassword', 'setupCode'];

/**
 * The first run of an empty server: the organisation, its first branch and
 * the first admin account, in one form. On success the admin is signed in
 * and the desk opens on Setup.
 */
export function FirstRun({ settings, codeRequired, onAlreadySetUp }: { settings: DesktopSettings; codeRequired: boolean; onAlreadySetUp: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const zones = useMemo(() => supportedTimeZones(), []);
  const [fields, setFields] = useState<Fields>(() => ({
    organisationName: '',
    branchName: '',
    timeZone: machineZone(zones),
    address: '',
    phone: '',
    adminName: '',
    adminEmail: '',
    adminPassword: '',
    confirmPassword: '',
    setupCode: '',
  }));
  const [problems, setProblems] = useState<Partial<Record<FieldName, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [taken, setTaken] = useState(false);
  const create = useMutation(trpc.setup.firstRun.create.mutationOptions());
  const strength = fields.adminPassword ? passwordStrength(fields.adminPassword) : null;

  const set = (name: FieldName) => (value: string) => {
    setFields((f) => ({ ...f, [name]: value }));
    setProblems((p) => ({ ...p, [name]: undefined }));
  };

  const showProblems = (found: Partial<Record<FieldName, string>>) => {
    setProblems(found);
    const first = ORDER.find((name) => found[name]);
    if (first) document.querySelector<HTMLElement>(`[data-field="${first}"]`)?.focus();
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const { confirmPassword, setupCode, ...rest } = fields;
    const desk = settings.deskName || storedDeskName();
    const input: FirstRunCreateInput = { ...rest, desk, ...(codeRequired ? { setupCode } : {}) };
    const found: Partial<Record<FieldName, string>> = { ...(problemsWith(firstRunCreateInput, input) ?? {}) };
    if (confirmPassword !== fields.adminPassword) found.confirmPassword ??= 'The two passwords differ. Type the same password twice.';
    if (codeRequired && !setupCode.trim()) found.setupCode = "Enter the setup code printed in the server's log.";
    if (Object.values(found).some(Boolean)) return showProblems(found);
    create.mutate(input, {
      onSuccess: async (result) => {
        queryClient.setQueryData(trpc.setup.firstRun.status.queryKey(), { needsSetup: false, codeRequired: false });
        await setSession({ token: result.token, staff: result.staff, desk, mustChangePassword: result.mustChangePassword, landing: 'setup' });
      },
      onError: (error) => {
        const refusal = formRefusal(error);
        if (refusal.field && ORDER.includes(refusal.field as FieldName)) return showProblems({ [refusal.field]: refusal.message });
        // Refused outright (most likely someone finished the first run meanwhile): offer the way to sign-in.
        if (domainErrorOf(error)?.code === 'FORBIDDEN') setTaken(true);
        setFormError(refusal.message);
      },
    });
  };

  const text = (name: FieldName, label: string, options: { type?: string; autoComplete?: string; hint?: string; wide?: boolean; list?: string; placeholder?: string } = {}) => (
    <FormField label={label} error={problems[name]} hint={options.hint} className={options.wide ? 'wide' : undefined} testId={`first-run-${name}`}>
      {(props) => (
        <input
          {...props}
          data-field={name}
          data-testid={`first-run-${name}`}
          type={options.type ?? 'text'}
          autoComplete={options.autoComplete ?? 'off'}
          list={options.list}
          placeholder={options.placeholder}
          value={fields[name]}
          onChange={(e) => set(name)(e.target.value)}
        />
      )}
    </FormField>
  );

  return (
    <div className="login">
      <form className="card first-run-card" onSubmit={submit} noValidate data-testid="first-run">
        <div>
          <h1>Welcome to Frontdesk</h1>
          <p className="muted">This server has no clinic yet. Set up your organisation, its first branch and your admin account; you can add branches, people and services next.</p>
        </div>
        <fieldset>
          <legend>Organisation</legend>
          {text('organisationName', 'Organisation name', { wide: true, placeholder: 'e.g. Riverside Health', autoComplete: 'organization' })}
        </fieldset>
        <fieldset>
          <legend>First branch</legend>
          {text('branchName', 'Branch name', { placeholder: 'e.g. Riverside Central' })}
          {text('timeZone', 'Time zone', { list: 'first-run-zones', hint: 'Type to search, e.g. London or New_York.' })}
          <datalist id="first-run-zones">
            {zones.map((zone) => (
              <option key={zone} value={zone} />
            ))}
          </datalist>
          {text('address', 'Address', { wide: true, autoComplete: 'street-address' })}
          {text('phone', 'Phone', { type: 'tel', autoComplete: 'tel' })}
        </fieldset>
        <fieldset>
          <legend>Your admin account</legend>
          {text('adminName', 'Your name', { autoComplete: 'name' })}
          {text('adminEmail', 'Email', { type: 'email', autoComplete: 'username' })}
          {text('adminPassword', 'Password', {
            type: 'password',
            autoComplete: 'new-password',
            hint: strength ? undefined : 'At least 12 characters; a few words make a good one.',
          })}
          {text('confirmPassword', 'Confirm password', { type: 'password', autoComplete: 'new-password' })}
          {strength && !problems.adminPassword && (
            <p className={`strength ${strength.level} wide`} data-testid="password-strength" aria-live="polite">
              {strength.words}
            </p>
          )}
        </fieldset>
        {codeRequired && (
          <fieldset>
            <legend>Setup code</legend>
            <p className="muted small wide">You are not on the server's own machine: enter the one-time code the server printed in its log when it started.</p>
            {text('setupCode', 'Setup code', { placeholder: 'XXXX-XXXX-XXXX' })}
          </fieldset>
        )}
        <ErrorLine message={formError} testId="first-run-error" />
        {taken ? (
          <button type="button" className="primary" onClick={onAlreadySetUp} data-testid="first-run-sign-in">
            Go to sign-in
          </button>
        ) : (
          <button className="primary" disabled={create.isPending} data-testid="first-run-submit">
            {create.isPending ? 'Setting up…' : 'Create the clinic and sign in'}
          </button>
        )}
        <p className="muted small">Server: {settings.serverUrl}</p>
      </form>
    </div>
  );
}
