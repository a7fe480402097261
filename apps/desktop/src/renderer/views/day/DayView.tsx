import { useEffect, useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { OCCUPYING_STATUSES, domainErrorOf, type AppointmentView, type DayView as Day, type SlotSuggestion } from '@frontdesk/shared';
import { ConflictPanel, type Conflict } from '../components/ConflictPanel.js';
import { useOnline } from '../lib/connection.js';
import { sentenceFor } from '../lib/errors.js';
import { isTyping, newIdempotencyKey } from '../lib/keys.js';
import { hhmm, instantAt, minuteOfDay, mmss, secondsLeft, STEP_MIN, todayIn, wallTime } from '../lib/time.js';
import { useTRPC } from '../lib/trpc.js';
import type { Branch, Service } from '../lib/types.js';
import { useNow } from '../lib/use-now.js';
import { adoptAppointment } from '../sync/adopt.js';
import { AppointmentPanel } from './AppointmentPanel.js';
import { BookingPanel } from './BookingPanel.js';
import { TokensPanel } from './TokensPanel.js';
import { ServiceOptions } from '../components/ServiceOptions.js';

const ROW_PX = 20; // one 15-minute row
const HOLD_KEY = 'frontdesk.myHold';

type Panel = { kind: 'booking'; appointmentId: string } | { kind: 'appointment'; appointmentId: string } | { kind: 'tokens' } | null;
interface Moving {
  id: string;
  delta: number;
  resourceId: string;
}

export function serviceFits(service: Service, resource: { kind: string; tags: string[] }): boolean {
  return service.requirements.some((r) => r.kind === resource.kind && (r.tag === null || resource.tags.includes(r.tag)));
}

export function DayView({ branch, date, newBooking, searchFocus }: { branch: Branch; date: string; newBooking: number; searchFocus: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const online = useOnline();
  const now = useNow(1000);
  const dayQuery = useQuery(trpc.availability.day.queryOptions({ branchId: branch.id, date }));
  const services = useQuery(trpc.catalog.services.queryOptions());
  const day = dayQuery.data;
  const [panel, setPanel] = useState<Panel>(() => {
    const mine = sessionStorage.getItem(HOLD_KEY);
    return mine ? { kind: 'booking', appointmentId: mine } : null;
  });
  const [serviceId, setServiceId] = useState<string>(() => localStorage.getItem('frontdesk.service') ?? '');
  const [conflict, setConflict] = useState<(Conflict & { retry: 'hold' | { move: AppointmentView } }) | null>(null);
  const [moving, setMoving] = useState<Moving | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [lastHoldService, setLastHoldService] = useState<string>('');

  useEffect(() => {
    if (serviceId) localStorage.setItem('frontdesk.service', serviceId);
  }, [serviceId]);
  useEffect(() => {
    if (panel?.kind === 'booking') sessionStorage.setItem(HOLD_KEY, panel.appointmentId);
    else sessionStorage.removeItem(HOLD_KEY);
  }, [panel]);
  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(() => setNotice(null), 4000);
    return () => clearTimeout(t);
  }, [notice]);

  const hold = useMutation(trpc.booking.hold.mutationOptions());
  const move = useMutation(trpc.booking.move.mutationOptions());

  const resourceName = (id: string) => day?.resources.find((r) => r.id === id)?.name ?? 'another resource';
  const visible = useMemo(() => (day?.appointments ?? []).filter((a) => OCCUPYING_STATUSES.includes(a.status)), [day]);

  const chooseService = (resourceId: string): Service | null => {
    const resource = day?.resources.find((r) => r.id === resourceId);
    const all = services.data ?? [];
    if (!resource) return null;
    const current = all.find((s) => s.id === serviceId);
    if (current && serviceFits(current, resource)) return current;
    return all.find((s) => serviceFits(s, resource)) ?? null;
  };

  const holdSlot = (input: { branchId: string; startsAt: string; resourceIds: string[]; serviceId: string }) => {
    if (!online) return;
    setConflict(null);
    setLastHoldService(input.serviceId);
    if (panel?.kind === 'booking') setPanel(null); // the old hold is released by its panel
    hold.mutate(
      { ...input, idempotencyKey: newIdempotencyKey('hold') },
      {
        onSuccess: (appointment) => {
          adoptAppointment(queryClient, appointment);
          setPanel({ kind: 'booking', appointmentId: appointment.id });
        },
        onError: (error) => {
          const domain = domainErrorOf(error);
          setConflict({
            sentence: sentenceFor(error),
            alternatives: domain?.code === 'SLOT_TAKEN' ? domain.details.alternatives : [],
            retry: 'hold',
          });
        },
      },
    );
  };

  const holdAt = (resourceId: string, minute: number) => {
    if (!day) return;
    const service = chooseService(resourceId);
    if (!service) {
      setNotice(`No service is booked on ${resourceName(resourceId)} alone — pick the practitioner's column.`);
      return;
    }
    holdSlot({ branchId: day.branchId, serviceId: service.id, startsAt: instantAt(date, minute, day.timeZone), resourceIds: [resourceId] });
  };

  const commitMove = (appointment: AppointmentView, startsAt: string, fromResource: string, toResource: string) => {
    if (!online) return;
    setConflict(null);
    const resourceIds = fromResource === toResource ? undefined : appointment.resources.map((r) => (r.resourceId === fromResource ? toResource : r.resourceId));
    move.mutate(
      { appointmentId: appointment.id, version: appointment.version, startsAt, resourceIds },
      {
        onSuccess: (moved) => {
          adoptAppointment(queryClient, moved);
          setMoving(null);
          setNotice(`Moved to ${wallTime(moved.startsAt, day?.timeZone ?? 'UTC')}.`);
        },
        onError: (error) => {
          const domain = domainErrorOf(error);
          setMoving(null);
          if (domain?.code === 'STALE') {
            adoptAppointment(queryClient, domain.details.current as AppointmentView);
            setPanel({ kind: 'appointment', appointmentId: appointment.id });
            setNotice(sentenceFor(error));
            return;
          }
          setConflict({ sentence: sentenceFor(error), alternatives: domain?.code === 'SLOT_TAKEN' ? domain.details.alternatives : [], retry: { move: appointment } });
        },
      },
    );
  };

  const takeAlternative = (slot: SlotSuggestion) => {
    if (!conflict) return;
    if (conflict.retry === 'hold') {
      holdSlot({ branchId: slot.branchId, startsAt: slot.startsAt, resourceIds: slot.resourceIds, serviceId: lastHoldService || serviceId });
    } else {
      const appt = conflict.retry.move;
      move.mutate(
        { appointmentId: appt.id, version: appt.version, startsAt: slot.startsAt, resourceIds: slot.resourceIds },
        {
          onSuccess: (moved) => {
            adoptAppointment(queryClient, moved);
            setConflict(null);
          },
          onError: (error) => setConflict({ ...conflict, sentence: sentenceFor(error) }),
        },
      );
    }
  };

  // N: hold the next free slot for the chosen service at this branch.
  const findNext = useMutation({
    mutationFn: async () => {
      const svc = services.data?.find((s) => s.id === serviceId) ?? services.data?.[0];
      if (!svc || !day) throw new Error('no service');
      const from = new Date(Math.max(Date.parse(day.startsAt), Date.now())).toISOString();
      const slots = await queryClient.fetchQuery(trpc.availability.findSlots.queryOptions({ serviceId: svc.id, branchIds: [day.branchId], from, limit: 1 }));
      return { svc, slot: slots[0] };
    },
    onSuccess: ({ svc, slot }) => {
      if (slot) holdSlot({ branchId: slot.branchId, startsAt: slot.startsAt, resourceIds: slot.resourceIds, serviceId: svc.id });
      else setNotice('No free time found for that service in the next days.');
    },
  });
  useEffect(() => {
    if (newBooking > 0) findNext.mutate();
  }, [newBooking]);
  useEffect(() => {
    if (searchFocus === 0) return;
    if (panel?.kind !== 'booking') setPanel({ kind: 'tokens' });
    setTimeout(() => document.querySelector<HTMLInputElement>('[data-testid="patient-search"]')?.focus(), 50);
  }, [searchFocus]);

  // Keyboard: move the selected appointment, check in, close.
  const selected = panel?.kind === 'appointment' ? visible.find((a) => a.id === panel.appointmentId) : undefined;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target) || e.ctrlKey || e.metaKey || !day) return;
      if (e.key === 'Escape') {
        if (moving) setMoving(null);
        else if (conflict) setConflict(null);
        else if (panel?.kind !== 'booking') setPanel(null);
        return;
      }
      if (!selected || !online || selected.status === 'HELD') return;
      const primary = selected.resources[0]?.resourceId ?? '';
      const base = moving ?? { id: selected.id, delta: 0, resourceId: primary };
      if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
        e.preventDefault();
        setMoving({ ...base, delta: base.delta + (e.key === 'ArrowUp' ? -STEP_MIN : STEP_MIN) });
      } else if (e.shiftKey && (e.key === 'ArrowLeft' || e.key === 'ArrowRight')) {
        e.preventDefault();
        e.stopImmediatePropagation();
        const cols = day.resources;
        const i = cols.findIndex((r) => r.id === base.resourceId);
        const next = cols[Math.min(cols.length - 1, Math.max(0, i + (e.key === 'ArrowLeft' ? -1 : 1)))];
        if (next) setMoving({ ...base, resourceId: next.id });
      } else if (e.key === 'Enter' && moving) {
        e.preventDefault();
        commitMove(selected, new Date(Date.parse(selected.startsAt) + moving.delta * 60_000).toISOString(), primary, moving.resourceId);
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  });

  if (!day) {
    return <div className="empty">{dayQuery.isError ? sentenceFor(dayQuery.error) : 'Loading the day…'}</div>;
  }

  const timeZoneOf = (branchId: string) => (branchId === day.branchId ? day.timeZone : branch.timeZone);
  const panelAppointment = panel && panel.kind !== 'tokens' ? day.appointments.find((a) => a.id === panel.appointmentId) : undefined;

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
        {hold.isPending && <span className="muted">Holding…</span>}
      </div>
      <div className="dayframe">
        <Grid
          day={day}
          date={date}
          appointments={visible}
          now={now}
          readOnly={!online}
          selectedId={selected?.id ?? null}
          heldByMe={panel?.kind === 'booking' ? panel.appointmentId : null}
          moving={moving}
          onSlot={holdAt}
          onSelect={(a) => {
            setMoving(null);
            setPanel(a.status === 'HELD' && panel?.kind === 'booking' && panel.appointmentId === a.id ? panel : { kind: 'appointment', appointmentId: a.id });
          }}
          onDrop={(id, fromResource, toResource, minute) => {
            const appt = visible.find((a) => a.id === id);
            if (!appt) return;
            const offset = Date.parse(appt.startsAt) - Date.parse(appt.resources.find((r) => r.resourceId === fromResource)?.startsAt ?? appt.startsAt);
            commitMove(appt, new Date(Date.parse(instantAt(date, minute, day.timeZone)) + offset).toISOString(), fromResource, toResource);
          }}
        />
        <aside className="side">
          {conflict && (
            <ConflictPanel
              conflict={conflict}
              timeZoneOf={timeZoneOf}
              nameOf={resourceName}
              disabled={!online || hold.isPending || move.isPending}
              onTake={takeAlternative}
              onDismiss={() => setConflict(null)}
            />
          )}
          {panel?.kind === 'booking' && (
            <BookingPanel
              key={panel.appointmentId}
              appointmentId={panel.appointmentId}
              cached={panelAppointment}
              day={day}
              onDone={(message, keepSelected) => {
                setPanel(keepSelected ? { kind: 'appointment', appointmentId: panel.appointmentId } : null);
                if (message) setNotice(message);
              }}
              onConflict={(c) => setConflict({ ...c, retry: 'hold' })}
              onRehold={(serviceIdNext) => {
                const a = panelAppointment;
                if (a) holdSlot({ branchId: a.branchId, startsAt: a.startsAt, resourceIds: a.resources.slice(0, 1).map((r) => r.resourceId), serviceId: serviceIdNext });
              }}
            />
          )}
          {panel?.kind === 'appointment' && (
            <AppointmentPanel
              key={panel.appointmentId}
              appointmentId={panel.appointmentId}
              cached={panelAppointment}
              day={day}
              moving={moving?.id === panel.appointmentId ? moving.delta : 0}
              onClose={() => {
                setPanel(null);
                setMoving(null);
              }}
              onNotice={setNotice}
            />
          )}
          {panel?.kind === 'tokens' && <TokensPanel day={day} onClose={() => setPanel(null)} />}
          {!panel && !conflict && (
            <div className="hint muted">
              <p>Click a free slot to hold it, or press <kbd>N</kbd> for the next free time.</p>
              <p>Drag an appointment to reschedule it, or select it and use <kbd>↑</kbd>/<kbd>↓</kbd> then <kbd>Enter</kbd>.</p>
              <p>
                <kbd>?</kbd> shows every shortcut.
              </p>
              {date === todayIn(day.timeZone) && <p>Now: {wallTime(now, day.timeZone)} at the branch.</p>}
            </div>
          )}
        </aside>
      </div>
    </div>
  );
}

function Grid({
  day,
  date,
  appointments,
  now,
  readOnly,
  selectedId,
  heldByMe,
  moving,
  onSlot,
  onSelect,
  onDrop,
}: {
  day: Day;
  date: string;
  appointments: AppointmentView[];
  now: number;
  readOnly: boolean;
  selectedId: string | null;
  heldByMe: string | null;
  moving: Moving | null;
  onSlot: (resourceId: string, minute: number) => void;
  onSelect: (a: AppointmentView) => void;
  onDrop: (appointmentId: string, fromResource: string, toResource: string, minute: number) => void;
}) {
  const tz = day.timeZone;
  const { start, end } = useMemo(() => {
    const mins: number[] = [];
    // Rooms and chairs often have no hours of their own (open all day): the people set the frame.
    const people = day.resources.filter((r) => r.kind === 'PRACTITIONER');
    for (const r of people.length ? people : day.resources) for (const w of r.working) mins.push(minuteOfDay(w.startsAt, date, tz), minuteOfDay(w.endsAt, date, tz));
    for (const a of appointments) mins.push(minuteOfDay(a.startsAt, date, tz), minuteOfDay(a.endsAt, date, tz));
    const lo = mins.length ? Math.min(...mins, 8 * 60) : 8 * 60;
    const hi = mins.length ? Math.max(...mins, 18 * 60) : 18 * 60;
    return { start: Math.max(0, Math.floor(lo / 60) * 60), end: Math.min(24 * 60, Math.ceil(hi / 60) * 60) };
  }, [day, appointments, date, tz]);
  const rows = (end - start) / STEP_MIN;
  const y = (minute: number) => ((minute - start) / STEP_MIN) * ROW_PX;
  const nowMin = minuteOfDay(now, date, tz);

  const isFree = (resourceId: string, minute: number) => {
    const r = day.resources.find((x) => x.id === resourceId);
    if (!r) return false;
    const working = r.working.some((w) => minuteOfDay(w.startsAt, date, tz) <= minute && minute + STEP_MIN <= minuteOfDay(w.endsAt, date, tz));
    const off = day.timeOff.some(
      (t) => (t.resourceId === null || t.resourceId === resourceId) && minuteOfDay(t.startsAt, date, tz) < minute + STEP_MIN && minute < minuteOfDay(t.endsAt, date, tz),
    );
    return working && !off;
  };

  return (
    <div className="grid" data-testid="day-grid" style={{ gridTemplateColumns: `56px repeat(${day.resources.length}, minmax(140px, 1fr))` }}>
      <div className="corner" />
      {day.resources.map((r) => (
        <div key={r.id} className="colhead">
          <strong>{r.name}</strong>
          <span className="muted small">{r.kind.toLowerCase()}</span>
        </div>
      ))}
      <div className="times" style={{ height: rows * ROW_PX }}>
        {Array.from({ length: rows }, (_, i) => start + i * STEP_MIN)
          .filter((m) => m % 60 === 0)
          .map((m) => (
            <div key={m} className="timelabel" style={{ top: y(m) }}>
              {hhmm(m)}
            </div>
          ))}
      </div>
      {day.resources.map((r) => (
        <div
          key={r.id}
          className="col"
          data-testid={`col-${r.id}`}
          style={{ height: rows * ROW_PX }}
          data-moving={moving ? 'true' : undefined}
        >
          {Array.from({ length: rows }, (_, i) => {
            const minute = start + i * STEP_MIN;
            const free = isFree(r.id, minute);
            return (
              <div
                key={minute}
                className={`slot ${free ? 'work' : 'closed'} ${minute % 60 === 0 ? 'hour' : ''}`}
                data-testid={`slot-${r.id}-${hhmm(minute)}`}
                style={{ height: ROW_PX }}
                title={`${r.name} ${hhmm(minute)}`}
                onClick={() => !readOnly && onSlot(r.id, minute)}
                onDragOver={(e) => !readOnly && e.preventDefault()}
                onDrop={(e) => {
                  e.preventDefault();
                  const [id, from] = e.dataTransfer.getData('text/plain').split('|');
                  if (id && from && !readOnly) onDrop(id, from, r.id, minute);
                }}
              />
            );
          })}
          {day.timeOff
            .filter((t) => t.resourceId === null || t.resourceId === r.id)
            .map((t) => (
              <div
                key={t.id}
                className="timeoff"
                data-testid={`timeoff-${t.id}`}
                style={{ top: Math.max(0, y(minuteOfDay(t.startsAt, date, tz))), height: Math.max(ROW_PX, y(Math.min(end, minuteOfDay(t.endsAt, date, tz))) - Math.max(0, y(minuteOfDay(t.startsAt, date, tz)))) }}
              >
                {t.reason || t.kind.toLowerCase()}
              </div>
            ))}
          {date === todayIn(tz) && nowMin >= start && nowMin <= end && <div className="nowline" style={{ top: y(nowMin) }} />}
          {appointments.flatMap((a) => {
            const part = a.resources.find((p) => p.resourceId === r.id);
            if (!part) return [];
            const primary = a.resources[0]?.resourceId === r.id;
            const shift = moving?.id === a.id ? moving.delta : 0;
            const top = y(minuteOfDay(part.startsAt, date, tz) + shift);
            const height = Math.max(ROW_PX - 2, y(minuteOfDay(part.endsAt, date, tz) + shift) - top - 2);
            const left = secondsLeft(a.holdExpiresAt, now);
            const mine = heldByMe === a.id;
            const block = (
              <div
                key={`${a.id}-${r.id}`}
                className={`appt s-${a.status.toLowerCase()} ${selectedId === a.id ? 'selected' : ''} ${mine ? 'mine' : ''} ${primary ? '' : 'secondary'} ${height < 36 ? 'short' : ''}`}
                data-testid={primary ? `appt-${a.id}` : `appt-part-${a.id}-${r.id}`}
                data-status={a.status}
                style={{ top, height }}
                draggable={!readOnly && (a.status === 'BOOKED' || a.status === 'CHECKED_IN')}
                onDragStart={(e) => {
                  e.dataTransfer.setData('text/plain', `${a.id}|${r.id}`);
                  e.dataTransfer.effectAllowed = 'move';
                }}
                onClick={(e) => {
                  e.stopPropagation();
                  onSelect(a);
                }}
                title={`${a.serviceName} ${wallTime(a.startsAt, tz)}–${wallTime(a.endsAt, tz)}`}
              >
                <div className="appt-time">
                  {wallTime(new Date(Date.parse(a.startsAt) + shift * 60_000).toISOString(), tz)}
                  {a.status === 'HELD' ? (
                    <span className="countdown" data-testid={`hold-countdown-${a.id}`}>
                      {mine ? 'your hold' : 'held'} {mmss(left)}
                    </span>
                  ) : (
                    <span className="status">{a.status === 'CHECKED_IN' ? 'arrived' : a.status.toLowerCase()}</span>
                  )}
                </div>
                <div className="appt-what">{a.patient?.name ?? (a.status === 'HELD' ? 'Being booked…' : 'Booked')}</div>
                <div className="appt-svc muted">{a.serviceName}</div>
              </div>
            );
            return [block];
          })}
        </div>
      ))}
    </div>
  );
}
