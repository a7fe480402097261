import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { PATIENT_SEARCH_MIN_CHARS, type PatientHit } from '@frontdesk/shared';
import { ErrorLine } from '../../components/ErrorLine.js';
import { sentenceFor } from '../../lib/errors.js';
import { useTRPC } from '../../lib/trpc.js';

const MATCH_WORDS: Record<PatientHit['match'], string> = { phone: 'phone', id: 'id', dob: 'date of birth', name: 'name', similar: 'similar name' };

/** A search box for patients (any part of the name in any order, a phone in any format, a date of birth or an id) and its ranked results. */
export function PatientSearch({ label, onPick, exclude, selectedId, testId, autoFocus }: { label: string; onPick: (p: PatientHit) => void; exclude?: string; selectedId?: string | null; testId: string; autoFocus?: boolean }) {
  const trpc = useTRPC();
  const [query, setQuery] = useState('');
  const [debounced, setDebounced] = useState('');
  useEffect(() => {
    const t = setTimeout(() => setDebounced(query.trim()), 200);
    return () => clearTimeout(t);
  }, [query]);
  const results = useQuery({ ...trpc.patients.search.queryOptions({ query: debounced, limit: 20 }), enabled: debounced.length >= PATIENT_SEARCH_MIN_CHARS });
  const hits = (results.data ?? []).filter((h) => h.id !== exclude);
  return (
    <div className="patient-search">
      <label className="form-field">
        <span>{label}</span>
        <input
          data-testid={testId}
          type="search"
          autoFocus={autoFocus}
          placeholder="Name, phone, date of birth or id"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && hits[0]) {
              e.preventDefault();
              onPick(hits[0]);
            }
          }}
        />
      </label>
      {results.isError && <ErrorLine message={sentenceFor(results.error)} />}
      {results.data && (
        <ul className="patient-hits" data-testid={`${testId}-results`} data-query={debounced} aria-busy={results.isFetching}>
          {hits.map((h) => (
            <li key={h.id}>
              <button className={h.id === selectedId ? 'on' : ''} data-testid={`${testId}-hit`} onClick={() => onPick(h)}>
                <strong>{h.name}</strong>
                <span className="muted"> {h.phone}</span>
                {h.dateOfBirth && <span className="muted"> · {h.dateOfBirth}</span>}
                {h.alerts.length > 0 && <span className="patient-alert-dot" title={h.alerts.join(', ')}> ⚠ {h.alerts.length}</span>}
                <span className="patient-match"> by {MATCH_WORDS[h.match]}</span>
              </button>
            </li>
          ))}
          {hits.length === 0 && <li className="muted">No patient matches “{debounced}”.</li>}
        </ul>
      )}
    </div>
  );
}
