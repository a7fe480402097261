import { LRUCache } from 'lru-cache';
import { onCommitted, type CommittedEvent } from '../db/commit-wake.js';
import type { Blocker } from '@frontdesk/shared';

/** Booked appointments remembered per process; the least recently added go first. */
const MAX_APPOINTMENTS = 20_000;
const DAY_MS = 86_400_000;
/** An entry is trusted this long at most: a row changed without an event (by hand, in SQL) is refused no longer than this. */
const TRUST_MS = 5 * 60_000;

/** Events that never free a resource's time: they leave the index as it is (anything else may free some). */
const NEVER_FREES = new Set([
  'appointment.held',
  'appointment.hold_extended',
  'appointment.booked',
  'appointment.checked_in',
  'appointment.consultation_started',
  'appointment.kept_outside_hours',
  'token.issued',
  'token.called',
  'token.skipped',
  'token.served',
  'token.patient_attached',
  'display.changed',
  'api_client.changed',
  'stock.changed',
  'price.changed',
  'time_off.added',
  'patient.created',
  'patient.viewed',
  'patient.updated',
  'import.completed',
  'clinic.settings_changed',
  'series.booked',
]);

interface Taken {
  tenantId: string;
  occupied: { resourceId: string; start: number; end: number }[];
}

/** What an appointment event carries that the index reads (the full event from the log; own commits report only type and tenant). */
interface SeenEvent extends CommittedEvent {
  aggregateId?: string | null;
  payload?: { appointment?: { id?: string; status?: string; resources?: { resourceId: string; startsAt: string | Date; endsAt: string | Date }[] } };
}

/**
 * The resources' time taken by BOOKED appointments this process has seen
 * committed (its own commits, and the log reader's events from every
 * process). It only ever refuses early: a placement whose asked-for
 * resources overlap an entry is answered SLOT_TAKEN without a transaction;
 * anything else goes on to the availability check and the exclusion
 * constraints, which alone decide a booking.
 * Staleness window: a time freed by another process is refused here at most until this process's log reader reads the cancel.
 */
export class RecentlyTaken {
  private readonly byId: LRUCache<string, Taken>;
  /** tenant|resource|day → appointment ids with occupancy touching that day. */
  private readonly byResourceDay = new Map<string, Set<string>>();
  /** Appointments freed lately: a late add (the booking's own commit after a reader saw its cancel) is ignored. */
  private readonly freed = new LRUCache<string, true>({ max: MAX_APPOINTMENTS });
  private readonly stop: () => void;

  constructor(max = MAX_APPOINTMENTS) {
    this.byId = new LRUCache<string, Taken>({ max, ttl: TRUST_MS, dispose: (taken, id) => this.unindex(id, taken) });
    this.stop = onCommitted((events) => this.seen(events));
  }

  get size(): number {
    return this.byId.size;
  }

  /** A BOOKED appointment's occupancy, as committed. */
  add(tenantId: string, appointmentId: string, resources: readonly { resourceId: string; startsAt: string | Date; endsAt: string | Date }[]): void {
    if (this.freed.has(appointmentId) || resources.length === 0) return;
    this.byId.delete(appointmentId);
    const taken: Taken = { tenantId, occupied: resources.map((r) => ({ resourceId: r.resourceId, start: new Date(r.startsAt).getTime(), end: new Date(r.endsAt).getTime() })) };
    this.byId.set(appointmentId, taken);
    for (const o of taken.occupied) {
      for (let day = Math.floor(o.start / DAY_MS); day <= Math.floor((o.end - 1) / DAY_MS); day++) {
        const key = `${tenantId}|${o.resourceId}|${day}`;
        let ids = this.byResourceDay.get(key);
        if (!ids) this.byResourceDay.set(key, (ids = new Set()));
        ids.add(appointmentId);
      }
    }
  }

  remove(appointmentId: string): void {
    this.freed.set(appointmentId, true);
    this.byId.delete(appointmentId);
  }

  /** Forgets a tenant's entries (a change that may free time without saying which appointment). */
  forgetTenant(tenantId: string): void {
    for (const [id, taken] of this.byId.entries()) if (taken.tenantId === tenantId) this.byId.delete(id);
  }

  /** The entries on these resources overlapping [start, end), as blockers; empty when none is known. */
  blocking(tenantId: string, resourceIds: readonly string[], range: { start: Date; end: Date }): Blocker[] {
    const start = range.start.getTime();
    const end = range.end.getTime();
    const out: Blocker[] = [];
    for (const resourceId of new Set(resourceIds)) {
      for (let day = Math.floor(start / DAY_MS); day <= Math.floor((end - 1) / DAY_MS); day++) {
        for (const id of this.byResourceDay.get(`${tenantId}|${resourceId}|${day}`) ?? []) {
          const o = this.byId.peek(id)?.occupied.find((x) => x.resourceId === resourceId && x.start < end && start < x.end);
          if (o && !out.some((b) => b.resourceId === resourceId && Date.parse(b.startsAt) === o.start)) {
            out.push({ resourceId, kind: 'appointment', startsAt: new Date(o.start).toISOString(), endsAt: new Date(o.end).toISOString() });
          }
        }
      }
    }
    return out.sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  }

  close(): void {
    this.stop();
  }

  private seen(events: readonly SeenEvent[]): void {
    for (const e of events) {
      const appointment = e.payload?.appointment;
      if (NEVER_FREES.has(e.type)) {
        if (e.type === 'appointment.booked' && appointment?.status === 'BOOKED' && appointment.id && appointment.resources) this.add(e.tenantId, appointment.id, appointment.resources);
      } else if (e.type.startsWith('appointment.') && (e.aggregateId || appointment?.id)) {
        this.remove((e.aggregateId ?? appointment?.id)!);
      } else {
        this.forgetTenant(e.tenantId);
      }
    }
  }

  private unindex(id: string, taken: Taken): void {
    for (const o of taken.occupied) {
      for (let day = Math.floor(o.start / DAY_MS); day <= Math.floor((o.end - 1) / DAY_MS); day++) {
        const key = `${taken.tenantId}|${o.resourceId}|${day}`;
        const ids = this.byResourceDay.get(key);
        ids?.delete(id);
        if (ids?.size === 0) this.byResourceDay.delete(key);
      }
    }
  }
}
