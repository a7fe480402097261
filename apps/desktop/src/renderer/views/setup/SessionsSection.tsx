import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { ErrorLine } from '../../components/ErrorLine.js';
import { formRefusal } from '../../lib/form-errors.js';
import { hhmm, timeRange } from '../../lib/time.js';
import { useTRPC } from '../../lib/trpc.js';
import type { SessionTemplate, SessionTemplateChange } from '../../lib/types.js';
import type { SetupSectionProps } from './sections.js';
import { TemplateForm } from './sessions/TemplateForm.js';
import { useSessionCommands } from './sessions/use-session-commands.js';
import { weekdaysText } from './sessions/weekdays.js';

type Open = { kind: 'none' } | { kind: 'new' } | { kind: 'edit'; template: SessionTemplate };

/** A YYYY-MM-DD date as the desk writes dates (zone-free: it is a calendar day). */
const calendarDate = (date: string) => new Date(`${date}T12:00:00Z`).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** What a change did to the sessions, in plain words. */
function outcome(r: SessionTemplateChange): string[] {
  const t = r.template;
  const lines = [`${t.name} ${t.active ? 'saved' : 'paused'}.`];
  if (r.generated > 0) lines.push(`${r.generated} ${r.generated === 1 ? 'session' : 'sessions'} made ahead.`);
  if (r.removed > 0) lines.push(`${r.removed} future ${r.removed === 1 ? 'session' : 'sessions'} without tokens taken away.`);
  if (r.message) lines.push(r.message);
  return lines;
}

/**
 * Recurring walk-in sessions (OPD, Monday–Friday 09:00–12:00, 30 tokens):
 * the desk's token sessions are made from them weeks ahead, so nobody sets
 * up each day by hand. A session that already has tokens is never taken away.
 */
export function SessionsSection({ branch }: SetupSectionProps) {
  const trpc = useTRPC();
  const branches = useQuery(trpc.catalog.branches.queryOptions());
  const templates = useQuery(trpc.setup.sessions.list.queryOptions({}));
  const commands = useSessionCommands();
  const [open, setOpen] = useState<Open>({ kind: 'none' });
  const [result, setResult] = useState<string[] | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);
  const zoneOf = (branchId: string) => branches.data?.find((b) => b.id === branchId)?.timeZone ?? branch.timeZone;
  const branchName = (branchId: string) => branches.data?.find((b) => b.id === branchId)?.name ?? '';
  const many = (branches.data?.length ?? 0) > 1;

  const saved = (r: SessionTemplateChange) => {
    setResult(outcome(r));
    setOpen({ kind: 'none' });
  };
  const show = (next: Open) => {
    setResult(null);
    setRowError(null);
    setOpen(next);
  };
  const setActive = (t: SessionTemplate, active: boolean) => {
    setRowError(null);
    const on = { onSuccess: saved, onError: (error: unknown) => setRowError(`${t.name}: ${formRefusal(error).message}`) };
    if (active) commands.activate.mutate({ templateId: t.id }, on);
    else commands.deactivate.mutate({ templateId: t.id }, on);
  };
  const day = (iso: string, zone: string) => new Date(iso).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short', timeZone: zone });

  return (
    <div className="sessions-section">
      <h2>Walk-in sessions</h2>
      <p className="muted">
        Recurring token sessions, made ahead for the coming weeks. Changing one brings its future sessions in line; a session that already has tokens stays as it is.
      </p>
      <div className="products-toolbar">
        <button type="button" className="primary inline" data-testid="template-new" onClick={() => show({ kind: 'new' })}>
          New walk-in session
        </button>
      </div>
      {result && (
        <div className="notice sessions-notice" role="status" data-testid="sessions-notice">
          {result.map((line) => (
            <p key={line}>{line}</p>
          ))}
        </div>
      )}
      {(open.kind === 'new' || open.kind === 'edit') && branches.data && (
        <TemplateForm
          key={open.kind === 'edit' ? open.template.id : 'new'}
          editing={open.kind === 'edit' ? open.template : null}
          branches={branches.data}
          defaultBranchId={branch.id}
          commands={commands}
          onSaved={saved}
          onCancel={() => setOpen({ kind: 'none' })}
        />
      )}
      <ErrorLine message={rowError} testId="sessions-row-error" />
      {templates.isError && <p className="error">Could not load the walk-in sessions. {formRefusal(templates.error).message}</p>}
      {templates.data?.length === 0 && <p className="muted">No walk-in sessions yet.</p>}
      {!!templates.data?.length && (
        <table className="sessions-table" data-testid="templates-table">
          <thead>
            <tr>
              <th>Session</th>
              {many && <th>Branch</th>}
              <th>Days</th>
              <th>Time</th>
              <th className="num">Tokens</th>
              <th>Runs</th>
              <th>Next sessions</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {templates.data.map((t) => {
              const zone = zoneOf(t.branchId);
              return (
                <tr key={t.id} data-testid="template-row" data-name={t.name} className={t.active ? undefined : 'muted'}>
                  <td>
                    <strong>{t.name}</strong>
                    {t.resourceName && <div className="small muted">with {t.resourceName}</div>}
                    {!t.active && <span className="products-tag off">Paused</span>}
                  </td>
                  {many && <td className="small">{branchName(t.branchId)}</td>}
                  <td>{weekdaysText(t.weekdays)}</td>
                  <td className="num-left">
                    {hhmm(t.startMinute)}–{t.endMinute === 1440 ? '24:00' : hhmm(t.endMinute)}
                  </td>
                  <td className="num">{t.capacity}</td>
                  <td className="small">{t.validUntil ? `${calendarDate(t.validFrom)} – ${calendarDate(t.validUntil)}` : `from ${calendarDate(t.validFrom)}`}</td>
                  <td className="small" data-testid="template-upcoming">
                    {t.upcoming.length === 0 ? (
                      <span className="muted">none</span>
                    ) : (
                      <ul className="sessions-upcoming">
                        {t.upcoming.slice(0, 3).map((s) => (
                          <li key={s.id}>
                            {day(s.startsAt, zone)} {timeRange(s.startsAt, s.endsAt, zone)}
                            <span className="muted"> · {s.issued}/{s.capacity}</span>
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td className="row-actions">
                    <button type="button" className="link" data-testid="template-edit" onClick={() => show({ kind: 'edit', template: t })}>
                      Edit
                    </button>
                    <button type="button" className="link" data-testid={t.active ? 'template-pause' : 'template-resume'} onClick={() => setActive(t, !t.active)}>
                      {t.active ? 'Pause' : 'Resume'}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
