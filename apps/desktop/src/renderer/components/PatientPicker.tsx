import { useEffect, useState, type Ref } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { PATIENT_SEARCH_MIN_CHARS, patientCreateInput, type PatientSummary } from '@frontdesk/shared';
import { formRefusal } from '../lib/form-errors.js';
import { useTRPC } from '../lib/trpc.js';
import { problemsWith } from '../lib/validate.js';
import { ErrorLine } from './ErrorLine.js';
import { PatientProfile } from '../views/patients/PatientProfile.js';

/** Find a patient by phone or name, or create one, in a few keystrokes. `ref` is the search field. */
export function PatientPicker({
  ref,
  value,
  onChange,
  disabled,
}: {
  ref?: Ref<HTMLInputElement>;
  value: PatientSummary | null;
  onChange: (p: PatientSummary | null) => void;
  disabled: boolean;
}) {
  const trpc = useTRPC();
  const [query, setQuery] = useState('');
  const [debounced, setDebounced] = useState('');
  const [creating, setCreating] = useState(false);
  const [profileOpen, setProfileOpen] = useState(false);
  useEffect(() => {
    // What is searched is what the server will count: spaces around it do not make a search longer.
    const t = setTimeout(() => setDebounced(query.trim()), 200);
    return () => clearTimeout(t);
  }, [query]);
  const results = useQuery({ ...trpc.patients.search.queryOptions({ query: debounced, limit: 8 }), enabled: debounced.length >= PATIENT_SEARCH_MIN_CHARS && !value });
  // ↑/↓ walk the results from the search field, Enter picks the one marked.
  const [active, setActive] = useState(0);
  useEffect(() => setActive(0), [results.data]);

  if (value) {
    return (
      <div className="patient-chosen" data-testid="patient-chosen">
        <strong>{value.name}</strong> <span className="muted">{value.phone}</span>
        <button className="link" onClick={() => onChange(null)} disabled={disabled}>
          change
        </button>
        <button className="link" data-testid="patient-profile-open" onClick={() => setProfileOpen(true)}>
          profile
        </button>
        {profileOpen && (
          <div className="patient-profile-overlay" role="dialog" aria-label={`Profile of ${value.name}`} onKeyDown={(e) => e.key === 'Escape' && setProfileOpen(false)}>
            <button className="link patient-profile-close" data-testid="patient-profile-close" onClick={() => setProfileOpen(false)} autoFocus>
              Close
            </button>
            <PatientProfile patientId={value.id} timeZone={Intl.DateTimeFormat().resolvedOptions().timeZone} editable={false} />
          </div>
        )}
      </div>
    );
  }
  return (
    <div className="patient-picker">
      <input
        ref={ref}
        data-testid="patient-search"
        placeholder="Search by phone or name  ( / )"
        value={query}
        disabled={disabled}
        onChange={(e) => setQuery(e.target.value)}
        role="combobox"
        aria-expanded={!!results.data?.length}
        aria-controls="patient-results"
        aria-activedescendant={results.data?.[active] ? `patient-option-${results.data[active].id}` : undefined}
        onKeyDown={(e) => {
          const found = results.data ?? [];
          const step = e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : 0;
          if (step && found.length) {
            e.preventDefault();
            setActive((a) => Math.min(found.length - 1, Math.max(0, a + step)));
          }
          const picked = found[active] ?? found[0];
          if (e.key === 'Enter' && picked) {
            e.preventDefault();
            onChange(picked);
          }
        }}
      />
      {results.data && (
        <ul className="results" data-testid="patient-results" id="patient-results" role="listbox">
          {results.data.map((p, i) => (
            <li key={p.id} id={`patient-option-${p.id}`} role="option" aria-selected={i === active} className={i === active ? 'on' : ''}>
              <button data-testid={`patient-result-${p.id}`} onClick={() => onChange(p)}>
                <strong>{p.name}</strong> <span className="muted">{p.phone}</span>
              </button>
            </li>
          ))}
          {results.data.length === 0 && <li className="muted">No patient matches “{debounced}”.</li>}
        </ul>
      )}
      {!creating ? (
        <button className="link" data-testid="patient-create-open" disabled={disabled} onClick={() => setCreating(true)}>
          + New patient
        </button>
      ) : (
        <NewPatientForm from={query} disabled={disabled} onCreated={onChange} />
      )}
    </div>
  );
}

/** A new patient from what was searched (a phone number or a name), checked before it is sent. */
function NewPatientForm({ from, disabled, onCreated }: { from: string; disabled: boolean; onCreated: (p: PatientSummary) => void }) {
  const trpc = useTRPC();
  const looksLikePhone = /^[+0-9 ()-]+$/.test(from);
  const [name, setName] = useState(looksLikePhone ? '' : from);
  const [phone, setPhone] = useState(looksLikePhone ? from : '');
  const [problems, setProblems] = useState<Record<string, string>>({});
  // The desk's create checks for duplicates first: same name and date of birth, or the same phone.
  const create = useMutation(trpc.patients.register.mutationOptions());
  // The server's refusal goes beside the field it names, like the desk's own checks.
  const refusal = create.error ? formRefusal(create.error) : null;
  const problem = (field: 'name' | 'phone') => problems[field] ?? (refusal?.field === field ? refusal.message : undefined);
  return (
    <form
      className="create"
      onSubmit={(e) => {
        e.preventDefault();
        const input = { name, phone };
        const found = problemsWith(patientCreateInput, input);
        setProblems(found ?? {});
        if (!found) create.mutate(input, { onSuccess: (r) => r.outcome === 'created' && onCreated({ id: r.patient.id, name: r.patient.name, phone: r.patient.phone }) });
      }}
    >
      <input data-testid="patient-create-name" aria-label="Full name" placeholder="Full name" value={name} onChange={(e) => setName(e.target.value)} required />
      <ErrorLine message={problem('name')} testId="patient-create-name-problem" />
      <input data-testid="patient-create-phone" aria-label="Phone" placeholder="Phone" value={phone} onChange={(e) => setPhone(e.target.value)} required />
      <ErrorLine message={problem('phone')} testId="patient-create-phone-problem" />
      <button data-testid="patient-create-submit" disabled={disabled || create.isPending}>
        Create
      </button>
      {create.data?.outcome === 'possible_duplicates' && (
        <div className="patient-duplicates" role="alert" data-testid="patient-duplicates">
          <p>This may be a patient already on file:</p>
          <ul>
            {create.data.duplicates.map((d) => (
              <li key={d.id}>
                <strong>{d.name}</strong> <span className="muted">{d.phone}{d.dateOfBirth ? ` · born ${d.dateOfBirth}` : ''} · {d.why}</span>{' '}
                <button type="button" data-testid={`patient-use-existing-${d.id}`} onClick={() => onCreated({ id: d.id, name: d.name, phone: d.phone })}>
                  Use existing
                </button>
              </li>
            ))}
          </ul>
          <button type="button" className="link" data-testid="patient-create-anyway" onClick={() => create.mutate({ name, phone, confirmNotDuplicate: true }, { onSuccess: (r) => r.outcome === 'created' && onCreated({ id: r.patient.id, name: r.patient.name, phone: r.patient.phone }) })}>
            Not the same person: create a new record
          </button>
        </div>
      )}
      <ErrorLine message={refusal && refusal.field !== 'name' && refusal.field !== 'phone' ? refusal.message : null} testId="patient-create-error" />
    </form>
  );
}
