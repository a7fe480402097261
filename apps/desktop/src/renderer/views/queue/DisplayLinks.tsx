import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { roleMay } from '@frontdesk/shared';
import { ErrorLine } from '../../components/ErrorLine.js';
import { sentenceFor } from '../../lib/errors.js';
import { useSession } from '../../lib/session.js';
import { useTRPC } from '../../lib/trpc.js';

/** A branch's waiting-room displays (managers and admins): make a link for a TV, revoke one; first names on or off (admin). */
/** The server's address as this desk reaches it (the TV reaches the same server). */
function useServerUrl(): string {
  const [url, setUrl] = useState(location.origin);
  useEffect(() => {
    void window.frontdesk?.getSettings().then((s) => setUrl(s.serverUrl));
  }, []);
  return url;
}

export function DisplayLinks({ branchId }: { branchId: string }) {
  const serverUrl = useServerUrl();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const session = useSession()!;
  const [name, setName] = useState('Waiting room TV');
  const [made, setMade] = useState<string | null>(null);
  const links = useQuery(trpc.queue.displays.queryOptions({ branchId }));
  const refresh = () => queryClient.invalidateQueries(trpc.queue.displays.pathFilter());
  const create = useMutation(trpc.queue.createDisplay.mutationOptions({ onSuccess: (r) => (setMade(`${serverUrl}${r.path}`), void refresh()) }));
  const revoke = useMutation(trpc.queue.revokeDisplay.mutationOptions({ onSuccess: () => void refresh() }));
  const names = useMutation(trpc.queue.setDisplayFirstNames.mutationOptions({ onSuccess: () => void refresh() }));
  const admin = roleMay(session.staff.role, 'organisation.manage');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ branchId, name });
  };
  return (
    <details className="queue-displays" data-testid="display-links">
      <summary>Waiting-room displays</summary>
      <form onSubmit={submit} className="queue-walkin-form">
        <label>
          Display name
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={80} data-testid="display-name" />
        </label>
        <button type="submit" disabled={create.isPending} data-testid="display-create">
          Make display link
        </button>
      </form>
      <ErrorLine message={create.error ? sentenceFor(create.error) : null} />
      {made && (
        <p className="small">
          Open this address on the TV (shown once; keep it private):{' '}
          <input readOnly value={made} aria-label="Display address" data-testid="display-url" onFocus={(e) => e.target.select()} />
        </p>
      )}
      <ul>
        {links.data?.links.map((l) => (
          <li key={l.id}>
            {l.name}{' '}
            <button className="link" onClick={() => revoke.mutate({ linkId: l.id })} disabled={revoke.isPending}>
              revoke
            </button>
          </li>
        ))}
      </ul>
      {admin && links.data && (
        <label className="check">
          <input type="checkbox" checked={links.data.firstNames} onChange={(e) => names.mutate({ on: e.target.checked })} data-testid="display-first-names" /> Show patients' first names on
          displays
        </label>
      )}
    </details>
  );
}
