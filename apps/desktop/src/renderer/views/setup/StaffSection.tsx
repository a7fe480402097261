import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { StaffAccountView } from '@frontdesk/shared';
import { ErrorLine } from '../../components/ErrorLine.js';
import { formRefusal } from '../../lib/form-errors.js';
import { useSession } from '../../lib/session.js';
import { useTRPC } from '../../lib/trpc.js';
import type { SetupSectionProps } from './sections.js';
import { ResetPasswordForm } from './staff/ResetPasswordForm.js';
import { ROLE_WORDS, rolesGivenBy, worksEverywhere } from './staff/roles.js';
import { StaffForm } from './staff/StaffForm.js';
import { useStaffCommands } from './staff/use-staff-commands.js';

type Open = { kind: 'none' } | { kind: 'new' } | { kind: 'edit'; staff: StaffAccountView } | { kind: 'reset'; staff: StaffAccountView };

/** A temporary password just made, shown once to the person who made it. */
interface Issued {
  name: string;
  password: string;
}

/**
 * The clinic's staff accounts: who, which role, which branches, whether they
 * can sign in. New accounts and reset passwords get a temporary password,
 * shown here once, changed at the next sign-in. A branch manager manages the
 * receptionists of her own branches.
 */
export function StaffSection({ branch }: SetupSectionProps) {
  const trpc = useTRPC();
  const session = useSession()!;
  const [showDisabled, setShowDisabled] = useState(false);
  const [open, setOpen] = useState<Open>({ kind: 'none' });
  const [issued, setIssued] = useState<Issued | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);
  const staff = useQuery(trpc.admin.staff.list.queryOptions({ includeDisabled: showDisabled }));
  const branches = useQuery(trpc.catalog.branches.queryOptions());
  const commands = useStaffCommands();
  const me = session.staff;
  const roles = rolesGivenBy(me.role);
  const branchName = (id: string) => branches.data?.find((b) => b.id === id)?.name ?? 'another branch';

  // What the server allows too: an admin anyone, a manager the receptionists of her branches.
  const manageable = (s: StaffAccountView) => me.role === 'ADMIN' || (s.role === 'RECEPTIONIST' && s.branchIds.every((b) => me.branchIds.includes(b)));

  const showIssued = (account: StaffAccountView, password: string) => {
    setIssued({ name: account.name, password });
    setOpen({ kind: 'none' });
  };

  const setDisabled = (s: StaffAccountView, disabled: boolean) => {
    setRowError(null);
    const onError = (error: unknown) => setRowError(`${s.name}: ${formRefusal(error).message}`);
    if (disabled) commands.disable.mutate({ staffId: s.id, disabled: true }, { onError });
    else commands.enable.mutate({ staffId: s.id }, { onError });
  };

  return (
    <div className="staff-section">
      <h2>Staff</h2>
      <p className="muted">
        Everyone who signs in to Frontdesk. A new account, or a reset password, gets a temporary password shown here once; they choose their own at their next sign-in.
      </p>

      {issued && (
        <div className="setup-notice" role="status" data-testid="staff-temp-password-notice">
          <div>
            Temporary password for <strong>{issued.name}</strong>: <code data-testid="staff-temp-password">{issued.password}</code>
          </div>
          <div className="muted small">Give it to them now: it is not shown again.</div>
          <div className="setup-notice-actions">
            <button type="button" onClick={() => void navigator.clipboard?.writeText(issued.password).catch(() => undefined)}>
              Copy
            </button>
            <button type="button" onClick={() => setIssued(null)} data-testid="staff-temp-password-done">
              Done
            </button>
          </div>
        </div>
      )}

      <div className="setup-toolbar">
        <button type="button" className="primary inline" data-testid="staff-new" onClick={() => setOpen({ kind: 'new' })} disabled={open.kind === 'new'}>
          New staff member
        </button>
        <label className="check">
          <input type="checkbox" data-testid="staff-show-disabled" checked={showDisabled} onChange={(e) => setShowDisabled(e.target.checked)} />
          Show disabled accounts
        </label>
      </div>

      {(open.kind === 'new' || open.kind === 'edit') && branches.data && (
        <StaffForm
          key={open.kind === 'edit' ? open.staff.id : 'new'}
          editing={open.kind === 'edit' ? open.staff : null}
          branches={branches.data}
          roles={roles}
          self={open.kind === 'edit' && open.staff.id === me.id}
          defaultBranchId={branch.id}
          commands={commands}
          onInvited={showIssued}
          onSaved={() => setOpen({ kind: 'none' })}
          onCancel={() => setOpen({ kind: 'none' })}
        />
      )}
      {open.kind === 'reset' && (
        <ResetPasswordForm key={open.staff.id} staff={open.staff} commands={commands} onReset={showIssued} onCancel={() => setOpen({ kind: 'none' })} />
      )}

      <ErrorLine message={rowError} testId="staff-row-error" />
      {staff.isError && <p className="error">Could not load the staff list. {formRefusal(staff.error).message}</p>}
      <table data-testid="staff-list">
        <thead>
          <tr>
            <th>Name</th>
            <th>Email</th>
            <th>Role</th>
            <th>Branches</th>
            <th>Status</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {staff.data?.map((s) => {
            const mine = manageable(s);
            const self = s.id === me.id;
            return (
              <tr key={s.id} data-testid="staff-row" data-email={s.email} className={s.disabled ? 'muted' : undefined}>
                <td>
                  {s.name}
                  {self && <span className="muted small"> (you)</span>}
                </td>
                <td className="small">{s.email}</td>
                <td>{ROLE_WORDS[s.role]}</td>
                <td className="small">{worksEverywhere(s.role) ? 'All branches' : s.branchIds.map(branchName).join(', ')}</td>
                <td data-testid="staff-status">
                  {s.disabled ? (
                    <span className="status-tag off">Disabled</span>
                  ) : s.mustChangePassword ? (
                    <span className="status-tag pending" title="Signs in with a temporary password and must choose a new one">
                      Temporary password
                    </span>
                  ) : (
                    <span className="status-tag on">Active</span>
                  )}
                </td>
                <td className="row-actions">
                  {mine && (
                    <>
                      <button type="button" className="link" data-testid="staff-edit" onClick={() => setOpen({ kind: 'edit', staff: s })}>
                        Edit
                      </button>
                      {!self && (
                        <button type="button" className="link" data-testid="staff-reset" onClick={() => setOpen({ kind: 'reset', staff: s })}>
                          Reset password
                        </button>
                      )}
                      {!self &&
                        (s.disabled ? (
                          <button type="button" className="link" data-testid="staff-enable" onClick={() => setDisabled(s, false)}>
                            Enable
                          </button>
                        ) : (
                          <button type="button" className="link danger-text" data-testid="staff-disable" onClick={() => setDisabled(s, true)}>
                            Disable
                          </button>
                        ))}
                    </>
                  )}
                </td>
              </tr>
            );
          })}
          {staff.data?.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                No accounts to show.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
