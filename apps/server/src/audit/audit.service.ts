import { SETUP_HISTORY_TYPES, type AuditEntry, type auditSetupInput } from '@frontdesk/shared';
import type { z } from 'zod';
import { assertBranch, type Actor } from '../auth/scope.js';
import { inTransaction, type Db, type Tx } from '../db/tx.js';
import { notFound } from '../errors.js';
import type { AuditRepository, AuditRow } from './audit.repository.js';
import { describeSetupChange, namedIds } from './setup-history.js';
import { summarize } from './summary.js';

// The reading side of the audit trail; the writing side is the event log
// itself, plus record.ts for reads of a patient's record.

/** The event log, per appointment and per patient, with who did what from which desk. */
export class AuditService {
  constructor(
    private readonly db: Db,
    private readonly repo: AuditRepository,
  ) {}

  appointment(actor: Actor, appointmentId: string): Promise<AuditEntry[]> {
    return this.inTenant(actor, async (tx) => {
      const appointment = await this.repo.appointmentBranch(tx, actor.tenantId, appointmentId);
      if (!appointment) throw notFound('appointment');
      assertBranch(actor, appointment.branchId);
      const events = await this.repo.trail(tx, { tenantId: actor.tenantId, aggregateId: appointmentId });
      return this.entries(tx, actor, events);
    });
  }

  /** A patient's trail across the actor's branches (and tenant-wide events such as record reads). */
  patient(actor: Actor, patientId: string): Promise<AuditEntry[]> {
    return this.inTenant(actor, async (tx) => {
      if (!(await this.repo.patientExists(tx, actor.tenantId, patientId))) throw notFound('patient');
      const events = await this.repo.trail(tx, { tenantId: actor.tenantId, patientId, OR: [{ branchId: null }, { branchId: { in: [...actor.branchIds] } }] });
      return this.entries(tx, actor, events);
    });
  }

  /** The clinic's setup history (hours, time off, prices, stock, staff, branches, resources, services…), newest first. */
  setup(actor: Actor, input: z.output<typeof auditSetupInput>): Promise<AuditEntry[]> {
    return this.inTenant(actor, async (tx) => {
      const events = await this.repo.recent(tx, {
        tenantId: actor.tenantId,
        types: SETUP_HISTORY_TYPES,
        branchIds: actor.branchIds,
        beforeSeq: input.beforeSeq !== undefined ? BigInt(input.beforeSeq) : undefined,
        limit: input.limit,
      });
      const names = await this.repo.names(tx, actor.tenantId, [...new Set(events.flatMap((e) => namedIds(e.payload)))]);
      const nameOf = (id: unknown) => (typeof id === 'string' ? (names.get(id) ?? 'a removed entry') : 'the whole branch');
      const entries = await this.entries(tx, actor, events);
      return entries.map((entry, i) => ({ ...entry, summary: describeSetupChange(entry.type, events[i]?.payload, nameOf) }));
    });
  }

  private inTenant<T>(actor: Actor, work: (tx: Tx) => Promise<T>): Promise<T> {
    return inTransaction(this.db, { tenantId: actor.tenantId }, work);
  }

  private async entries(tx: Tx, actor: Actor, events: AuditRow[]): Promise<AuditEntry[]> {
    const actorIds = [...new Set(events.map((e) => e.actorId).filter((id): id is string => id !== null))];
    const staff = await this.repo.staffByIds(tx, actor.tenantId, actorIds);
    const byId = new Map(staff.map((s) => [s.id, s]));
    return events.map((e) => ({
      seq: e.seq.toString(),
      at: e.createdAt.toISOString(),
      type: e.type,
      summary: summarize(e.type, e.payload),
      desk: e.desk,
      actor: e.actorId ? (byId.get(e.actorId) ?? null) : null,
      branchId: e.branchId,
    }));
  }
}
