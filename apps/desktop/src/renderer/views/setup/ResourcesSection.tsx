import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { RESOURCE_KINDS, type ResourceKind, type ResourceSetupView } from '@frontdesk/shared';
import { ErrorLine } from '../../components/ErrorLine.js';
import { formRefusal } from '../../lib/form-errors.js';
import { useTRPC } from '../../lib/trpc.js';
import { KIND_WORDS, ResourceForm } from './resources/ResourceForm.js';
import { useResourceCommands } from './resources/use-resource-commands.js';
import type { SetupSectionProps } from './sections.js';

type Open = { kind: 'none' } | { kind: 'new' } | { kind: 'edit'; resource: ResourceSetupView };

/**
 * Practitioners, rooms, chairs and devices: what they are, what they can do
 * (tags), where they work, their colour on the day grid, and whether they are
 * in use. An inactive one is offered for nothing and has no column.
 */
export function ResourcesSection({ branch }: SetupSectionProps) {
  const trpc = useTRPC();
  const resources = useQuery(trpc.setup.resources.list.queryOptions());
  const branches = useQuery(trpc.setup.branches.list.queryOptions());
  const commands = useResourceCommands();
  const [open, setOpen] = useState<Open>({ kind: 'none' });
  const [kindFilter, setKindFilter] = useState<ResourceKind | 'ALL'>('ALL');
  const [showInactive, setShowInactive] = useState(true);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);
  const branchName = (id: string) => branches.data?.find((b) => b.id === id)?.name ?? 'another branch';
  const shown = (resources.data ?? []).filter((r) => (kindFilter === 'ALL' || r.kind === kindFilter) && (showInactive || r.active));

  const setActive = (r: ResourceSetupView, active: boolean) => {
    setRowError(null);
    setConfirming(null);
    commands.setActive.mutate({ resourceId: r.id, active }, { onError: (error) => setRowError(`${r.name}: ${formRefusal(error).message}`) });
  };

  return (
    <div className="resources-section">
      <h2>Resources</h2>
      <p className="muted">Everyone and everything a booking needs: practitioners, rooms, chairs and devices. Tags say which services each can do.</p>

      <div className="setup-bar">
        <button type="button" className="primary setup-inline" data-testid="resource-new" onClick={() => setOpen({ kind: 'new' })} disabled={open.kind === 'new'}>
          New resource
        </button>
        <label>
          Show{' '}
          <select data-testid="resource-kind-filter" value={kindFilter} onChange={(e) => setKindFilter(e.target.value as ResourceKind | 'ALL')}>
            <option value="ALL">every kind</option>
            {RESOURCE_KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_WORDS[k].toLowerCase()}s
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input type="checkbox" data-testid="resource-show-inactive" checked={showInactive} onChange={(e) => setShowInactive(e.target.checked)} />
          Show inactive
        </label>
      </div>

      {open.kind !== 'none' && branches.data && (
        <ResourceForm
          key={open.kind === 'edit' ? open.resource.id : 'new'}
          editing={open.kind === 'edit' ? open.resource : null}
          branches={branches.data}
          defaultBranchId={branch.id}
          commands={commands}
          onSaved={() => setOpen({ kind: 'none' })}
          onCancel={() => setOpen({ kind: 'none' })}
        />
      )}

      {commands.setBranches.dialog}
      {commands.setActive.dialog}
      <ErrorLine message={rowError} testId="resource-row-error" />
      {resources.isError && <p className="error">Could not load the resources. {formRefusal(resources.error).message}</p>}
      <table data-testid="resource-list">
        <thead>
          <tr>
            <th aria-label="Colour" />
            <th>Name</th>
            <th>Kind</th>
            <th>Branches</th>
            <th>Tags</th>
            <th>Status</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr key={r.id} data-testid="resource-row" data-name={r.name} className={r.active ? undefined : 'muted'}>
              <td>
                <span className="swatch" style={{ background: r.colour || 'transparent' }} title={r.colour || 'No colour'} data-testid="resource-swatch" />
              </td>
              <td>{r.name}</td>
              <td>{KIND_WORDS[r.kind]}</td>
              <td className="small">{r.branchIds.map(branchName).join(', ')}</td>
              <td>
                <span className="setup-tags">
                  {r.tags.map((t) => (
                    <span key={t} className="setup-tag">
                      {t}
                    </span>
                  ))}
                </span>
              </td>
              <td>
                <span className={`setup-status ${r.active ? 'on' : 'off'}`} data-testid="resource-status">
                  {r.active ? 'Active' : 'Inactive'}
                </span>
              </td>
              <td className="setup-row-actions">
                {confirming === r.id ? (
                  <span className="setup-confirm" role="group" aria-label={`Deactivate ${r.name}?`}>
                    <span className="small">Deactivate? Their appointments from now on are shown to settle first.</span>
                    <button type="button" className="danger" data-testid="resource-deactivate-confirm" onClick={() => setActive(r, false)}>
                      Deactivate
                    </button>
                    <button type="button" onClick={() => setConfirming(null)}>
                      Keep
                    </button>
                  </span>
                ) : (
                  <>
                    <button type="button" className="link" data-testid="resource-edit" onClick={() => setOpen({ kind: 'edit', resource: r })}>
                      Edit
                    </button>
                    {r.active ? (
                      <button type="button" className="link danger-text" data-testid="resource-deactivate" onClick={() => setConfirming(r.id)}>
                        Deactivate
                      </button>
                    ) : (
                      <button type="button" className="link" data-testid="resource-activate" onClick={() => setActive(r, true)}>
                        Activate
                      </button>
                    )}
                  </>
                )}
              </td>
            </tr>
          ))}
          {resources.data && shown.length === 0 && (
            <tr>
              <td colSpan={7} className="muted">
                Nothing to show yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
