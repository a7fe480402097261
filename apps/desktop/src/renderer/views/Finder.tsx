import { useMemo, useState, type KeyboardEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { slotKey, supportedTimeZones, type FindSlotsInput, type SlotView, type TimeOfDayPreset } from '@frontdesk/shared';
import { useHold } from '../commands/booking.js';
import { ErrorLine } from '../components/ErrorLine.js';
import { ServiceOptions } from '../components/ServiceOptions.js';
import { useOnline } from '../lib/connection.js';
import { myHold, preferredService, rememberMyHold, type Place } from '../lib/desk-memory.js';
import { sentenceFor } from '../lib/errors.js';
import { useShortcuts, type Shortcut } from '../lib/shortcuts.js';
import { clock, instantAt, prettyDate, todayIn } from '../lib/time.js';
import { useTRPC } from '../lib/trpc.js';
import { serviceFits } from './day/service-fit.js';

const PAGE = 20;
const WEEKDAYS: [number, string][] = [[1, 'Mon'], [2, 'Tue'], [3, 'Wed'], [4, 'Thu'], [5, 'Fri'], [6, 'Sat'], [7, 'Sun']];
type TimeChoice = '' | TimeOfDayPreset | 'range';
const minutesOf = (hm: string) => Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3, 5));

/** "EST", "CST", "GMT+5:30": the zone as people read it beside a time. */
function zoneLabel(instant: string, timeZone: string): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' }).formatToParts(new Date(instant)).find((p) => p.type === 'timeZoneName');
  return part?.value ?? timeZone;
}
const localDate = (instant: string, timeZone: string) => new Date(instant).toLocaleDateString('en-CA', { timeZone });

/**
 * The call centre's finder: earliest free for a service across practitioners
 * and branches, narrowed by start date, time of day, weekdays; "show more"
 * pages on; each time in the branch's zone and, when it differs, the caller's.
 */
export function Finder({ defaultBranchId, onHeld }: { defaultBranchId: string; onHeld: (place: Place) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const online = useOnline();
  const services = useQuery(trpc.catalog.services.queryOptions());
  const branches = useQuery(trpc.catalog.branches.queryOptions());
  const resources = useQuery(trpc.catalog.resources.queryOptions({}));
  const deskZone = branches.data?.find((b) => b.id === defaultBranchId)?.timeZone ?? 'UTC';
  const [serviceId, setServiceId] = useState(preferredService);
  const [branchIds, setBranchIds] = useState<string[]>([]);
  const [practitionerIds, setPractitionerIds] = useState<string[]>([]);
  const [startDate, setStartDate] = useState('');
  const [timeChoice, setTimeChoice] = useState<TimeChoice>('');
  const [range, setRange] = useState({ from: '09:00', to: '12:00' });
  const [weekdays, setWeekdays] = useState<number[]>([]);
  const [callerZone, setCallerZone] = useState('');
  const [grouped, setGrouped] = useState(false);
  const [cursor, setCursor] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [now] = useState(() => Math.ceil(Date.now() / 60_000) * 60_000);

  const service = services.data?.find((s) => s.id === serviceId) ?? services.data?.[0];
  const practitioners = useMemo(
    () => (resources.data ?? []).filter((r) => r.kind === 'PRACTITIONER' && !!service && serviceFits(service, r)),
    [resources.data, service],
  );
  const chosenPractitioners = practitionerIds.filter((id) => practitioners.some((p) => p.id === id));
  const from = startDate ? new Date(Math.max(now, Date.parse(instantAt(startDate, 0, deskZone)))).toISOString() : new Date(now).toISOString();
  const rangeOk = timeChoice !== 'range' || minutesOf(range.from) < minutesOf(range.to);
  const query: FindSlotsInput = {
    serviceId: service?.id ?? '',
    branchIds: branchIds.length ? branchIds : undefined,
    practitionerIds: chosenPractitioners.length ? chosenPractitioners : undefined,
    from,
    limit: PAGE,
    timeOfDay: timeChoice === 'range' ? { fromMin: minutesOf(range.from), toMin: minutesOf(range.to) } : timeChoice || undefined,
    weekdays: weekdays.length ? weekdays : undefined,
    group: grouped ? 'earliestPerPractitioner' : undefined,
  };
  const queryKey = JSON.stringify(query);
  const slots = useQuery({ ...trpc.availability.findSlots.queryOptions(query), enabled: !!service && rangeOk });
  // "Show more": later pages for this very search; another search starts again.
  const [more, setMore] = useState<{ key: string; pages: SlotView[][]; done: boolean }>({ key: '', pages: [], done: false });
  const extra = more.key === queryKey ? more : { key: queryKey, pages: [], done: false };
  const [loadingMore, setLoadingMore] = useState(false);
  const list = useMemo(() => [...(slots.data ?? []), ...extra.pages.flat()], [slots.data, extra.pages]);
  const canShowMore = !grouped && slots.isSuccess && (slots.data?.length ?? 0) >= PAGE && !extra.done;

  const showMore = async () => {
    const last = list.at(-1);
    if (!last) return;
    setLoadingMore(true);
    try {
      const seen = list.filter((s) => s.startsAt === last.startsAt).map(slotKey);
      const page = await queryClient.fetchQuery(trpc.availability.findSlots.queryOptions({ ...query, after: { startsAt: last.startsAt, seen } }));
      setMore({ key: queryKey, pages: [...extra.pages, page], done: page.length < PAGE });
      setCursor(list.length);
    } catch (e) {
      setError(sentenceFor(e));
    } finally {
      setLoadingMore(false);
    }
  };

  const hold = useHold();
  const zoneOf = (branchId: string) => branches.data?.find((b) => b.id === branchId)?.timeZone ?? 'UTC';
  const nameOf = (id: string) => resources.data?.find((r) => r.id === id)?.name ?? '';
  const branchName = (id: string) => branches.data?.find((b) => b.id === id)?.name ?? '';
  const reset = () => setCursor(0);

  const take = (slot: SlotView | undefined) => {
    if (!slot || !service || !online) return;
    setError(null);
    // The hold this window was booking (if any) is let go as the new one goes in: the caller chose another time.
    const replacing = myHold();
    hold.run(
      { branchId: slot.branchId, serviceId: service.id, startsAt: slot.startsAt, resourceIds: slot.resourceIds, ...(replacing ? { replacingHoldId: replacing } : {}) },
      {
        onDone: (held) => {
          rememberMyHold(held.id);
          onHeld({ branchId: slot.branchId, date: localDate(slot.startsAt, zoneOf(slot.branchId)) });
        },
        onRefused: (refusal) => {
          // Refused, the server let the old hold go anyway.
          if (replacing) rememberMyHold(null);
          setError(refusal.sentence);
          if (refusal.domain?.code === 'SLOT_TAKEN') void slots.refetch();
        },
      },
    );
  };

  const down = () => setCursor((c) => Math.min(list.length - 1, c + 1));
  const up = () => setCursor((c) => Math.max(0, c - 1));
  const walk: Record<string, () => void> = { ArrowDown: down, j: down, ArrowUp: up, k: up };
  useShortcuts(
    [
      ...Object.entries(walk).map(([key, run]): Shortcut => ({ key, label: 'Pick a slot', run })),
      ...['Enter', 'h'].map((key): Shortcut => ({ key, label: 'Hold it', when: () => !!list[cursor], run: () => take(list[cursor]) })),
      { key: 'm', label: 'Show more', when: () => canShowMore && !loadingMore, run: () => void showMore() },
    ],
    'screen',
  );
  // The service picker leaves its keys to the list, so the desk picks a service and walks the slots without a click.
  const onServiceKey = (e: KeyboardEvent) => {
    const run = walk[e.key];
    if (!run || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    run();
  };
  const toggle = (ids: string[], id: string, on: boolean) => (on ? [...ids, id] : ids.filter((x) => x !== id));
  const zones = useMemo(() => supportedTimeZones(), []);

  const row = (slot: SlotView, i: number) => {
    const tz = zoneOf(slot.branchId);
    const date = localDate(slot.startsAt, tz);
    const caller = callerZone && callerZone !== tz ? callerZone : null;
    const callerDate = caller ? localDate(slot.startsAt, caller) : null;
    return (
      <li key={slotKey(slot)} className={i === cursor ? 'on' : ''} data-testid={`finder-slot-${i}`} data-key={slotKey(slot)} data-starts-at={slot.startsAt} data-zone={tz} onMouseEnter={() => setCursor(i)}>
        <span className="slot-when">
          <span className="slot-time">{clock(slot.startsAt, tz)}</span> <span className="slot-zone" data-testid="finder-slot-zone">{zoneLabel(slot.startsAt, tz)}</span>
          {caller && (
            <span className="slot-caller" data-testid="finder-slot-caller">
              caller {clock(slot.startsAt, caller)} {zoneLabel(slot.startsAt, caller)}
              {callerDate !== date ? ` (${new Date(`${callerDate}T12:00:00Z`).toLocaleDateString(undefined, { weekday: 'short', timeZone: 'UTC' })})` : ''}
            </span>
          )}
        </span>
        <span>{prettyDate(date)}</span>
        <span>{slot.resourceIds.map(nameOf).join(' + ')}</span>
        <span className="muted">{branchName(slot.branchId)}</span>
        <button data-testid={`finder-hold-${i}`} disabled={!online || hold.isPending} onClick={() => take(slot)}>
          Hold
        </button>
      </li>
    );
  };

  return (
    <div className="finder" data-testid="finder">
      <div className="filters">
        <label>
          Service
          <select
            data-testid="finder-service"
            value={service?.id ?? ''}
            onKeyDown={onServiceKey}
            onChange={(e) => {
              setServiceId(e.target.value);
              setPractitionerIds([]);
              reset();
            }}
          >
            <ServiceOptions services={services.data} />
          </select>
        </label>
        <label>
          From
          <input type="date" data-testid="finder-start" aria-label="From" min={todayIn(deskZone)} value={startDate || todayIn(deskZone)} onChange={(e) => { setStartDate(e.target.value); reset(); }} />
        </label>
        <label>
          Time of day
          <select data-testid="finder-time-of-day" aria-label="Time of day" value={timeChoice} onChange={(e) => { setTimeChoice(e.target.value as TimeChoice); reset(); }}>
            <option value="">Any time</option>
            <option value="morning">Morning (before 12:00)</option>
            <option value="afternoon">Afternoon (12:00–17:00)</option>
            <option value="evening">Evening (from 17:00)</option>
            <option value="range">Between…</option>
          </select>
        </label>
        {timeChoice === 'range' && (
          <span className="finder-range">
            <label>
              Starting from
              <input type="time" data-testid="finder-range-from" aria-label="Starting from" value={range.from} onChange={(e) => setRange({ ...range, from: e.target.value })} />
            </label>
            <label>
              Up to
              <input type="time" data-testid="finder-range-to" aria-label="Up to" value={range.to} onChange={(e) => setRange({ ...range, to: e.target.value })} />
            </label>
          </span>
        )}
        <label>
          Caller's time zone
          <select data-testid="finder-caller-zone" aria-label="Caller's time zone" value={callerZone} onChange={(e) => setCallerZone(e.target.value)}>
            <option value="">Same as the branch</option>
            {zones.map((z) => (
              <option key={z} value={z}>
                {z.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </label>
        <fieldset>
          <legend>Weekdays</legend>
          {WEEKDAYS.map(([n, label]) => (
            <label key={n} className="check">
              <input type="checkbox" data-testid={`finder-weekday-${n}`} checked={weekdays.includes(n)} onChange={(e) => { setWeekdays(e.target.checked ? [...weekdays, n].sort() : weekdays.filter((x) => x !== n)); reset(); }} />
              {label}
            </label>
          ))}
          <span className="muted small">{weekdays.length ? '' : 'none ticked = any day'}</span>
        </fieldset>
        <fieldset>
          <legend>Branches</legend>
          {branches.data?.map((b) => (
            <label key={b.id} className="check">
              <input
                type="checkbox"
                data-testid={`finder-branch-${b.id}`}
                checked={branchIds.includes(b.id)}
                onChange={(e) => { setBranchIds(toggle(branchIds, b.id, e.target.checked)); reset(); }}
              />
              {b.name}
              {b.id === defaultBranchId ? ' (this desk)' : ''}
            </label>
          ))}
          <span className="muted small">{branchIds.length ? '' : 'none ticked = all branches'}</span>
        </fieldset>
        <fieldset>
          <legend>Practitioners</legend>
          {practitioners.map((r) => (
            <label key={r.id} className="check">
              <input type="checkbox" data-testid={`finder-practitioner-${r.id}`} checked={chosenPractitioners.includes(r.id)} onChange={(e) => { setPractitionerIds(toggle(chosenPractitioners, r.id, e.target.checked)); reset(); }} />
              {r.name}
            </label>
          ))}
          <span className="muted small">{chosenPractitioners.length ? '' : 'none ticked = anyone'}</span>
        </fieldset>
        <label className="check">
          <input type="checkbox" data-testid="finder-grouped" checked={grouped} onChange={(e) => { setGrouped(e.target.checked); reset(); }} />
          Earliest per practitioner
        </label>
      </div>
      <ErrorLine message={rangeOk ? null : 'The time range must end after it starts.'} testId="finder-range-problem" />
      <ErrorLine message={error} testId="finder-error" />
      <p className="muted small">
        {grouped ? 'Each practitioner’s earliest free time.' : 'Earliest free first.'} <kbd>↑</kbd>/<kbd>↓</kbd> to pick, <kbd>Enter</kbd> or <kbd>H</kbd> to hold
        {grouped ? '' : <>, <kbd>M</kbd> for more</>}. Times are the branch’s{callerZone ? ', with the caller’s where it differs' : ''}.
      </p>
      {slots.isLoading && <p className="muted">Searching…</p>}
      <ErrorLine message={slots.isError ? sentenceFor(slots.error) : null} />
      <ol className={`slots${grouped ? ' grouped' : ''}`} data-testid="finder-results">
        {list.map((slot, i) =>
          grouped ? (
            <li key={`g-${slot.resourceIds[0]}`} className="slot-group" data-testid={`finder-group-${slot.resourceIds[0]}`}>
              <h3>{nameOf(slot.resourceIds[0] ?? '')}</h3>
              <ol className="slots">{row(slot, i)}</ol>
            </li>
          ) : (
            row(slot, i)
          ),
        )}
        {grouped &&
          slots.isSuccess &&
          (chosenPractitioners.length ? practitioners.filter((r) => chosenPractitioners.includes(r.id)) : practitioners)
            .filter((r) => !list.some((s) => s.resourceIds[0] === r.id))
            .map((r) => (
              <li key={`none-${r.id}`} className="slot-group muted" data-testid={`finder-group-none-${r.id}`}>
                {r.name}: nothing free for these filters in the next two weeks.
              </li>
            ))}
        {slots.isSuccess && list.length === 0 && <li className="muted">Nothing free in the search window.</li>}
      </ol>
      {canShowMore && (
        <button data-testid="finder-more" disabled={loadingMore} onClick={() => void showMore()}>
          {loadingMore ? 'Looking…' : 'Show more'} <kbd>M</kbd>
        </button>
      )}
      {extra.done && <p className="muted small" data-testid="finder-no-more">No more free times in the next two weeks from the last one shown.</p>}
    </div>
  );
}
