import { useEffect, useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useOnline } from '../lib/connection.js';
import { sentenceFor } from '../lib/errors.js';
import { clock, instantAt, money, prettyDate, useTimeFormat } from '../lib/time.js';
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
  const summaryQuery = useQuery({ ...trpc.availability.daySummary.queryOptions({ branchId: branch.id, date }), retry: false });
  const summary = summaryQuery.data;
  // Every change that reaches the sheet changes the totals too.
  useEffect(() => {
    if (day) void summaryQuery.refetch();
  }, [day]);
  const [resourceId, setResourceId] = useState('');
  const [firstDay, setFirstDay] = useState(date);
  const [lastDay, setLastDay] = useState(date);
  const [wholeDays, setWholeDays] = useState(false);
  const [blocked, setBlocked] = useState<Settled | null>(null);
  // The block-time form starts on the day being looked at.
  useEffect(() => {
    setFirstDay(date);
    setLastDay(date);
  }, [date]);
  const [from, setFrom] = useState('12:00');
  const [to, setTo] = useState('13:00');
  const [kind, setKind] = useState<'LEAVE' | 'HOLIDAY' | 'BLOCKED'>('BLOCKED');
  const [reason, setReason] = useState('');
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.availability.pathKey() });
  // Time off over bookings asks what to do with them (keep, cancel, move) before anything changes.
  const addTimeOff = useSettledMutation(trpc.schedule.addTimeOff.mutationOptions({ onSuccess: refresh }));
  const removeTimeOff = useMutation(trpc.schedule.removeTimeOff.mutationOptions({ onSuccess: refresh }));
  const [showLapsedHolds, setShowLapsedHolds] = useState(false);
  // The rows write times in the clinic's clock: a change of it redraws them.
  const format = useTimeFormat();
  const table = useMemo(() => (day ? sheetRows(day, showLapsedHolds) : []), [day, showLapsedHolds, format]);
  const groups = useMemo(() => byPractitioner(table), [table]);

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
            {prettyDate(date)} · times in {day.timeZone} · {table.length} {table.length === 1 ? 'appointment' : 'appointments'}
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
        {groups.map((g) => (
        <tbody key={g.name} data-testid={`sheet-group-${g.name}`}>
          <tr className="sheet-group">
            <th colSpan={6} scope="rowgroup">
              {g.name} <span className="muted">· {g.rows.length} {g.rows.length === 1 ? 'appointment' : 'appointments'}</span>
            </th>
          </tr>
          {g.rows.map((r) => (
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
        </tbody>
        ))}
        <tbody>
          {table.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                Nothing booked.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {summary && <SummaryPanel summary={summary} />}
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
            const last = lastDay < firstDay ? firstDay : lastDay;
            const base = { branchId: day.branchId, resourceId: resourceId || undefined, kind, reason };
            // Whole days are one stretch; a window each day is one time off per day, each settled in turn.
            const spans = wholeDays
              ? [{ startsAt: instantAt(firstDay, 0, day.timeZone), endsAt: instantAt(nextDay(last), 0, day.timeZone) }]
              : daysFrom(firstDay, last).map((d) => ({ startsAt: instantAt(d, minuteOf(from), day.timeZone), endsAt: instantAt(d, minuteOf(to), day.timeZone) }));
            let total: Settled = { kept: [], cancelled: [], moved: [], released: [] };
            setBlocked(null);
            const block = (i: number) =>
              addTimeOff.mutate(
                { ...base, ...spans[i]! },
                {
                  onSuccess: (data) => {
                    total = { kept: [...total.kept, ...data.settled.kept], cancelled: [...total.cancelled, ...data.settled.cancelled], moved: [...total.moved, ...data.settled.moved], released: [...total.released, ...data.settled.released] };
                    if (i + 1 < spans.length) block(i + 1);
                    else setBlocked(total);
                  },
                },
              );
            block(0);
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
          <input data-testid="timeoff-first-day" aria-label="First day" type="date" value={firstDay} onChange={(e) => setFirstDay(e.target.value)} />
          <input data-testid="timeoff-last-day" aria-label="Last day" type="date" min={firstDay} value={lastDay} onChange={(e) => setLastDay(e.target.value)} />
          <label className="small">
            <input type="checkbox" data-testid="timeoff-whole-days" checked={wholeDays} onChange={(e) => setWholeDays(e.target.checked)} /> Whole days
          </label>
          <input data-testid="timeoff-from" aria-label="From" type="time" step={900} value={from} disabled={wholeDays} onChange={(e) => setFrom(e.target.value)} />
          <input data-testid="timeoff-to" aria-label="To" type="time" step={900} value={to} disabled={wholeDays} onChange={(e) => setTo(e.target.value)} />
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
        {blocked && <p className="notice" role="status" data-testid="timeoff-settled">{settledWords(blocked)}</p>}
        {addTimeOff.dialog}
      </section>
    </div>
  );
}

type Settled = { kept: string[]; cancelled: string[]; moved: string[]; released: string[] };
type Summary = { totals: Totals; practitioners: { practitionerId: string | null; name: string; totals: Totals }[]; cancelReasons: { reason: string; count: number }[]; productsSold: { productId: string; name: string; quantity: number; revenueCents: number }[] };
type Totals = { booked: number; arrived: number; completed: number; noShows: number; cancelled: number; revenueCents: number };

const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
/** The local dates from first to last, both included (at most a year). */
function daysFrom(first: string, last: string): string[] {
  const out: string[] = [];
  for (let d = first; d <= last && out.length < 366; d = nextDay(d)) out.push(d);
  return out;
}

/** The rows under a heading per practitioner (by name), rows without one last. */
function byPractitioner<R extends { practitioner: string }>(rows: R[]) {
  const groups = new Map<string, R[]>();
  for (const r of rows) {
    const name = r.practitioner || 'No practitioner';
    groups.set(name, [...(groups.get(name) ?? []), r]);
  }
  return [...groups].map(([name, rows]) => ({ name, rows })).sort((a, b) => (a.name === 'No practitioner' ? 1 : b.name === 'No practitioner' ? -1 : a.name.localeCompare(b.name)));
}

/** The day's totals, per practitioner, with cancel reasons and products sold. */
function SummaryPanel({ summary }: { summary: Summary }) {
  const t = summary.totals;
  const cells: [string, string, string][] = [
    ['booked', 'Booked', String(t.booked)],
    ['arrived', 'Arrived', String(t.arrived)],
    ['completed', 'Completed', String(t.completed)],
    ['no-shows', 'No-shows', String(t.noShows)],
    ['cancelled', 'Cancelled', String(t.cancelled)],
    ['revenue', 'Revenue', money(t.revenueCents)],
  ];
  return (
    <section className="sheet-summary" data-testid="day-summary">
      <div className="sheet-totals" data-testid="day-totals">
        {cells.map(([id, label, value]) => (
          <div key={id} className="sheet-total">
            <span className="muted small">{label}</span>
            <strong data-testid={`total-${id}`}>{value}</strong>
          </div>
        ))}
      </div>
      <div className="sheet-summary-lists">
        <div>
          <h3>By practitioner</h3>
          <ul data-testid="practitioner-totals">
            {summary.practitioners.map((p) => (
              <li key={p.practitionerId ?? 'none'}>
                {p.name}: {p.totals.booked + p.totals.arrived + p.totals.completed} kept, {p.totals.noShows} no-show{p.totals.noShows === 1 ? '' : 's'}, {p.totals.cancelled} cancelled · {money(p.totals.revenueCents)}
              </li>
            ))}
            {summary.practitioners.length === 0 && <li className="muted">No appointments.</li>}
          </ul>
        </div>
        <div>
          <h3>Cancel reasons</h3>
          <ul data-testid="cancel-reasons">
            {summary.cancelReasons.map((c) => (
              <li key={c.reason}>
                {c.reason} <span className="muted">× {c.count}</span>
              </li>
            ))}
            {summary.cancelReasons.length === 0 && <li className="muted">No cancellations.</li>}
          </ul>
        </div>
        <div>
          <h3>Products sold</h3>
          <ul data-testid="products-sold">
            {summary.productsSold.map((p) => (
              <li key={p.productId}>
                {p.name} <span className="muted">× {p.quantity} · {money(p.revenueCents)}</span>
              </li>
            ))}
            {summary.productsSold.length === 0 && <li className="muted">None sold.</li>}
          </ul>
        </div>
      </div>
    </section>
  );
}

/** What became of the appointments in the blocked time, in a sentence. */
function settledWords(s: Settled): string {
  const many = (n: number, one: string, more: string) => (n === 0 ? null : n === 1 ? one : `${n} ${more}`);
  const parts = [
    many(s.moved.length, '1 appointment moved', 'appointments moved'),
    many(s.cancelled.length, '1 appointment cancelled', 'appointments cancelled'),
    many(s.kept.length, '1 appointment kept as an exception', 'appointments kept as exceptions'),
    many(s.released.length, '1 hold let go', 'holds let go'),
  ].filter(Boolean);
  return parts.length === 0 ? 'Time blocked.' : `Time blocked; ${parts.join(', ')}.`;
}
