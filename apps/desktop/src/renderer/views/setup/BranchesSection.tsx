import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { roleMay, type BranchSetupView } from '@frontdesk/shared';
import { ErrorLine } from '../../components/ErrorLine.js';
import { formRefusal } from '../../lib/form-errors.js';
import { useSession } from '../../lib/session.js';
import { useTRPC } from '../../lib/trpc.js';
import { BranchForm } from './branches/BranchForm.js';
import { ClosuresPanel } from './branches/ClosuresPanel.js';
import { OpeningHoursForm } from './branches/OpeningHoursForm.js';
import { describeOpeningHours } from './branches/opening-hours-words.js';
import { useBranchCommands } from './branches/use-branch-commands.js';
import type { SetupSectionProps } from './sections.js';

type Open = { kind: 'none' } | { kind: 'new' } | { kind: 'edit'; branch: BranchSetupView };

/**
 * The clinic's branches: details and whether each is open for booking (an
 * admin), opening hours, holidays and closures (an admin, or a manager at
 * their own branches). One branch at a time shows its hours and closures.
 */
export function BranchesSection({ branch: current }: SetupSectionProps) {
  const trpc = useTRPC();
  const session = useSession()!;
  const admin = roleMay(session.staff.role, 'organisation.manage');
  const branches = useQuery(trpc.setup.branches.list.queryOptions());
  const commands = useBranchCommands();
  const [open, setOpen] = useState<Open>({ kind: 'none' });
  const [chosenId, setChosenId] = useState(current.id);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);
  const chosen = branches.data?.find((b) => b.id === chosenId) ?? branches.data?.[0];

  const setActive = (b: BranchSetupView, active: boolean) => {
    setRowError(null);
    setConfirming(null);
    commands.setActive.mutate({ branchId: b.id, active }, { onError: (error) => setRowError(`${b.name}: ${formRefusal(error).message}`) });
  };

  return (
    <div className="branches-section">
      <h2>Branches</h2>
      <p className="muted">Where the clinic sees patients: each branch with its own time zone, opening hours, holidays and closures.</p>

      {admin && (
        <div className="setup-bar">
          <button type="button" className="primary setup-inline" data-testid="branch-new" onClick={() => setOpen({ kind: 'new' })} disabled={open.kind === 'new'}>
            New branch
          </button>
        </div>
      )}
      {open.kind !== 'none' && (
        <BranchForm
          key={open.kind === 'edit' ? open.branch.id : 'new'}
          editing={open.kind === 'edit' ? open.branch : null}
          commands={commands}
          onSaved={(saved) => {
            setOpen({ kind: 'none' });
            setChosenId(saved.id);
          }}
          onCancel={() => setOpen({ kind: 'none' })}
        />
      )}

      <ErrorLine message={rowError} testId="branch-row-error" />
      {branches.isError && <p className="error">Could not load the branches. {formRefusal(branches.error).message}</p>}
      <table data-testid="branch-list">
        <thead>
          <tr>
            <th>Branch</th>
            <th>Time zone</th>
            <th>Opening hours</th>
            <th>Status</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {branches.data?.map((b) => (
            <tr key={b.id} data-testid="branch-row" data-name={b.name} className={`${b.id === chosen?.id ? 'chosen' : ''} ${b.active ? '' : 'muted'}`.trim() || undefined}>
              <td>
                <button type="button" className="link setup-rowname" data-testid="branch-choose" aria-pressed={b.id === chosen?.id} onClick={() => setChosenId(b.id)}>
                  {b.name}
                </button>
                {(b.address || b.phone) && <div className="small muted">{[b.address, b.phone].filter(Boolean).join(' · ')}</div>}
              </td>
              <td className="small">{b.timeZone}</td>
              <td className="small" data-testid="branch-hours-summary">
                {describeOpeningHours(b.openingHours)}
              </td>
              <td>
                <span className={`setup-status ${b.active ? 'on' : 'off'}`} data-testid="branch-status">
                  {b.active ? 'Open for booking' : 'Closed for booking'}
                </span>
              </td>
              <td className="setup-row-actions">
                {admin && confirming === b.id ? (
                  <span className="setup-confirm" role="group" aria-label={`Close ${b.name} for booking?`}>
                    <span className="small">Close for booking? Appointments from now on are shown to settle first.</span>
                    <button type="button" className="danger" data-testid="branch-deactivate-confirm" onClick={() => setActive(b, false)}>
                      Close it
                    </button>
                    <button type="button" onClick={() => setConfirming(null)}>
                      Keep open
                    </button>
                  </span>
                ) : (
                  admin && (
                    <>
                      <button type="button" className="link" data-testid="branch-edit" onClick={() => setOpen({ kind: 'edit', branch: b })}>
                        Edit
                      </button>
                      {b.active ? (
                        <button type="button" className="link danger-text" data-testid="branch-deactivate" onClick={() => setConfirming(b.id)}>
                          Close for booking
                        </button>
                      ) : (
                        <button type="button" className="link" data-testid="branch-activate" onClick={() => setActive(b, true)}>
                          Open for booking
                        </button>
                      )}
                    </>
                  )
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      {commands.setActive.dialog}
      {commands.setOpeningHours.dialog}
      {commands.addClosure.dialog}
      {chosen && (
        <>
          <h3 className="setup-detail-head" data-testid="branch-detail-name">
            {chosen.name}
          </h3>
          <div className="branch-detail">
            <OpeningHoursForm key={`hours-${chosen.id}`} branch={chosen} commands={commands} />
            <ClosuresPanel key={`closures-${chosen.id}`} branch={chosen} commands={commands} />
          </div>
        </>
      )}
    </div>
  );
}
