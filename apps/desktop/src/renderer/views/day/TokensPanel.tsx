import { useState, type RefObject } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { DayView, PatientSummary } from '@frontdesk/shared';
import { ErrorLine } from '../../components/ErrorLine.js';
import { PanelHeader } from '../../components/PanelHeader.js';
import { PatientPicker } from '../../components/PatientPicker.js';
import { useOnline } from '../../lib/connection.js';
import { sentenceFor } from '../../lib/errors.js';
import { newIdempotencyKey } from '../../lib/idempotency.js';
import { timeRange } from '../../lib/time.js';
import { useTRPC } from '../../lib/trpc.js';
import { QueueSection } from '../queue/QueueSection.js';

/** Queue tokens for the day's capacity sessions (walk-in clinics); `searchRef` is its patient search. */
export function TokensPanel({ day, searchRef, onClose }: { day: DayView; searchRef: RefObject<HTMLInputElement | null>; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const online = useOnline();
  const [sessionId, setSessionId] = useState(day.sessions[0]?.id ?? '');
  const [patient, setPatient] = useState<PatientSummary | null>(null);
  const [issued, setIssued] = useState<{ number: number; name: string } | null>(null);
  const issue = useMutation(trpc.booking.issueToken.mutationOptions());

  return (
    <div className="panel" data-testid="tokens-panel">
      <PanelHeader title="Queue tokens" onClose={onClose} />
      {day.sessions.length === 0 && <p className="muted">No capacity sessions at this branch today. Patient search still works below.</p>}
      <ul className="sessions">
        {day.sessions.map((s) => (
          <li key={s.id} className={s.id === sessionId ? 'on' : ''}>
            <label>
              <input type="radio" name="session" checked={s.id === sessionId} onChange={() => setSessionId(s.id)} />
              <strong>{s.name}</strong> <span className="muted">{timeRange(s.startsAt, s.endsAt, day.timeZone)}</span>
            </label>
            <div className="tokenstats" data-testid={`session-${s.id}`}>
              Now serving <strong data-testid="now-serving">{s.nowServing || '—'}</strong> · issued {s.issued}/{s.capacity}
            </div>
          </li>
        ))}
      </ul>
      <PatientPicker ref={searchRef} value={patient} onChange={setPatient} disabled={!online} />
      {day.sessions.length > 0 && (
        <button
          className="primary"
          data-testid="issue-token"
          disabled={!online || !patient || !sessionId || issue.isPending}
          onClick={() =>
            patient &&
            issue.mutate(
              { sessionId, patientId: patient.id, idempotencyKey: newIdempotencyKey('token') },
              {
                onSuccess: (r) => {
                  setIssued({ number: r.token.number, name: patient.name });
                  setPatient(null);
                  void queryClient.invalidateQueries(trpc.availability.day.pathFilter());
                },
              },
            )
          }
        >
          Issue token
        </button>
      )}
      <ErrorLine message={issue.error ? sentenceFor(issue.error) : null} />
      {issued && (
        <div className="token" data-testid="issued-token">
          Token <strong>{issued.number}</strong> for {issued.name}
        </div>
      )}
      <QueueSection day={day} sessionId={sessionId} />
    </div>
  );
}
