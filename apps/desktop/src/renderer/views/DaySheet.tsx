import { useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useOnline } from '../lib/connection.js';
import { sentenceFor } from '../lib/errors.js';
import { clock, instantAt, prettyDate, useTimeFormat } from '../lib/time.js';
import { useTRPC } from '../lib/trpc.js';
import type { Branch } from '../lib/types.js';
import { sheetRows, toCsv } from './day-sheet-rows.js';
import { useSettledMutation } from './setup/affected.js';

/** The manager's sheet: every appointment of the day, print, CSV, and blocking time. */
export function DaySheet({ branch, date }: { branch: Branch; date: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const online = useOnline();
  const day = useQuery(trpc.availability.day.queryOptions({ branchId: branch.id, date })).data;
  const [resourceId, setResourceId] = useState('');
  const [from, setFrom] = useState('12:00');
  const [to, setTo] = useState('13:00');
  const [kind, setKind] = useState<'LEAVE' | 'HOLIDAY' | 'BLOCKED'>('BLOCKED');
  const [reason, setReason] = useState('');
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.availability.day.pathKey() });
  // Time off over bookings asks what to do with them (keep, cancel, move) before anything changes.
  const addTimeOff = useSettledMutation(trpc.schedule.addTimeOff.mutationOptions({ onSuccess: refresh }));
  const removeTimeOff = useMutation(trpc.schedule.removeTimeOff.mutationOptions({ onSuccess: refresh }));
  const [showLapsedHolds, setShowLapsedHolds] = useState(false);
  // The rows write times in the clinic's clock: a change of it redraws them.
  const format = useTimeFormat();
  const table = useMemo(() => (day ? sheetRows(day, showLapsedHolds) : []), [day, showLapsedHolds, format]);

  if (!day) return <div className="empty">Loading the day sheet…</div>;
  const minuteOf = (hm: string) => Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3, 5));

  const print = () => {
    if (window.frontdesk) void window.frontdesk.printDaySheet();
    else window.print();
  };
  const exportCsv = () => {
    const blob = new Blob([toCsv(day, showLapsedHolds)], { type: 'text/csv;charset=utf-8' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `day-sheet-${branch.name.replace(/[^A-Za-z0-9]+/g, ' ').trim().replace(/ /g, '-').toLowerCase()}-${date}.csv`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  };

  return (
    <div className="daysheet" data-testid="day-sheet">
      <div className="sheet-head">
        <div>
          <h2>Day sheet — {day.branchName}</h2>
          <p className="muted">
            {prettyDate(date)} · times in {day.timeZone} · {table.length} appointments
          </p>
        </div>
        <div className="noprint actions">
          <label className="small">
            <input type="checkbox" data-testid="show-lapsed-holds" checked={showLapsedHolds} onChange={(e) => setShowLapsedHolds(e.target.checked)} /> Show released and expired holds
          </label>
          <button data-testid="print-day-sheet" onClick={print}>
            Print
          </button>
          <button data-testid="export-csv" onClick={exportCsv}>
            Export CSV
          </button>
        </div>
      </div>
      <table className="sheet" data-testid="day-sheet-table">
        <thead>
          <tr>
            <th>Time</th>
            <th>Practitioner / room</th>
            <th>Patient</th>
            <th>Service</th>
            <th>Status</th>
            <th>Note</th>
          </tr>
        </thead>
        <tbody>
          {table.map((r) => (
            <tr key={r.id} data-testid={`sheet-row-${r.id}`} className={`s-${r.status.toLowerCase()}`}>
              <td>
                {r.start}–{r.end}
              </td>
              <td>{r.with}</td>
              <td>
                {r.patient} <span className="muted">{r.phone}</span>
              </td>
              <td>{r.service}</td>
              <td>
                {r.status.replace('_', ' ').toLowerCase()}
                {r.kept && (
                  <span className="kept-badge" data-testid="kept-outside-hours" title="Kept on purpose when the hours changed: outside the working hours now.">
                    kept outside hours
                  </span>
                )}
              </td>
              <td>{r.note}</td>
            </tr>
          ))}
          {table.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                Nothing booked.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <section className="noprint timeoff-editor" data-testid="time-off">
        <h3>Blocked time</h3>
        <ul>
          {day.timeOff.map((t) => (
            <li key={t.id}>
              {clock(t.startsAt, day.timeZone)}–{clock(t.endsAt, day.timeZone)} · {t.resourceId ? day.resources.find((r) => r.id === t.resourceId)?.name : 'whole branch'} · {t.kind.toLowerCase()}{' '}
              {t.reason && <span className="muted">“{t.reason}”</span>}{' '}
              <button className="link" disabled={!online || removeTimeOff.isPending} onClick={() => removeTimeOff.mutate({ timeOffId: t.id })}>
                remove
              </button>
            </li>
          ))}
          {day.timeOff.length === 0 && <li className="muted">None on this day.</li>}
        </ul>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            addTimeOff.mutate({
              branchId: day.branchId,
              resourceId: resourceId || undefined,
              kind,
              startsAt: instantAt(date, minuteOf(from), day.timeZone),
              endsAt: instantAt(date, minuteOf(to), day.timeZone),
              reason,
            });
          }}
        >
          <select data-testid="timeoff-resource" aria-label="Whose time" value={resourceId} onChange={(e) => setResourceId(e.target.value)}>
            <option value="">Whole branch</option>
            {day.resources.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
          <input data-testid="timeoff-from" aria-label="From" type="time" step={900} value={from} onChange={(e) => setFrom(e.target.value)} />
          <input data-testid="timeoff-to" aria-label="To" type="time" step={900} value={to} onChange={(e) => setTo(e.target.value)} />
          <select aria-label="Kind of time off" value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
            <option value="BLOCKED">Blocked</option>
            <option value="LEAVE">Leave</option>
            <option value="HOLIDAY">Holiday</option>
          </select>
          <input data-testid="timeoff-reason" aria-label="Reason" placeholder="Reason" value={reason} onChange={(e) => setReason(e.target.value)} />
          <button data-testid="timeoff-add" disabled={!online || addTimeOff.isPending}>
            Block time
          </button>
        </form>
        {(addTimeOff.error ?? removeTimeOff.error) && <p className="error">{sentenceFor(addTimeOff.error ?? removeTimeOff.error)}</p>}
        {addTimeOff.data && <p className="notice" role="status" data-testid="timeoff-settled">{settledWords(addTimeOff.data.settled)}</p>}
        {addTimeOff.dialog}
      </section>
    </div>
  );
}

/** What became of the appointments in the blocked time, in a sentence. */
function settledWords(s: { kept: string[]; cancelled: string[]; moved: string[]; released: string[] }): string {
  const many = (n: number, one: string, more: string) => (n === 0 ? null : n === 1 ? one : `${n} ${more}`);
  const parts = [
    many(s.moved.length, '1 appointment moved', 'appointments moved'),
    many(s.cancelled.length, '1 appointment cancelled', 'appointments cancelled'),
    many(s.kept.length, '1 appointment kept as an exception', 'appointments kept as exceptions'),
    many(s.released.length, '1 hold let go', 'holds let go'),
  ].filter(Boolean);
  return parts.length === 0 ? 'Time blocked.' : `Time blocked; ${parts.join(', ')}.`;
}
