import { useMemo, useState, type KeyboardEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { SlotView } from '@frontdesk/shared';
import { useHold } from '../commands/booking.js';
import { ErrorLine } from '../components/ErrorLine.js';
import { ServiceOptions } from '../components/ServiceOptions.js';
import { useOnline } from '../lib/connection.js';
import { myHold, preferredService, rememberMyHold, type Place } from '../lib/desk-memory.js';
import { sentenceFor } from '../lib/errors.js';
import { useShortcuts, type Shortcut } from '../lib/shortcuts.js';
import { clock, prettyDate } from '../lib/time.js';
import { useTRPC } from '../lib/trpc.js';
import { serviceFits } from './day/service-fit.js';

/** "Earliest free for this service": across practitioners and branches, hold with one key. */
export function Finder({ defaultBranchId, onHeld }: { defaultBranchId: string; onHeld: (place: Place) => void }) {
  const trpc = useTRPC();
  const online = useOnline();
  const services = useQuery(trpc.catalog.services.queryOptions());
  const branches = useQuery(trpc.catalog.branches.queryOptions());
  const resources = useQuery(trpc.catalog.resources.queryOptions({}));
  const [serviceId, setServiceId] = useState(preferredService);
  const [branchIds, setBranchIds] = useState<string[]>([]);
  const [practitionerId, setPractitionerId] = useState('');
  const [cursor, setCursor] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [from] = useState(() => new Date(Math.ceil(Date.now() / 60_000) * 60_000).toISOString());

  const service = services.data?.find((s) => s.id === serviceId) ?? services.data?.[0];
  const practitioners = useMemo(
    () => (resources.data ?? []).filter((r) => r.kind === 'PRACTITIONER' && !!service && serviceFits(service, r)),
    [resources.data, service],
  );
  const slots = useQuery({
    ...trpc.availability.findSlots.queryOptions({
      serviceId: service?.id ?? '',
      branchIds: branchIds.length ? branchIds : undefined,
      resourceIds: practitionerId ? [practitionerId] : undefined,
      from,
      limit: 30,
    }),
    enabled: !!service,
  });
  const hold = useHold();
  const list = slots.data ?? [];
  const zoneOf = (branchId: string) => branches.data?.find((b) => b.id === branchId)?.timeZone ?? 'UTC';
  const nameOf = (id: string) => resources.data?.find((r) => r.id === id)?.name ?? '';
  const branchName = (id: string) => branches.data?.find((b) => b.id === id)?.name ?? '';

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
          onHeld({ branchId: slot.branchId, date: new Date(slot.startsAt).toLocaleDateString('en-CA', { timeZone: zoneOf(slot.branchId) }) });
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
              setPractitionerId('');
              setCursor(0);
            }}
          >
            <ServiceOptions services={services.data} />
          </select>
        </label>
        <fieldset>
          <legend>Branches</legend>
          {branches.data?.map((b) => (
            <label key={b.id} className="check">
              <input
                type="checkbox"
                data-testid={`finder-branch-${b.id}`}
                checked={branchIds.includes(b.id)}
                onChange={(e) => setBranchIds(e.target.checked ? [...branchIds, b.id] : branchIds.filter((x) => x !== b.id))}
              />
              {b.name}
              {b.id === defaultBranchId ? ' (this desk)' : ''}
            </label>
          ))}
          <span className="muted small">{branchIds.length ? '' : 'none ticked = all branches'}</span>
        </fieldset>
        <label>
          Practitioner
          <select data-testid="finder-practitioner" value={practitionerId} onChange={(e) => setPractitionerId(e.target.value)}>
            <option value="">Anyone</option>
            {practitioners.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorLine message={error} testId="finder-error" />
      <p className="muted small">
        Earliest free first. <kbd>↑</kbd>/<kbd>↓</kbd> to pick, <kbd>Enter</kbd> or <kbd>H</kbd> to hold.
      </p>
      {slots.isLoading && <p className="muted">Searching…</p>}
      <ErrorLine message={slots.isError ? sentenceFor(slots.error) : null} />
      <ol className="slots" data-testid="finder-results">
        {list.map((slot, i) => {
          const tz = zoneOf(slot.branchId);
          const date = new Date(slot.startsAt).toLocaleDateString('en-CA', { timeZone: tz });
          return (
            <li key={`${slot.branchId}-${slot.startsAt}-${slot.resourceIds.join()}`} className={i === cursor ? 'on' : ''} data-testid={`finder-slot-${i}`} onMouseEnter={() => setCursor(i)}>
              <span className="slot-time">{clock(slot.startsAt, tz)}</span>
              <span>{prettyDate(date)}</span>
              <span>{slot.resourceIds.map(nameOf).join(' + ')}</span>
              <span className="muted">{branchName(slot.branchId)}</span>
              <button data-testid={`finder-hold-${i}`} disabled={!online || hold.isPending} onClick={() => take(slot)}>
                Hold
              </button>
            </li>
          );
        })}
        {slots.isSuccess && list.length === 0 && <li className="muted">Nothing free in the search window.</li>}
      </ol>
    </div>
  );
}
