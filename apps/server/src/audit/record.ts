import type { Actor } from '../auth/scope.js';
import type { Db, Tx } from '../db/tx.js';
import { appendEvents } from '../sync/append.js';

// The writing side of the audit trail that is not a command's own event:
// reads of a patient's record. Every command already logs its own events.

/**
 * Logs that `actor` read a patient's record, as a 'patient.viewed' event.
 * Pass the transaction the read ran in, or the client for a read outside one.
 */
export async function recordPatientRead(db: Tx | Db, actor: Actor, patientId: string): Promise<void> {
  await appendEvents(db as Tx, { actorId: actor.staffId, desk: actor.desk }, [
    { type: 'patient.viewed', tenantId: actor.tenantId, branchId: null, aggregateId: patientId, patientId, payload: { patientId } },
  ]);
}
