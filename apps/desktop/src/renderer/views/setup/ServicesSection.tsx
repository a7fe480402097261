import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { roleMay } from '@frontdesk/shared';
import { ErrorLine } from '../../components/ErrorLine.js';
import { formRefusal } from '../../lib/form-errors.js';
import { useSession } from '../../lib/session.js';
import { useTRPC } from '../../lib/trpc.js';
import type { SetupSectionProps } from './sections.js';
import { BranchPrice } from './services/BranchPrice.js';
import { ServiceForm } from './services/ServiceForm.js';
import { branchPrices, buffersWords, needsWords, practitionersWords } from './services/service-words.js';
import { useServiceCommands, type SetupService } from './services/use-service-commands.js';

type Open = { kind: 'none' } | { kind: 'new' } | { kind: 'edit'; service: SetupService };

/**
 * The clinic's services: how long each takes, what it needs (a dentist and
 * a chair), who offers it and at what length, what it costs at each branch,
 * and whether it is offered. Inactive ones stay listed, to be offered again.
 * A branch manager sees them and sets the price at his own branches.
 */
export function ServicesSection(_props: SetupSectionProps) {
  const trpc = useTRPC();
  const session = useSession()!;
  const admin = roleMay(session.staff.role, 'organisation.manage');
  const services = useQuery(trpc.setup.services.list.queryOptions());
  const branches = useQuery(trpc.catalog.branches.queryOptions());
  const resources = useQuery(trpc.catalog.resources.queryOptions({}));
  const commands = useServiceCommands();
  const [open, setOpen] = useState<Open>({ kind: 'none' });
  const [notice, setNotice] = useState<string | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);

  const setActive = (s: SetupService, active: boolean) => {
    setRowError(null);
    setNotice(null);
    const done = { onSuccess: () => setNotice(active ? `${s.name} is offered again.` : `${s.name} is no longer offered.`), onError: (e: unknown) => setRowError(`${s.name}: ${formRefusal(e).message}`) };
    if (active) commands.activate.mutate({ serviceId: s.id }, done);
    else commands.deactivate.mutate({ serviceId: s.id }, done);
  };

  return (
    <div className="services-section">
      <h2>Services</h2>
      <p className="muted">
        What the clinic books: its length and buffers, the resources it needs at once, who offers it (and at what length, where theirs differs), and its price at each branch.
      </p>
      {notice && (
        <div className="setup-notice" role="status" data-testid="service-notice">
          {notice}
        </div>
      )}
      {admin ? (
        <div className="setup-toolbar">
          <button type="button" className="primary inline" data-testid="service-new" disabled={open.kind === 'new'} onClick={() => setOpen({ kind: 'new' })}>
            New service
          </button>
        </div>
      ) : (
        <p className="muted small">Prices at your branches are yours to set; the rest is the administrator's.</p>
      )}

      {admin && open.kind !== 'none' && branches.data && (
        <ServiceForm
          key={open.kind === 'edit' ? open.service.id : 'new'}
          editing={open.kind === 'edit' ? open.service : null}
          branches={branches.data}
          resources={resources.data ?? []}
          commands={commands}
          onSaved={(message) => {
            setOpen({ kind: 'none' });
            setNotice(message);
          }}
          onCancel={() => setOpen({ kind: 'none' })}
        />
      )}

      {commands.update.dialog}
      {commands.deactivate.dialog}
      <ErrorLine message={rowError} testId="service-row-error" />
      {services.isError && <p className="error">Could not load the services. {formRefusal(services.error).message}</p>}
      <table data-testid="service-list">
        <thead>
          <tr>
            <th>Service</th>
            <th>Length</th>
            <th>Buffers</th>
            <th>Needs</th>
            <th>Offered by</th>
            <th>Price</th>
            <th>Status</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {services.data?.map((s) => (
            <tr key={s.id} data-testid="service-row" data-name={s.name} className={s.active ? undefined : 'muted'}>
              <td>
                <span className="swatch" style={s.colour ? { background: s.colour } : { visibility: 'hidden' }} aria-hidden="true" />
                {s.name}
              </td>
              <td>{s.durationMin} min</td>
              <td className="small">{buffersWords(s.bufferBeforeMin, s.bufferAfterMin)}</td>
              <td className="small" data-testid="service-needs-cell">
                {needsWords(s.requirements)}
              </td>
              <td className="small" data-testid="service-practitioners-cell">
                {practitionersWords(s.practitioners)}
              </td>
              <td className="small service-price-cell" data-testid="service-price-cell">
                {branchPrices(s.basePriceCents, s.prices, branches.data ?? []).map((p) => (
                  <BranchPrice key={p.branchId} serviceId={s.id} serviceName={s.name} branch={p} editable={!admin && s.active} />
                ))}
              </td>
              <td data-testid="service-status">{s.active ? <span className="status-tag on">Offered</span> : <span className="status-tag off">Not offered</span>}</td>
              <td className="row-actions">
                {admin && (
                  <>
                    <button type="button" className="link" data-testid="service-edit" onClick={() => setOpen({ kind: 'edit', service: s })}>
                      Edit
                    </button>
                    {s.active ? (
                      <button type="button" className="link danger-text" data-testid="service-deactivate" onClick={() => setActive(s, false)}>
                        Stop offering
                      </button>
                    ) : (
                      <button type="button" className="link" data-testid="service-activate" onClick={() => setActive(s, true)}>
                        Offer again
                      </button>
                    )}
                  </>
                )}
              </td>
            </tr>
          ))}
          {services.data?.length === 0 && (
            <tr>
              <td colSpan={8} className="muted">
                No services yet. Add the first with “New service”.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
