import type { DomainErrorShape } from './errors.js';

// CSV imports of patients and of resources with their weekly hours. The file
// is posted to the server's `/import/<kind>?mode=preview|apply` endpoint, which
// answers a stream of JSON lines (ImportMessage): progress, then one result or
// one error. README "Importing patients and resources" describes the formats.

export const IMPORT_KINDS = ['patients', 'resources'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export const IMPORT_MODES = ['preview', 'apply'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

/** The largest file accepted, in bytes. */
export const IMPORT_MAX_BYTES = 50 * 1024 * 1024;
/** The most data rows (lines after the header) in one file. */
export const IMPORT_MAX_ROWS = 200_000;
/** How many row errors and duplicates a result lists; the totals count them all. */
export const IMPORT_LISTED_MAX = 1_000;

/** The header names of each kind of file, in the order the sample files use. */
export const IMPORT_COLUMNS: Record<ImportKind, { required: readonly string[]; optional: readonly string[] }> = {
  patients: { required: ['name', 'phone'], optional: ['date_of_birth', 'email'] },
  resources: { required: ['kind', 'name', 'branch'], optional: ['tags', 'colour', 'hours'] },
};

/** What is wrong with one row: its line in the file (the header is line 1), the column, in plain words why. */
export interface ImportRowError {
  line: number;
  /** The header name of the column, or null when the whole row (or file) is at fault. */
  column: string | null;
  reason: string;
}

/** A row that is already there: in the database, or earlier in the same file. It is skipped, not an error. */
export interface ImportDuplicate {
  line: number;
  /** The row's name, as written in the file. */
  name: string;
  /** In plain words: "same name and date of birth as Maya Shah (already a patient)". */
  reason: string;
  /** The earlier line of the file it repeats, or null. */
  ofLine: number | null;
  /** The patient or resource already in the database, or null. */
  existingId: string | null;
}

export interface ImportProgress {
  type: 'progress';
  /** reading: the file is being read and checked row by row; checking: against the clinic's data; writing: rows inserted. */
  phase: 'reading' | 'checking' | 'writing';
  /** Rows read (reading) or done (checking, writing) so far. */
  rows: number;
  /** Bytes of the file read so far. */
  bytes: number;
  /** Rows to check or write, once known. */
  total: number | null;
}

export interface ImportResult {
  type: 'result';
  kind: ImportKind;
  mode: ImportMode;
  fileName: string;
  fileSha256: string;
  /** Data rows in the file. */
  rows: number;
  /** Rows that will be (preview: the sound ones, faulty rows not counted) or were (apply) added; for resources, resources (a resource may take one row per branch). */
  created: number;
  /** Rows skipped as duplicates. */
  skipped: number;
  errors: ImportRowError[];
  errorCount: number;
  duplicates: ImportDuplicate[];
  duplicateCount: number;
  /** The same file (by content) was imported before: applying it again changes nothing. */
  alreadyImported: { importId: string; at: string; fileName: string } | null;
  /** Whether anything was written (apply only). */
  applied: boolean;
  /** The recorded import, when something was written. */
  importId: string | null;
  /** What happened, in one plain sentence. */
  message: string;
}

/** The import stopped (a file that cannot be read, too large, a failure of the server): nothing was written. */
export interface ImportFailure {
  type: 'error';
  /** The domain error, or null for a failure of the server itself. */
  error: DomainErrorShape | null;
  message: string;
}

/** One line of the endpoint's answer. */
export type ImportMessage = ImportProgress | ImportResult | ImportFailure;

/** An import that wrote something, as the setup screen lists it. */
export interface ImportRunView {
  id: string;
  kind: ImportKind;
  fileName: string;
  rows: number;
  created: number;
  skipped: number;
  createdBy: string;
  createdAt: string;
}
