import type { KeyboardEvent } from 'react';
import type { QueueTokenView } from '@frontdesk/shared';
import { ErrorLine } from '../../components/ErrorLine.js';
import { useOnline } from '../../lib/connection.js';
import { sentenceFor } from '../../lib/errors.js';
import { useCounter, useQueue } from './use-queue.js';
import { WalkInForm } from './WalkInForm.js';

const typing = (target: EventTarget) => target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;

/** Calls the queue of one session: now serving big, call next / recall / skip / served, keys N R S D. */
export function QueuePanel({ sessionId }: { sessionId: string }) {
  const online = useOnline();
  const [counter, setCounter] = useCounter();
  const q = useQueue(sessionId);
  const view = q.queue.data;
  // This desk's token is the one called to its counter; else the latest call anywhere.
  const mine = view?.nowServing.find((t) => t.counter === counter) ?? null;
  const disabled = !online || q.busy || !counter.trim();

  const next = () => q.callNext.mutate({ sessionId, counter: counter.trim() });
  const recall = (t: QueueTokenView | null) => t && q.recall.mutate({ tokenId: t.id, counter: counter.trim() });
  const skip = (t: QueueTokenView | null, to: 'back' | 'out') => t && q.skip.mutate({ tokenId: t.id, to });
  const served = (t: QueueTokenView | null) => t && q.served.mutate({ tokenId: t.id });

  const onKeyDown = (e: KeyboardEvent) => {
    if (typing(e.target) || e.ctrlKey || e.metaKey || e.altKey || disabled) return;
    const key = e.key.toLowerCase();
    const act = { n: next, r: () => recall(mine), s: () => skip(mine, 'back'), d: () => served(mine) }[key];
    if (act) {
      e.preventDefault();
      act();
    }
  };

  if (!view) return <p className="muted">{q.queue.isError ? sentenceFor(q.queue.error) : 'Loading the queue…'}</p>;
  return (
    <section className="queue" data-testid="queue-panel" data-own-keys="nrsd" onKeyDown={onKeyDown} aria-label={`Queue of ${view.name}`}>
      <label className="queue-counter">
        Calling to
        <input value={counter} onChange={(e) => setCounter(e.target.value)} maxLength={40} data-testid="queue-counter" />
      </label>
      <div className="queue-now" aria-live="polite">
        <span className="muted">Now serving{mine ? ` at ${mine.counter}` : ''}</span>
        <strong data-testid="queue-now-serving">{mine?.number ?? '—'}</strong>
        {mine && <span data-testid="queue-now-name">{mine.name || 'Walk-in'}</span>}
      </div>
      <div className="queue-actions">
        <button className="primary" onClick={next} disabled={disabled} data-testid="queue-call-next" aria-keyshortcuts="N">
          Call next <kbd>N</kbd>
        </button>
        <button onClick={() => recall(mine)} disabled={disabled || !mine} data-testid="queue-recall" aria-keyshortcuts="R">
          Recall <kbd>R</kbd>
        </button>
        <button onClick={() => skip(mine, 'back')} disabled={disabled || !mine} data-testid="queue-skip" aria-keyshortcuts="S">
          Skip to back <kbd>S</kbd>
        </button>
        <button onClick={() => skip(mine, 'out')} disabled={disabled || !mine} data-testid="queue-skip-out">
          Skip out
        </button>
        <button onClick={() => served(mine)} disabled={disabled || !mine} data-testid="queue-served" aria-keyshortcuts="D">
          Served <kbd>D</kbd>
        </button>
      </div>
      <ErrorLine message={q.error} testId="queue-error" />
      {q.callNext.data && q.callNext.data.called === null && <p className="muted">Nobody is waiting.</p>}
      <div className="queue-lists">
        <div>
          <h4>At other counters</h4>
          <ul data-testid="queue-others">
            {view.nowServing.filter((t) => t !== mine).map((t) => (
              <li key={t.id}>
                <strong>{t.number}</strong> {t.counter}
              </li>
            ))}
            {view.nowServing.filter((t) => t !== mine).length === 0 && <li className="muted">None</li>}
          </ul>
        </div>
        <div>
          <h4>Waiting ({view.waiting.length})</h4>
          <ol data-testid="queue-waiting">
            {view.waiting.slice(0, 8).map((t) => (
              <li key={t.id}>
                <strong>{t.number}</strong> {t.name} {t.walkIn && <span className="badge">walk-in</span>}
              </li>
            ))}
          </ol>
        </div>
        {view.skipped.length > 0 && (
          <div>
            <h4>Skipped</h4>
            <ul data-testid="queue-skipped">
              {view.skipped.map((t) => (
                <li key={t.id}>
                  <strong>{t.number}</strong> {t.name}{' '}
                  <button className="link" disabled={disabled} onClick={() => recall(t)}>
                    Call again
                  </button>
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
      <p className="muted small">
        Served {view.served} · issued {view.issued}/{view.capacity}
      </p>
      <WalkInForm sessionId={sessionId} walkIn={q.walkIn} attach={q.attach} queue={view} />
    </section>
  );
}
