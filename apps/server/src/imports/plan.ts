import type { ImportDuplicate } from '@frontdesk/shared';
import type { Tx } from '../db/tx.js';
import type { AnyNewEvent } from '../sync/append.js';
import type { CsvRecord } from './csv-stream.js';
import type { Columns } from './columns.js';

/** Rows checked or written so far, of how many. */
export type WriteProgress = (done: number, total: number) => void;

/** One kind of import: reads rows, finds what the clinic already has, writes the rest. */
export interface ImportPlan {
  /** Checks one data row; reports its faults, or a repeat of an earlier row, to the findings. */
  read(record: CsvRecord, columns: Columns): void;
  /** The rows the clinic already has, as duplicates; what is left is written. Runs again from scratch when its transaction is retried. */
  checkExisting(tx: Tx, progress: WriteProgress): Promise<ImportDuplicate[]>;
  /** How many would be created (patients, or resources) after `checkExisting`. */
  readonly toCreate: number;
  /** Writes what is left; the events to append besides `import.completed`. */
  write(tx: Tx, progress: WriteProgress): Promise<{ created: number; events: AnyNewEvent[] }>;
}
