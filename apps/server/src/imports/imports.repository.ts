import type { ImportKind, ImportRunView, ResourceKind } from '@frontdesk/shared';
import { PG, sqlStateOf } from '../db/errors.js';
import type { Db, Tx } from '../db/tx.js';
import type { BranchRef } from './resource-rows.js';
import type { WeeklyInterval } from './weekly-hours.js';

// Every statement of the imports. Rows go in as whole columns (one array per
// column, unnest on the database side): one statement per batch, not per row.

export interface ExistingPatientMatch {
  /** 1-based position in the arrays sent. */
  n: number;
  id: string;
  name: string;
  by: 'name' | 'phone';
}

export interface NewPatients {
  names: string[];
  phones: string[];
  emails: (string | null)[];
  datesOfBirth: (string | null)[];
}

export interface NewResource {
  id: string;
  kind: ResourceKind;
  name: string;
  tags: string[];
  colour: string;
  branches: { branchId: string; hours: WeeklyInterval[] }[];
}

export interface ImportRunRow {
  id: string;
  createdAt: Date;
  fileName: string;
}

export class ImportsRepository {
  branches(db: Db | Tx, tenantId: string): Promise<BranchRef[]> {
    return db.branch.findMany({
      where: { tenantId },
      select: { id: true, name: true, active: true, openingHours: { select: { weekday: true, startMinute: true, endMinute: true } } },
      orderBy: { name: 'asc' },
    });
  }

  /** A branch's time zone, or null when the clinic has no such branch. */
  async branchTimeZone(db: Db | Tx, tenantId: string, branchId: string): Promise<string | null> {
    return (await db.branch.findFirst({ where: { tenantId, id: branchId }, select: { timeZone: true } }))?.timeZone ?? null;
  }

  resources(db: Db | Tx, tenantId: string): Promise<{ id: string; kind: ResourceKind; name: string; colour: string; active: boolean }[]> {
    return db.resource.findMany({ where: { tenantId }, select: { id: true, kind: true, name: true, colour: true, active: true } });
  }

  /** The earlier import of the same file, if any. */
  async previousRun(db: Db | Tx, tenantId: string, kind: ImportKind, sha256: string): Promise<ImportRunRow | null> {
    return db.importRun.findFirst({
      where: { tenantId, kind, fileSha256: sha256 },
      select: { id: true, createdAt: true, fileName: true },
      orderBy: { createdAt: 'asc' },
    });
  }

  /** Statements of an import may run longer than a desk's (checking 200,000 rows at once on a busy machine). */
  async allowLongStatements(tx: Tx): Promise<void> {
    await tx.$executeRaw`SET LOCAL statement_timeout = '60s'`;
  }

  /**
   * Waits (at most a few seconds) for the clinic's lock on imports of `kind`;
   * false when another import holds it that long.
   */
  async lockImports(tx: Tx, key: bigint): Promise<boolean> {
    await tx.$executeRaw`SET LOCAL lock_timeout = '4s'`;
    try {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${key}::bigint)`;
    } catch (error) {
      if (sqlStateOf(error) === PG.LOCK_NOT_AVAILABLE) return false;
      throw error;
    }
    await tx.$executeRaw`SET LOCAL lock_timeout = DEFAULT`;
    return true;
  }

  /**
   * Patients already there with the same name (any case) and date of birth, or
   * the same phone digits (stored phones are E.164, so the digits of the
   * row's E.164 form), for each row sent. Two equality joins rather than
   * one join on an OR: for a large file two hash joins over one pass of the
   * patients, for a few rows lookups in patient_name_dob_idx and
   * patient_phone_digits_idx.
   */
  patientMatches(db: Db | Tx, tenantId: string, rows: { names: string[]; datesOfBirth: (string | null)[]; phoneDigits: string[] }): Promise<ExistingPatientMatch[]> {
    // One JSON text rather than three arrays: a quarter less time passing 100,000 rows through the driver.
    const json = JSON.stringify(rows.names.map((name, i) => ({ name, dob: rows.datesOfBirth[i], digits: rows.phoneDigits[i] })));
    return db.$queryRaw<ExistingPatientMatch[]>`
      WITH i AS (
        SELECT * FROM ROWS FROM (json_to_recordset(${json}::json) AS (name text, dob date, digits text)) WITH ORDINALITY AS i(name, dob, digits, n)
      )
      SELECT i.n::int AS n, p.id::text AS id, p.name, 'name' AS by
        FROM i JOIN patient p ON p.tenant_id = ${tenantId}::uuid AND lower(p.name) = lower(i.name) AND p.date_of_birth = i.dob
      UNION ALL
      SELECT i.n::int AS n, p.id::text AS id, p.name, 'phone' AS by
        FROM i JOIN patient p ON p.tenant_id = ${tenantId}::uuid AND regexp_replace(p.phone, '[^0-9]', '', 'g') = i.digits`;
  }

  insertPatients(tx: Tx, tenantId: string, rows: NewPatients): Promise<number> {
    return tx.$executeRaw`
      INSERT INTO patient (tenant_id, name, phone, email, date_of_birth)
      SELECT ${tenantId}::uuid, t.name, t.phone, t.email, t.dob
        FROM unnest(${rows.names}::text[], ${rows.phones}::text[], ${rows.emails}::text[], ${rows.datesOfBirth}::date[]) AS t(name, phone, email, dob)`;
  }

  /** The resources, the branches they work at and their weekly hours there: three statements. */
  async insertResources(tx: Tx, tenantId: string, resources: readonly NewResource[]): Promise<void> {
    const at = resources.flatMap((r) => r.branches.map((b) => ({ resourceId: r.id, ...b })));
    const hours = at.flatMap((b) => b.hours.map((h) => ({ resourceId: b.resourceId, branchId: b.branchId, ...h })));
    await tx.$executeRaw`
      INSERT INTO resource (tenant_id, id, kind, name, tags, colour)
      SELECT ${tenantId}::uuid, t.id, t.kind::"ResourceKind", t.name, string_to_array(t.tags, ';'), t.colour
        FROM unnest(${resources.map((r) => r.id)}::uuid[], ${resources.map((r) => r.kind)}::text[], ${resources.map((r) => r.name)}::text[],
                    ${resources.map((r) => r.tags.join(';'))}::text[], ${resources.map((r) => r.colour)}::text[]) AS t(id, kind, name, tags, colour)`;
    await tx.$executeRaw`
      INSERT INTO resource_branch (tenant_id, resource_id, branch_id)
      SELECT ${tenantId}::uuid, t.r, t.b FROM unnest(${at.map((b) => b.resourceId)}::uuid[], ${at.map((b) => b.branchId)}::uuid[]) AS t(r, b)`;
    if (hours.length === 0) return;
    await tx.$executeRaw`
      INSERT INTO working_hours (tenant_id, resource_id, branch_id, weekday, start_minute, end_minute)
      SELECT ${tenantId}::uuid, t.r, t.b, t.w, t.s, t.e
        FROM unnest(${hours.map((h) => h.resourceId)}::uuid[], ${hours.map((h) => h.branchId)}::uuid[], ${hours.map((h) => h.weekday)}::int[],
                    ${hours.map((h) => h.startMinute)}::int[], ${hours.map((h) => h.endMinute)}::int[]) AS t(r, b, w, s, e)`;
  }

  async recordRun(tx: Tx, tenantId: string, run: { kind: ImportKind; sha256: string; fileName: string; rows: number; created: number; skipped: number; staffId: string }): Promise<ImportRunRow> {
    return tx.importRun.create({
      data: { tenantId, kind: run.kind, fileSha256: run.sha256, fileName: run.fileName, rowCount: run.rows, createdCount: run.created, skippedCount: run.skipped, createdBy: run.staffId },
      select: { id: true, createdAt: true, fileName: true },
    });
  }

  async runs(db: Db | Tx, tenantId: string, limit: number): Promise<ImportRunView[]> {
    const rows = await db.$queryRaw<(Omit<ImportRunView, 'createdAt'> & { createdAt: Date })[]>`
      SELECT r.id::text, r.kind, r.file_name AS "fileName", r.row_count AS rows, r.created_count AS created, r.skipped_count AS skipped,
             s.name AS "createdBy", r.created_at AS "createdAt"
        FROM import_run r JOIN staff s ON s.tenant_id = r.tenant_id AND s.id = r.created_by
       WHERE r.tenant_id = ${tenantId}::uuid
       ORDER BY r.created_at DESC, r.id LIMIT ${limit}::int`;
    return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
  }
}
