import { useEffect, useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import type { PatientSummary } from '@frontdesk/shared';
import { sentenceFor } from '../lib/errors.js';
import { useTRPC } from '../lib/trpc.js';

/** Find a patient by phone or name, or create one, in a few keystrokes. */
export function PatientPicker({ value, onChange, disabled }: { value: PatientSummary | null; onChange: (p: PatientSummary | null) => void; disabled: boolean }) {
  const trpc = useTRPC();
  const [query, setQuery] = useState('');
  const [debounced, setDebounced] = useState('');
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  useEffect(() => {
    const t = setTimeout(() => setDebounced(query.trim()), 200);
    return () => clearTimeout(t);
  }, [query]);
  const results = useQuery({ ...trpc.patients.search.queryOptions({ query: debounced, limit: 8 }), enabled: debounced.length >= 2 && !value });
  const create = useMutation(trpc.patients.create.mutationOptions());

  if (value) {
    return (
      <div className="patient-chosen" data-testid="patient-chosen">
        <strong>{value.name}</strong> <span className="muted">{value.phone}</span>
        <button className="link" onClick={() => onChange(null)} disabled={disabled}>
          change
        </button>
      </div>
    );
  }
  return (
    <div className="patient-picker">
      <input
        data-testid="patient-search"
        placeholder="Search by phone or name  ( / )"
        value={query}
        disabled={disabled}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          const first = results.data?.[0];
          if (e.key === 'Enter' && first) {
            e.preventDefault();
            onChange(first);
          }
        }}
      />
      {results.data && (
        <ul className="results" data-testid="patient-results">
          {results.data.map((p) => (
            <li key={p.id}>
              <button data-testid={`patient-result-${p.id}`} onClick={() => onChange(p)}>
                <strong>{p.name}</strong> <span className="muted">{p.phone}</span>
              </button>
            </li>
          ))}
          {results.data.length === 0 && <li className="muted">No patient matches “{debounced}”.</li>}
        </ul>
      )}
      {!creating ? (
        <button
          className="link"
          data-testid="patient-create-open"
          disabled={disabled}
          onClick={() => {
            setCreating(true);
            if (/^[+0-9 ()-]+$/.test(query)) setPhone(query);
            else setName(query);
          }}
        >
          + New patient
        </button>
      ) : (
        <form
          className="create"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate({ name, phone }, { onSuccess: (p) => onChange({ id: p.id, name: p.name, phone: p.phone }) });
          }}
        >
          <input data-testid="patient-create-name" placeholder="Full name" value={name} onChange={(e) => setName(e.target.value)} required />
          <input data-testid="patient-create-phone" placeholder="Phone" value={phone} onChange={(e) => setPhone(e.target.value)} required />
          <button data-testid="patient-create-submit" disabled={disabled || create.isPending}>
            Create
          </button>
          {create.error && <p className="error">{sentenceFor(create.error)}</p>}
        </form>
      )}
    </div>
  );
}
