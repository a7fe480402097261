import { createHash } from 'node:crypto';
import {
  countryOfTimeZone,
  DomainError,
  IMPORT_COLUMNS,
  IMPORT_MAX_BYTES,
  IMPORT_MAX_ROWS,
  type ImportDuplicate,
  type ImportKind,
  type ImportMode,
  type ImportProgress,
  type ImportResult,
  type ImportRunView,
} from '@frontdesk/shared';
import type { Actor } from '../auth/scope.js';
import type { CatalogueCache } from '../availability/catalogue-cache.js';
import { inTransaction, type Db } from '../db/tx.js';
import { appendEvents } from '../sync/append.js';
import { Columns } from './columns.js';
import { CsvStream } from './csv-stream.js';
import { Findings } from './findings.js';
import type { ImportRunRow, ImportsRepository } from './imports.repository.js';
import { PatientImport } from './patient-import.js';
import type { ImportPlan } from './plan.js';
import { ResourceImport } from './resource-import.js';

export interface ImportRequest {
  kind: ImportKind;
  mode: ImportMode;
  fileName: string;
  /** The file's bytes as they arrive. */
  body: AsyncIterable<Uint8Array>;
}

export interface ImportLimits {
  maxBytes: number;
  maxRows: number;
}

/** How often, in rows read, the reader says how far it got. */
const PROGRESS_EVERY = 5_000;
const RUNS_LISTED = 20;
/** An apply of 200,000 rows on a busy machine takes well under this; the usual 15 s is for desk commands. */
const IMPORT_TX_TIMEOUT_MS = 120_000;

/** One import of a kind at a time per clinic: two desks applying the same file at once cannot both write it. */
export function importLock(tenantId: string, kind: ImportKind): bigint {
  return createHash('sha256').update(`frontdesk import:${tenantId}:${kind}`).digest().readBigInt64BE(0);
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/**
 * Imports of patients and of resources from CSV. The file is read and checked
 * as it streams in (nothing is written meanwhile); a preview then checks it
 * against the clinic's data in a read; an apply does that again and writes
 * everything in one transaction, or nothing when any row has an error.
 */
export class ImportsService {
  constructor(
    private readonly db: Db,
    private readonly repo: ImportsRepository,
    private readonly catalogues: CatalogueCache,
    private readonly now: () => Date,
    private readonly limits: ImportLimits = { maxBytes: IMPORT_MAX_BYTES, maxRows: IMPORT_MAX_ROWS },
  ) {}

  runs(actor: Actor): Promise<ImportRunView[]> {
    return this.repo.runs(this.db, actor.tenantId, RUNS_LISTED);
  }

  async run(actor: Actor, request: ImportRequest, progress: (p: ImportProgress) => void): Promise<ImportResult> {
    const { tenantId } = actor;
    const findings = new Findings();
    const plan: ImportPlan =
      request.kind === 'patients'
        ? new PatientImport(this.repo, tenantId, this.now().toISOString().slice(0, 10), await this.phoneCountry(actor), findings)
        : new ResourceImport(this.repo, tenantId, await inTransaction(this.db, { tenantId }, (tx) => this.repo.branches(tx, tenantId)), findings);
    const file = new CsvStream(request.body, { maxBytes: this.limits.maxBytes });
    const rows = await this.read(request.kind, file, plan, findings, progress);
    const job: Job = { actor, request, plan, findings, file, rows, progress };
    return request.mode === 'preview' ? this.preview(job) : this.apply(job);
  }

  /** The country a phone without its code is read in: that of the admin's first branch's time zone, as on the desk's patient form. */
  private async phoneCountry(actor: Actor): Promise<string | null> {
    const branchId = actor.branchIds[0];
    if (!branchId) return null;
    const zone = await inTransaction(this.db, { tenantId: actor.tenantId }, (tx) => this.repo.branchTimeZone(tx, actor.tenantId, branchId));
    return zone ? countryOfTimeZone(zone) : null;
  }

  /** Checked against the clinic even when some rows are wrong: one preview tells everything there is to fix or know. */
  private async preview(job: Job): Promise<ImportResult> {
    const { tenantId } = job.actor;
    const { previous, found } = await inTransaction(this.db, { tenantId, timeoutMs: IMPORT_TX_TIMEOUT_MS }, async (tx) => {
      await this.repo.allowLongStatements(tx);
      return { previous: await this.repo.previousRun(tx, tenantId, job.request.kind, job.file.sha256), found: await job.plan.checkExisting(tx, checking(job)) };
    });
    const skipped = job.findings.duplicateCount + found.length;
    const message = faultsMessage(job) ?? previewMessage(job.request.kind, job.plan.toCreate, skipped, previous);
    return outcome(job, { created: job.plan.toCreate, skipped, alreadyImported: earlier(previous), applied: false, importId: null, message }, found);
  }

  /** All in one transaction, or nothing: not when a row is wrong, not a file already imported, not rows the clinic has. */
  private async apply(job: Job): Promise<ImportResult> {
    const { actor, request, plan, findings, file, rows } = job;
    const { tenantId } = actor;
    const faults = faultsMessage(job);
    if (faults) return outcome(job, { created: 0, skipped: findings.duplicateCount, alreadyImported: null, applied: false, importId: null, message: faults });

    const done = await inTransaction(this.db, { tenantId, timeoutMs: IMPORT_TX_TIMEOUT_MS }, async (tx) => {
      await this.repo.allowLongStatements(tx);
      if (!(await this.repo.lockImports(tx, importLock(tenantId, request.kind)))) {
        throw new DomainError('INVALID_STATE', `Another import of ${request.kind} is under way; nothing was imported. Try again when it has finished.`, { status: 'importing' });
      }
      const previous = await this.repo.previousRun(tx, tenantId, request.kind, file.sha256);
      if (previous) return { previous, found: [], run: null, created: 0 };
      const found = await plan.checkExisting(tx, checking(job));
      // A file that adds nothing leaves no trace: re-running it is a no-op either way.
      if (plan.toCreate === 0) return { previous: null, found, run: null, created: 0 };
      const { created, events } = await plan.write(tx, (n, total) => job.progress({ type: 'progress', phase: 'writing', rows: n, bytes: file.bytes, total }));
      const skipped = findings.duplicateCount + found.length;
      const run = await this.repo.recordRun(tx, tenantId, { kind: request.kind, sha256: file.sha256, fileName: request.fileName, rows, created, skipped, staffId: actor.staffId });
      await appendEvents(tx, { actorId: actor.staffId, desk: actor.desk }, [
        { type: 'import.completed', tenantId, branchId: null, aggregateId: run.id, payload: { importId: run.id, kind: request.kind, rows, created, skipped } },
        ...events,
      ]);
      return { previous: null, found, run, created };
    });
    if (request.kind === 'resources' && done.created > 0) this.catalogues.invalidate(tenantId);
    const skipped = done.previous ? rows : findings.duplicateCount + done.found.length;
    const message = applyMessage(request.kind, done.created, skipped, done.previous);
    return outcome(job, { created: done.created, skipped, alreadyImported: earlier(done.previous), applied: done.run !== null, importId: done.run?.id ?? null, message }, done.found);
  }

  /** Reads the whole file, row by row: the header first, then each row checked by `plan`. Returns the number of data rows. */
  private async read(kind: ImportKind, file: CsvStream, plan: ImportPlan, findings: Findings, progress: (p: ImportProgress) => void): Promise<number> {
    let columns: Columns | null = null;
    let header = false;
    let rows = 0;
    for await (const batch of file.records()) {
      for (const record of batch) {
        if (!header) {
          header = true;
          const read = Columns.fromHeader(kind, record);
          read.errors.forEach(findings.error);
          columns = read.columns;
          continue;
        }
        rows++;
        if (rows > this.limits.maxRows) {
          throw new DomainError('BAD_INPUT', `The file has more than ${this.limits.maxRows.toLocaleString('en')} rows; split it into smaller files.`, { field: 'file' });
        }
        // A file whose header is wrong is still read to its end (for its size and hash), but its rows cannot be judged.
        if (columns) {
          const ragged = columns.raggedness(record);
          if (ragged) findings.error(ragged);
          else plan.read(record, columns);
        }
        if (rows % PROGRESS_EVERY === 0) progress({ type: 'progress', phase: 'reading', rows, bytes: file.bytes, total: null });
      }
    }
    if (!header) {
      const { required, optional } = IMPORT_COLUMNS[kind];
      findings.error({ line: 1, column: null, reason: `The file is empty. Its first line names the columns: ${[...required, ...optional].join(',')}.` });
    } else if (rows === 0 && columns) {
      findings.error({ line: 2, column: null, reason: 'The file has a header but no rows under it.' });
    }
    progress({ type: 'progress', phase: 'reading', rows, bytes: file.bytes, total: rows });
    return rows;
  }
}

/** One file being imported: who, what, and what reading it found. */
interface Job {
  actor: Actor;
  request: ImportRequest;
  plan: ImportPlan;
  findings: Findings;
  file: CsvStream;
  rows: number;
  progress: (p: ImportProgress) => void;
}

const checking =
  (job: Job) =>
  (done: number, total: number): void =>
    job.progress({ type: 'progress', phase: 'checking', rows: done, bytes: job.file.bytes, total });

function faultsMessage({ findings, request }: Job): string | null {
  const n = findings.errorCount;
  if (n === 0) return null;
  return `${plural(n, 'error')} in the file: nothing ${request.mode === 'apply' ? 'was' : 'will be'} imported. Fix ${n === 1 ? 'it' : 'them'} and preview again.`;
}

/** The result line: what the job found while reading, with the duplicates the clinic's data added. */
function outcome(
  job: Job,
  r: Pick<ImportResult, 'created' | 'skipped' | 'alreadyImported' | 'applied' | 'importId' | 'message'>,
  found: readonly ImportDuplicate[] = [],
): ImportResult {
  const { findings, request, file, rows } = job;
  for (const d of found) findings.duplicate(d);
  findings.sortDuplicates();
  return {
    type: 'result',
    kind: request.kind,
    mode: request.mode,
    fileName: request.fileName,
    fileSha256: file.sha256,
    rows,
    errors: findings.errors,
    errorCount: findings.errorCount,
    duplicates: findings.duplicates,
    duplicateCount: findings.duplicateCount,
    ...r,
  };
}

function earlier(previous: ImportRunRow | null): ImportResult['alreadyImported'] {
  return previous ? { importId: previous.id, at: previous.createdAt.toISOString(), fileName: previous.fileName } : null;
}

const NOUN: Record<ImportKind, string> = { patients: 'patient', resources: 'resource' };

function previewMessage(kind: ImportKind, created: number, skipped: number, previous: ImportRunRow | null): string {
  if (previous) return `This file was imported on ${previous.createdAt.toISOString().slice(0, 10)}; importing it again changes nothing.`;
  if (created === 0) return `Nothing to import: ${skipped === 1 ? 'the row is' : 'every row is'} already there.`;
  return `Ready: ${plural(created, NOUN[kind])} will be added${skipped ? `; ${plural(skipped, 'row')} already there will be skipped` : ''}.`;
}

function applyMessage(kind: ImportKind, created: number, skipped: number, previous: ImportRunRow | null): string {
  if (previous) return `This file was imported on ${previous.createdAt.toISOString().slice(0, 10)}; nothing was changed.`;
  if (created === 0) return `Nothing was imported: ${skipped === 1 ? 'the row is' : 'every row is'} already there.`;
  return `Imported ${plural(created, NOUN[kind])}${skipped ? `; ${plural(skipped, 'row')} already there ${skipped === 1 ? 'was' : 'were'} skipped` : ''}.`;
}
