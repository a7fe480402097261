import { inTransaction, type Db, type Tx } from '../db/tx.js';
import { holdExpiries } from '../observability/metrics.js';
import { appendEvents, type AnyNewEvent } from '../sync/append.js';
import type { BookingRepository } from './booking.repository.js';
import type { SessionHolds } from './session-holds.js';

/** Where a placement wants to be: its resources, its patient, and the time it would occupy. */
export interface HoldScope {
  resourceIds: readonly string[];
  patientId: string | null;
  start: Date;
  end: Date;
}

/**
 * Holds past their deadline become EXPIRED, each with an event so every desk
 * sees the time free again: all of them (the sweeper, hold-sweeper.ts), or
 * those in the way of a placement (conflicts.ts), which never waits for the sweeper.
 */
export class HoldExpiry {
  constructor(
    private readonly db: Db,
    private readonly repo: BookingRepository,
    private readonly sessionHolds: SessionHolds,
  ) {}

  /**
   * Every lapsed hold, tenant by tenant, up to `limit` per tenant; returns how
   * many expired. Holds of sign-ins that ended without releasing them (a
   * session that expired, or was revoked elsewhere) are released on the way.
   */
  async expireDue(limit = 500): Promise<number> {
    let total = 0;
    for (const tenantId of await this.repo.dueHoldTenants(this.db)) {
      total += await inTransaction(this.db, { tenantId }, async (tx) => {
        await this.sessionHolds.release(tx, tenantId, { endedSessions: true }, { actorId: null, desk: 'sign-in ended' });
        return this.announce(tx, await this.repo.expireDueHolds(tx, null, limit));
      });
    }
    holdExpiries.inc({ by: 'sweeper' }, total);
    return total;
  }

  /** The lapsed holds on these resources or of this patient over this time; returns how many expired. */
  async expireBlocking(tenantId: string, scope: HoldScope): Promise<number> {
    const expired = await inTransaction(this.db, { tenantId }, async (tx) => this.announce(tx, await this.repo.expireDueHolds(tx, scope)));
    holdExpiries.inc({ by: 'placement' }, expired);
    return expired;
  }

  /** The same, inside the caller's transaction (a setup change moving an appointment it affects). */
  async expireBlockingWithin(tx: Tx, scope: HoldScope): Promise<number> {
    const expired = await this.announce(tx, await this.repo.expireDueHolds(tx, scope));
    holdExpiries.inc({ by: 'placement' }, expired);
    return expired;
  }

  private async announce(tx: Tx, expired: readonly { id: string }[]): Promise<number> {
    if (expired.length === 0) return 0;
    const rows = await this.repo.appointmentsWithTenant(tx, expired.map((e) => e.id));
    await appendEvents(
      tx,
      { actorId: null, desk: 'hold sweeper' },
      rows.map(({ tenantId, view }): AnyNewEvent => ({ type: 'appointment.expired', tenantId, branchId: view.branchId, aggregateId: view.id, patientId: view.patient?.id ?? null, payload: { appointment: view } })),
    );
    return expired.length;
  }
}
