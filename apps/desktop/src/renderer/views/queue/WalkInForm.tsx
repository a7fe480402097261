import { useState, type FormEvent } from 'react';
import type { UseMutationResult } from '@tanstack/react-query';
import type { PatientSummary, QueueTokenView, QueueView } from '@frontdesk/shared';
import { ErrorLine } from '../../components/ErrorLine.js';
import { PatientPicker } from '../../components/PatientPicker.js';
import { useOnline } from '../../lib/connection.js';
import { sentenceFor } from '../../lib/errors.js';

type Mutation<I> = UseMutationResult<{ queue: QueueView }, unknown, I>;

/** A token for a walk-in by name only, and later the patient record attached to it. */
export function WalkInForm({
  sessionId,
  walkIn,
  attach,
  queue,
}: {
  sessionId: string;
  walkIn: Mutation<{ sessionId: string; name: string }>;
  attach: Mutation<{ tokenId: string; patientId: string }>;
  queue: QueueView;
}) {
  const online = useOnline();
  const [name, setName] = useState('');
  const [completing, setCompleting] = useState<QueueTokenView | null>(null);
  const unregistered = [...queue.nowServing, ...queue.waiting, ...queue.skipped].filter((t) => t.walkIn);
  const given = walkIn.data && 'token' in walkIn.data ? (walkIn.data as { token: { number: number } }).token.number : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    walkIn.mutate({ sessionId, name }, { onSuccess: () => setName('') });
  };
  const choose = (p: PatientSummary | null) => {
    if (p && completing) attach.mutate({ tokenId: completing.id, patientId: p.id }, { onSuccess: () => setCompleting(null) });
  };

  return (
    <div className="queue-walkin">
      <form onSubmit={submit} className="queue-walkin-form">
        <label>
          Walk-in's name (not registered yet)
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={120} data-testid="walkin-name" />
        </label>
        <button type="submit" disabled={!online || walkIn.isPending} data-testid="walkin-issue">
          Give token
        </button>
      </form>
      <ErrorLine message={walkIn.error ? sentenceFor(walkIn.error) : null} testId="walkin-error" />
      {given !== null && (
        <p className="token" data-testid="walkin-token">
          Token <strong>{given}</strong>
        </p>
      )}
      {unregistered.length > 0 && (
        <div>
          <h4>Walk-ins to register</h4>
          <ul data-testid="walkins-unregistered">
            {unregistered.map((t) => (
              <li key={t.id}>
                <strong>{t.number}</strong> {t.name}{' '}
                <button className="link" disabled={!online} onClick={() => setCompleting(t)} data-testid={`walkin-complete-${t.number}`}>
                  Find or create record
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {completing && (
        <div data-testid="walkin-attach">
          <p>
            Record for token <strong>{completing.number}</strong> ({completing.name}):
          </p>
          <PatientPicker value={null} onChange={choose} disabled={!online || attach.isPending} />
          <button className="link" onClick={() => setCompleting(null)}>
            cancel
          </button>
        </div>
      )}
      <ErrorLine message={attach.error ? sentenceFor(attach.error) : null} testId="walkin-attach-error" />
    </div>
  );
}
