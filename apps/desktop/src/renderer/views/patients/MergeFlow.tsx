import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { PatientHit, PatientRecord } from '@frontdesk/shared';
import { ErrorLine } from '../../components/ErrorLine.js';
import { formRefusal } from '../../lib/form-errors.js';
import { useTRPC } from '../../lib/trpc.js';
import { PatientSearch } from './PatientSearch.js';

/**
 * Merge two records of one person: find the other record, choose which one
 * stays, confirm. The other's appointments, tokens, phones and alerts move to
 * the one that stays; it remains on file, pointing at it.
 */
export function MergeFlow({ current, onDone }: { current: PatientRecord; onDone: (survivorId: string) => void }) {
  const trpc = useTRPC();
  const queries = useQueryClient();
  const [other, setOther] = useState<PatientHit | null>(null);
  const [survivorId, setSurvivorId] = useState(current.id);
  const merge = useMutation(
    trpc.patients.merge.mutationOptions({
      onSuccess: (result) => {
        void queries.invalidateQueries({ queryKey: trpc.patients.pathKey() });
        void queries.invalidateQueries({ queryKey: trpc.availability.pathKey() });
        onDone(result.survivor.id);
      },
    }),
  );
  const refusal = merge.error ? formRefusal(merge.error) : null;
  const choices = other ? [{ id: current.id, name: current.name, phone: current.phone, dateOfBirth: current.dateOfBirth }, other] : [];
  return (
    <section className="patient-merge setup-card" data-testid="patient-merge-flow" aria-label="Merge a duplicate">
      <h3>Merge a duplicate of {current.name}</h3>
      {!other ? (
        <>
          <p className="muted">Find the other record of the same person.</p>
          <PatientSearch label="Other record" exclude={current.id} onPick={setOther} testId="merge-search" />
        </>
      ) : (
        <fieldset className="merge-choice">
          <legend>Which record stays?</legend>
          {choices.map((c) => (
            <label key={c.id} className="merge-option">
              <input type="radio" name="survivor" value={c.id} checked={survivorId === c.id} onChange={() => setSurvivorId(c.id)} data-testid={`merge-keep-${c.id}`} />
              <span>
                <strong>{c.name}</strong> · {c.phone}
                {c.dateOfBirth ? ` · born ${c.dateOfBirth}` : ''}
                {c.id === current.id ? ' (this record)' : ''}
              </span>
            </label>
          ))}
          <p className="muted">
            The other record's appointments, tokens, phones and alerts move to the one that stays. It stays on file, marked as merged, and is no longer found by search.
          </p>
        </fieldset>
      )}
      <ErrorLine message={refusal?.message} testId="patient-merge-error" />
      <div className="actions">
        {other && (
          <button
            className="primary"
            data-testid="patient-merge-confirm"
            disabled={merge.isPending}
            onClick={() => merge.mutate({ survivorId, duplicateId: survivorId === current.id ? other.id : current.id })}
          >
            Merge into {choices.find((c) => c.id === survivorId)?.name}
          </button>
        )}
        <button onClick={() => onDone(current.id)}>Cancel</button>
      </div>
    </section>
  );
}
