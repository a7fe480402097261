import { useEffect, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { OCCUPYING_STATUSES, type AppointmentView } from '@frontdesk/shared';
import { ConflictPanel } from '../../components/ConflictPanel.js';
import { ServiceOptions } from '../../components/ServiceOptions.js';
import { useOnline } from '../../lib/connection.js';
import { useDayLook, usePreferredService } from '../../lib/desk-memory.js';
import { useShortcuts } from '../../lib/shortcuts.js';
import { sentenceFor } from '../../lib/errors.js';
import { clock, instantAt, todayIn } from '../../lib/time.js';
import { useTRPC } from '../../lib/trpc.js';
import type { Branch } from '../../lib/types.js';
import { useFocusRequest } from '../../lib/use-focus-request.js';
import { useNotice } from '../../lib/use-notice.js';
import { useNow } from '../../lib/use-now.js';
import { WeekView } from '../week/WeekView.js';
import { AppointmentPanel } from './AppointmentPanel.js';
import { DayLookBar } from './DayLookBar.js';
import { colourFor, zoomed } from './grid-layout.js';
import { BookingPanel } from './BookingPanel.js';
import { DayGrid } from './DayGrid.js';
import { serviceForColumn } from './service-fit.js';
import { TokensPanel } from './TokensPanel.js';
import { useDayCommands } from './use-day-commands.js';
import { EMPTY_DRAFT, type BookingDraft } from './use-booking-form.js';
import { useDayPanel, type Panel, type PanelChange } from './use-day-panel.js';
import { useKeyboardMove } from './use-keyboard-move.js';
import { useNextFree } from './use-next-free.js';

/**
 * One branch's day: the grid, and beside it the hold being booked, the
 * selected appointment, the queue tokens or a conflict's alternatives.
 * `newBooking` and `searchFocus` count presses of N and / (0: none yet).
 */
export function DayView({
  branch,
  date,
  newBooking,
  searchFocus,
  onDate,
}: {
  branch: Branch;
  date: string;
  newBooking: number;
  searchFocus: number;
  /** Another date from the week view (its day, or an appointment on it). */
  onDate?: (date: string) => void;
}) {
  const trpc = useTRPC();
  const online = useOnline();
  const now = useNow(1000);
  const dayQuery = useQuery(trpc.availability.day.queryOptions({ branchId: branch.id, date }));
  const services = useQuery(trpc.catalog.services.queryOptions());
  const day = dayQuery.data;
  const [panel, changePanel] = useDayPanel();
  // What the desk filled in for the booking: it outlives a hold replaced by another (service or time), not the booking closed.
  const [draft, setDraft] = useState<BookingDraft>(EMPTY_DRAFT);
  const [serviceId, setServiceId] = usePreferredService();
  const [notice, setNotice] = useNotice();
  // The desk's look: columns shown, saved sets, colour by, zoom; and the week of one resource instead of the day.
  const [look, setLook] = useDayLook();
  const [weekOf, setWeekOf] = useState<string | null>(null);
  const search = useFocusRequest<HTMLInputElement>();
  const commands = useDayCommands({
    online,
    timeZone: day?.timeZone ?? 'UTC',
    preferredServiceId: serviceId,
    currentHold: () => (panel?.kind === 'booking' ? panel.appointmentId : null),
    patientId: () => draft.patient?.id,
    // The server let the old hold go in the same transaction as the new one went in.
    onHeld: (appointmentId) => setPanel({ kind: 'booking', appointmentId }, { keepHold: true }),
    // Refused after the server let the old hold go: the conflict's alternatives carry the draft on.
    onHoldLost: () => setPanel(null, { keepHold: true }),
    onStale: (appointmentId) => setPanel({ kind: 'appointment', appointmentId }),
    onNotice: setNotice,
  });
  /** The side panel; leaving the booking for anything else (released, closed, booked, another appointment) ends its draft. */
  function setPanel(next: Panel, change: PanelChange = {}) {
    if (next?.kind !== 'booking' && !change.keepHold) setDraft(EMPTY_DRAFT);
    changePanel(next, change);
  }
  const visible = useMemo(() => (day?.appointments ?? []).filter((a) => OCCUPYING_STATUSES.includes(a.status)), [day]);
  const selected = panel?.kind === 'appointment' ? visible.find((a) => a.id === panel.appointmentId) : undefined;
  // Shift+←/→ moves between the columns shown, not the ones ticked off.
  const shownDay = useMemo(() => day && { ...day, resources: day.resources.filter((r) => !(look.hidden[branch.id] ?? []).includes(r.id)) }, [day, look.hidden, branch.id]);
  const keys = useKeyboardMove({
    day: shownDay,
    selected,
    online,
    commitMove: commands.commitMove,
    onEscape: commands.conflict ? dismissConflict : panel?.kind !== 'booking' ? () => setPanel(null) : undefined,
  });
  const zoomBy = (step: number) => setLook((l) => ({ ...l, zoom: zoomed(l.zoom, step) }));
  const firstColumn = () => (shownDay?.resources[0] ?? day?.resources[0])?.id ?? null;
  useShortcuts(
    [
      { key: '+', label: 'Zoom in', run: () => zoomBy(1) },
      { key: '=', label: 'Zoom in', run: () => zoomBy(1) },
      { key: '-', label: 'Zoom out', run: () => zoomBy(-1) },
      { key: 'w', label: 'Week of the first column / back to the day', when: () => !!day, run: () => setWeekOf((w) => (w ? null : firstColumn())) },
    ],
    'screen',
  );
  useNextFree({ asked: newBooking, day, services: services.data, serviceId, onFound: commands.holdSlot, onNone: setNotice });
  function dismissConflict() {
    commands.dismissConflict();
    if (panel?.kind !== 'booking') setDraft(EMPTY_DRAFT);
  }
  useEffect(() => {
    if (searchFocus === 0) return;
    if (panel?.kind !== 'booking') setPanel({ kind: 'tokens' });
    search.focus();
  }, [searchFocus]);

  if (!day) {
    return <div className="empty">{dayQuery.isError ? sentenceFor(dayQuery.error) : 'Loading the day…'}</div>;
  }

  const columns = shownDay?.resources ?? day.resources;
  const serviceColour = (id: string) => services.data?.find((s) => s.id === id)?.colour ?? '';
  const colourOf = (a: AppointmentView) => colourFor(a, look.colourBy, day.resources, serviceColour);
  const weekResource = weekOf && day.resources.some((r) => r.id === weekOf) ? weekOf : null;
  const resourceName = (id: string) => day.resources.find((r) => r.id === id)?.name ?? 'another resource';
  const timeZoneOf = (branchId: string) => (branchId === day.branchId ? day.timeZone : branch.timeZone);
  const panelAppointment = panel && panel.kind !== 'tokens' ? day.appointments.find((a) => a.id === panel.appointmentId) : undefined;
  // What the booking and the appointment panel both start from.
  const opened = panel && panel.kind !== 'tokens' ? { appointmentId: panel.appointmentId, cached: panelAppointment, day } : null;

  const holdAt = (resourceId: string, minute: number) => {
    const resource = day.resources.find((r) => r.id === resourceId);
    const service = resource && serviceForColumn(services.data ?? [], resource, serviceId);
    if (!service) {
      setNotice(`No service is booked on ${resourceName(resourceId)} alone — pick the practitioner's column.`);
      return;
    }
    commands.holdSlot({ branchId: day.branchId, serviceId: service.id, startsAt: instantAt(date, minute, day.timeZone), resourceIds: [resourceId] });
  };
  const dropAt = (appointmentId: string, fromResource: string, toResource: string, minute: number) => {
    const appointment = visible.find((a) => a.id === appointmentId);
    if (!appointment) return;
    // The part dropped may start later than the appointment (a room after the practitioner).
    const offset = Date.parse(appointment.startsAt) - Date.parse(appointment.resources.find((r) => r.resourceId === fromResource)?.startsAt ?? appointment.startsAt);
    const startsAt = new Date(Date.parse(instantAt(date, minute, day.timeZone)) + offset).toISOString();
    commands.commitMove({ appointment, startsAt, fromResource, toResource }, keys.cancel);
  };
  const select = (a: AppointmentView) => {
    keys.cancel();
    if (a.status === 'HELD' && panel?.kind === 'booking' && panel.appointmentId === a.id) return;
    // Looking at another appointment ends the booking in progress (its hold is let go).
    setPanel({ kind: 'appointment', appointmentId: a.id });
  };
  const rehold = (appointment: AppointmentView | undefined, nextServiceId: string) => {
    if (!appointment) return;
    commands.holdSlot({ branchId: appointment.branchId, startsAt: appointment.startsAt, resourceIds: appointment.resources.slice(0, 1).map((r) => r.resourceId), serviceId: nextServiceId });
  };

  return (
    <div className="dayview">
      <div className="daytools">
        <label>
          Service for new bookings{' '}
          <select data-testid="service-select" value={serviceId} onChange={(e) => setServiceId(e.target.value)}>
            <option value="">(fits the column)</option>
            <ServiceOptions services={services.data} />
          </select>
        </label>
        <button data-testid="tokens-open" onClick={() => setPanel(panel?.kind === 'tokens' ? null : { kind: 'tokens' })}>
          Queue tokens{day.sessions.length ? ` (${day.sessions.length})` : ''}
        </button>
        <span className="muted small">
          {day.branchName} · times in {day.timeZone} · {dayQuery.isFetching ? 'updating…' : 'live'}
        </span>
        {notice && (
          <span className="notice" data-testid="notice">
            {notice}
          </span>
        )}
        {commands.holding && <span className="muted">Holding…</span>}
        <DayLookBar
          look={look}
          onLook={setLook}
          branchId={branch.id}
          resources={day.resources}
          week={!!weekResource}
          onWeek={(on) => setWeekOf(on ? (weekResource ?? firstColumn()) : null)}
        />
      </div>
      <div className="dayframe">
        {weekResource ? (
          <WeekView
            branchId={day.branchId}
            date={date}
            resourceId={weekResource}
            resources={day.resources}
            zoom={look.zoom}
            now={now}
            colourOf={colourOf}
            onResource={setWeekOf}
            onDay={(d) => {
              setWeekOf(null);
              onDate?.(d);
            }}
            onSelect={(a, d) => {
              setWeekOf(null);
              onDate?.(d);
              setPanel({ kind: 'appointment', appointmentId: a.id });
            }}
          />
        ) : (
          <DayGrid
            day={day}
            columns={columns}
            zoom={look.zoom}
            colourOf={colourOf}
            onWeek={setWeekOf}
            date={date}
            appointments={visible}
            now={now}
            readOnly={!online}
            selectedId={selected?.id ?? null}
            heldByMe={panel?.kind === 'booking' ? panel.appointmentId : null}
            moving={keys.moving}
            onSlot={holdAt}
            onSelect={select}
            onDrop={dropAt}
          />
        )}
        <aside className="side">
          {commands.conflict && (
            <ConflictPanel
              conflict={commands.conflict}
              timeZoneOf={timeZoneOf}
              nameOf={resourceName}
              disabled={!online || commands.busy}
              onTake={commands.takeAlternative}
              onDismiss={dismissConflict}
            />
          )}
          {panel?.kind === 'booking' && opened && (
            <BookingPanel
              key={opened.appointmentId}
              {...opened}
              searchRef={search.ref}
              draft={draft}
              onDraft={setDraft}
              onDone={(message, keepSelected) => {
                setPanel(keepSelected ? { kind: 'appointment', appointmentId: panel.appointmentId } : null);
                if (message) setNotice(message);
              }}
              onConflict={commands.showHoldConflict}
              onRehold={(nextServiceId) => rehold(panelAppointment, nextServiceId)}
            />
          )}
          {panel?.kind === 'appointment' && opened && (
            <AppointmentPanel
              key={opened.appointmentId}
              {...opened}
              moving={keys.moving?.id === panel.appointmentId ? keys.moving.delta : 0}
              onClose={() => {
                setPanel(null);
                keys.cancel();
              }}
              onNotice={setNotice}
            />
          )}
          {panel?.kind === 'tokens' && <TokensPanel day={day} searchRef={search.ref} onClose={() => setPanel(null)} />}
          {!panel && !commands.conflict && <DayHint now={date === todayIn(day.timeZone) ? clock(now, day.timeZone) : null} />}
        </aside>
      </div>
    </div>
  );
}

function DayHint({ now }: { now: string | null }) {
  return (
    <div className="hint muted">
      <p>Click a free slot to hold it, or press <kbd>N</kbd> for the next free time.</p>
      <p>Drag an appointment to reschedule it, or select it and use <kbd>↑</kbd>/<kbd>↓</kbd> then <kbd>Enter</kbd>.</p>
      <p>
        <kbd>?</kbd> shows every shortcut.
      </p>
      {now && <p>Now: {now} at the branch.</p>}
    </div>
  );
}
