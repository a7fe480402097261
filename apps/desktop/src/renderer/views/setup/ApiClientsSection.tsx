import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { API_SCOPE_LABELS, API_SCOPES, type ApiClientSecret, type ApiScope } from '@frontdesk/shared';
import { ErrorLine } from '../../components/ErrorLine.js';
import { formRefusal } from '../../lib/form-errors.js';
import { useTRPC } from '../../lib/trpc.js';
import type { SetupSectionProps } from './sections.js';

/** What a new client may do unless the admin says otherwise: find times and book them. */
const DEFAULT_SCOPES: ApiScope[] = ['system/Slot.read', 'system/Schedule.read', 'system/Location.read', 'system/Practitioner.read', 'system/HealthcareService.read', 'system/Appointment.read', 'system/Appointment.write', 'system/Patient.read'];

/** The server's address as this desk reaches it (the other system reaches the same one). */
function useServerUrl(): string {
  const [url, setUrl] = useState(location.origin);
  useEffect(() => {
    void window.frontdesk?.getSettings().then((s) => setUrl(s.serverUrl));
  }, []);
  return url;
}

const when = (iso: string) => new Date(iso).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });

/**
 * Systems that book through the FHIR API (an EHR, a patient portal, a
 * partner's call centre): registered with the branches they may book at and
 * what they may do. The secret is shown once; rotating makes a new one,
 * disabling stops the system at once (its holds are let go).
 */
export function ApiClientsSection(_props: SetupSectionProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const serverUrl = useServerUrl();
  const branches = useQuery(trpc.catalog.branches.queryOptions());
  const clients = useQuery(trpc.setup.apiClients.list.queryOptions());
  const [name, setName] = useState('');
  const [branchIds, setBranchIds] = useState<string[] | null>(null);
  const [scopes, setScopes] = useState<ApiScope[]>(DEFAULT_SCOPES);
  const [secret, setSecret] = useState<ApiClientSecret | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries(trpc.setup.apiClients.list.pathFilter());
  const shown = (s: ApiClientSecret) => (setSecret(s), void refresh());
  const create = useMutation(trpc.setup.apiClients.create.mutationOptions({ onSuccess: (s) => (shown(s), setName('')) }));
  const onRowError = (error: unknown) => setRowError(formRefusal(error).message);
  const rotate = useMutation(trpc.setup.apiClients.rotate.mutationOptions({ onSuccess: shown, onError: onRowError }));
  const disable = useMutation(trpc.setup.apiClients.disable.mutationOptions({ onSuccess: () => void refresh(), onError: onRowError }));
  const enable = useMutation(trpc.setup.apiClients.enable.mutationOptions({ onSuccess: () => void refresh(), onError: onRowError }));

  const chosenBranches = branchIds ?? branches.data?.map((b) => b.id) ?? [];
  const refusal = create.error ? formRefusal(create.error) : null;
  const fieldError = (field: string) => (refusal?.field === field ? refusal.message : null);
  const branchName = (id: string) => branches.data?.find((b) => b.id === id)?.name ?? 'a branch no longer there';
  const toggle = <T,>(list: T[], item: T, on: boolean) => (on ? [...list, item] : list.filter((x) => x !== item));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSecret(null);
    setRowError(null);
    create.mutate({ name, branchIds: chosenBranches, scopes });
  };

  return (
    <div className="api-clients-section">
      <h2>API clients</h2>
      <p className="muted">
        Other systems find, hold and book times through the FHIR scheduling API at <code>{serverUrl}/fhir/R4</code>, with the same rules as the desks: a time one of them books is taken on every desk at once, under the system’s name.
      </p>

      <form className="setup-card" onSubmit={submit} data-testid="api-client-form">
        <h3>Register a system</h3>
        <label className="api-clients-name">
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={80} placeholder="e.g. Patient portal" data-testid="api-client-name" aria-invalid={!!fieldError('name')} />
        </label>
        <ErrorLine message={fieldError('name')} testId="api-client-name-error" />
        <fieldset data-testid="api-client-branches">
          <legend>Branches it may book at</legend>
          {branches.data?.map((b) => (
            <label key={b.id} className="check">
              <input type="checkbox" checked={chosenBranches.includes(b.id)} onChange={(e) => setBranchIds(toggle(chosenBranches, b.id, e.target.checked))} /> {b.name}
            </label>
          ))}
        </fieldset>
        <ErrorLine message={fieldError('branchIds')} testId="api-client-branches-error" />
        <fieldset data-testid="api-client-scopes">
          <legend>What it may do</legend>
          {API_SCOPES.map((s) => (
            <label key={s} className="check" title={s}>
              <input type="checkbox" checked={scopes.includes(s)} onChange={(e) => setScopes(toggle(scopes, s, e.target.checked))} /> {API_SCOPE_LABELS[s]}
            </label>
          ))}
        </fieldset>
        <ErrorLine message={fieldError('scopes')} testId="api-client-scopes-error" />
        <ErrorLine message={refusal && !['name', 'branchIds', 'scopes'].includes(refusal.field ?? '') ? refusal.message : null} testId="api-client-error" />
        <div className="actions">
          <button type="submit" className="primary setup-inline" disabled={create.isPending} data-testid="api-client-create">
            Register
          </button>
        </div>
      </form>

      {secret && (
        <div className="setup-notice" role="status" data-testid="api-client-secret">
          <strong>{secret.client.name}: its credentials, shown this once</strong>
          <span>
            Client id <code data-testid="api-client-id">{secret.clientId}</code>
          </span>
          <span>
            Client secret <code data-testid="api-client-secret-value">{secret.clientSecret}</code>
          </span>
          <span className="small muted">
            The system asks for a token at <code>{serverUrl}/fhir/R4/auth/token</code> (OAuth2 client credentials). Copy the secret now: it cannot be shown again, only replaced.
          </span>
          <div className="setup-notice-actions">
            <button type="button" className="link" onClick={() => setSecret(null)} data-testid="api-client-secret-done">
              I have copied it
            </button>
          </div>
        </div>
      )}

      <ErrorLine message={rowError} testId="api-client-row-error" />
      {clients.isError && <p className="error">Could not load the API clients. {formRefusal(clients.error).message}</p>}
      {clients.data?.length === 0 && <p className="muted">No systems registered yet.</p>}
      {!!clients.data?.length && (
        <table data-testid="api-clients-table">
          <thead>
            <tr>
              <th>System</th>
              <th>Branches</th>
              <th>May</th>
              <th>Status</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {clients.data.map((c) => (
              <tr key={c.id} data-testid="api-client-row" data-name={c.name} className={c.disabledAt ? 'muted' : undefined}>
                <td>
                  <strong>{c.name}</strong>
                  <div className="small muted">
                    since {when(c.createdAt)}
                    {c.secretRotatedAt && ` · secret replaced ${when(c.secretRotatedAt)}`}
                  </div>
                </td>
                <td className="small">{c.branchIds.map(branchName).join(', ')}</td>
                <td>
                  <span className="setup-tags">
                    {c.scopes.map((s) => (
                      <span key={s} className="setup-tag" title={s}>
                        {API_SCOPE_LABELS[s]}
                      </span>
                    ))}
                  </span>
                </td>
                <td>
                  <span className={`setup-status ${c.disabledAt ? 'off' : 'on'}`}>{c.disabledAt ? 'Disabled' : 'Active'}</span>
                </td>
                <td className="setup-row-actions">
                  {!c.disabledAt && (
                    <button type="button" className="link" onClick={() => (setRowError(null), rotate.mutate({ clientId: c.id }))} data-testid="api-client-rotate">
                      New secret
                    </button>
                  )}
                  <button
                    type="button"
                    className="link"
                    onClick={() => (setRowError(null), c.disabledAt ? enable.mutate({ clientId: c.id }) : disable.mutate({ clientId: c.id }))}
                    data-testid={c.disabledAt ? 'api-client-enable' : 'api-client-disable'}
                  >
                    {c.disabledAt ? 'Enable' : 'Disable'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
