import type { z } from 'zod';
import type { PatientSummary, patientCreateInput, patientSearchInput } from '@frontdesk/shared';
import { recordPatientRead } from '../audit/record.js';
import type { Actor } from '../auth/scope.js';
import { notFound } from '../errors.js';
import { inTransaction, type Db } from '../db/tx.js';
import { appendEvents } from '../sync/append.js';
import type { PatientRow, PatientsRepository } from './patients.repository.js';

export interface PatientDetails {
  id: string;
  name: string;
  phone: string;
  email: string | null;
  dateOfBirth: string | null;
}

function details(row: PatientRow): PatientDetails {
  return { id: row.id, name: row.name, phone: row.phone, email: row.email, dateOfBirth: row.dateOfBirth ? row.dateOfBirth.toISOString().slice(0, 10) : null };
}

/** Patients belong to the tenant: every branch's desk may find them. */
export class PatientsService {
  constructor(
    private readonly db: Db,
    private readonly repo: PatientsRepository,
  ) {}

  search(actor: Actor, input: z.output<typeof patientSearchInput>): Promise<PatientSummary[]> {
    return this.repo.search(this.db, actor.tenantId, input.query, input.limit);
  }

  create(actor: Actor, input: z.output<typeof patientCreateInput>): Promise<PatientDetails> {
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      const row = await this.repo.create(tx, actor.tenantId, input);
      await appendEvents(tx, { actorId: actor.staffId, desk: actor.desk }, [
        { type: 'patient.created', tenantId: actor.tenantId, branchId: null, aggregateId: row.id, patientId: row.id, payload: { patientId: row.id } },
      ]);
      return details(row);
    });
  }

  /** A patient's record; reading it is written to the audit log. */
  get(actor: Actor, patientId: string): Promise<PatientDetails> {
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      const row = await this.repo.get(tx, actor.tenantId, patientId);
      if (!row) throw notFound('patient');
      await recordPatientRead(tx, actor, row.id);
      return details(row);
    });
  }
}
