import { appendEvents } from '../sync/append.js';
import type { Db, Tx } from '../db/tx.js';
import type { Actor } from './scope.js';

/**
 * Logs that `actor` read a patient's record, as a 'patient.viewed' event.
 * Pass the transaction the read ran in, or the client for a read outside one.
 */
export async function recordPatientRead(db: Tx | Db, actor: Actor, patientId: string): Promise<void> {
  await appendEvents(db as Tx, { actorId: actor.staffId, desk: actor.desk }, [
    { type: 'patient.viewed', tenantId: actor.tenantId, branchId: null, aggregateId: patientId, patientId, payload: { patientId } },
  ]);
}
