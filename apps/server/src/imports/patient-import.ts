import type { ImportDuplicate } from '@frontdesk/shared';
import type { Tx } from '../db/tx.js';
import type { CsvRecord } from './csv-stream.js';
import type { Columns } from './columns.js';
import type { Findings } from './findings.js';
import type { ImportsRepository } from './imports.repository.js';
import type { ImportPlan, WriteProgress } from './plan.js';
import { readPatientRow, type PatientDraft } from './patient-rows.js';

/** Rows per INSERT: large enough that 100,000 patients take twenty statements, small enough to report progress. */
export const PATIENT_BATCH = 5_000;

/**
 * A patients file: each row checked, a row repeating an earlier one (same
 * name and date of birth, or same phone) skipped, then the rest checked
 * against the clinic's patients the same way and inserted in batches.
 */
export class PatientImport implements ImportPlan {
  private readonly drafts: PatientDraft[] = [];
  private readonly lineByName = new Map<string, number>();
  private readonly lineByPhone = new Map<string, number>();
  private fresh: PatientDraft[] = [];

  constructor(
    private readonly repo: ImportsRepository,
    private readonly tenantId: string,
    private readonly today: string,
    /** Where a phone without its country code is read: the importing admin's first branch's country. */
    private readonly country: string | null,
    private readonly findings: Findings,
  ) {}

  read(record: CsvRecord, columns: Columns): void {
    const draft = readPatientRow(record, columns, this.today, this.country, this.findings.error);
    if (!draft) return;
    const byName = draft.nameKey === null ? undefined : this.lineByName.get(draft.nameKey);
    const byPhone = this.lineByPhone.get(draft.phoneDigits);
    const earlier = byName ?? byPhone;
    if (earlier !== undefined) {
      const why = byName !== undefined ? 'the same name and date of birth as' : 'the same phone number as';
      this.findings.duplicate({ line: draft.line, name: draft.name, reason: `Has ${why} line ${earlier}.`, ofLine: earlier, existingId: null });
      return;
    }
    if (draft.nameKey !== null) this.lineByName.set(draft.nameKey, draft.line);
    this.lineByPhone.set(draft.phoneDigits, draft.line);
    this.drafts.push(draft);
  }

  async checkExisting(tx: Tx, progress: WriteProgress): Promise<ImportDuplicate[]> {
    progress(0, this.drafts.length);
    // One statement for the whole file: each side is read once (in batches, every batch would read all the patients again).
    const matches = this.drafts.length === 0 ? [] : await this.repo.patientMatches(tx, this.tenantId, {
      names: this.drafts.map((d) => d.name),
      datesOfBirth: this.drafts.map((d) => d.dateOfBirth),
      phoneDigits: this.drafts.map((d) => d.phoneDigits),
    });
    progress(this.drafts.length, this.drafts.length);
    // A name-and-birthday match says more than a shared phone (a family may share one).
    const best = new Map<number, (typeof matches)[number]>();
    for (const m of matches) {
      const held = best.get(m.n);
      if (!held || (held.by === 'phone' && m.by === 'name')) best.set(m.n, m);
    }
    const duplicates: ImportDuplicate[] = [];
    this.fresh = [];
    this.drafts.forEach((draft, i) => {
      const match = best.get(i + 1);
      if (!match) {
        this.fresh.push(draft);
        return;
      }
      const why = match.by === 'name' ? 'the same name and date of birth as' : 'the same phone number as';
      duplicates.push({ line: draft.line, name: draft.name, reason: `Has ${why} ${match.name}, already a patient.`, ofLine: null, existingId: match.id });
    });
    return duplicates;
  }

  get toCreate(): number {
    return this.fresh.length;
  }

  async write(tx: Tx, progress: WriteProgress): Promise<{ created: number; events: [] }> {
    let created = 0;
    for (let start = 0; start < this.fresh.length; start += PATIENT_BATCH) {
      const batch = this.fresh.slice(start, start + PATIENT_BATCH);
      created += await this.repo.insertPatients(tx, this.tenantId, {
        names: batch.map((d) => d.name),
        phones: batch.map((d) => d.phone),
        emails: batch.map((d) => d.email),
        datesOfBirth: batch.map((d) => d.dateOfBirth),
      });
      progress(created, this.fresh.length);
    }
    return { created, events: [] };
  }
}
