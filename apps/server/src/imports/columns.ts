import { IMPORT_COLUMNS, type ImportKind, type ImportRowError } from '@frontdesk/shared';
import type { CsvRecord } from './csv-stream.js';

// The header line of an import file and reading a row's values by column name.

/** Header names as people type them: "Date of birth", "date-of-birth" and "DATE_OF_BIRTH" are one column. */
const ALIASES: Record<string, string> = { color: 'colour', dob: 'date_of_birth' };

export function columnName(raw: string): string {
  const name = raw
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  return ALIASES[name] ?? name;
}

/** The columns of a file, by name, once its header is known to be complete. */
export class Columns {
  private constructor(
    private readonly index: ReadonlyMap<string, number>,
    readonly count: number,
  ) {}

  /**
   * Reads the header of a `kind` file; any missing, unknown, repeated or
   * nameless column is an error of line 1 naming it, and the file is read no further.
   */
  static fromHeader(kind: ImportKind, header: CsvRecord): { columns: Columns | null; errors: ImportRowError[] } {
    const { required, optional } = IMPORT_COLUMNS[kind];
    const known = new Set([...required, ...optional]);
    const listed = [...required, ...optional].join(', ');
    const index = new Map<string, number>();
    const errors: ImportRowError[] = [];
    header.fields.forEach((raw, i) => {
      const name = columnName(raw);
      if (!name) {
        errors.push({ line: header.line, column: null, reason: `Column ${i + 1} of the header has no name; the columns are ${listed}.` });
      } else if (!known.has(name)) {
        errors.push({ line: header.line, column: raw.trim().slice(0, 60), reason: `"${raw.trim().slice(0, 60)}" is not a column of a ${kind} file; the columns are ${listed}.` });
      } else if (index.has(name)) {
        errors.push({ line: header.line, column: name, reason: `The column ${name} appears twice (columns ${index.get(name)! + 1} and ${i + 1}).` });
      } else {
        index.set(name, i);
      }
    });
    for (const name of required) {
      if (!index.has(name)) errors.push({ line: header.line, column: name, reason: `The column ${name} is missing; a ${kind} file needs ${required.join(', ')}.` });
    }
    return errors.length ? { columns: null, errors } : { columns: new Columns(index, header.fields.length), errors };
  }

  /**
   * A row whose values do not line up with the header. Empty values past the
   * last column (trailing commas a spreadsheet adds) are not a fault.
   */
  raggedness(record: CsvRecord): ImportRowError | null {
    const { fields } = record;
    if (fields.length < this.count) {
      return { line: record.line, column: null, reason: `The row has ${fields.length} value${fields.length === 1 ? '' : 's'}; the header has ${this.count} columns.` };
    }
    for (let i = this.count; i < fields.length; i++) {
      if (fields[i]!.trim() !== '') {
        return { line: record.line, column: null, reason: `The row has ${fields.length} values; the header has ${this.count} columns. A value with a comma in it must be in double quotes.` };
      }
    }
    return null;
  }

  /** The trimmed value of a column ('' when the file has no such column). */
  value(record: CsvRecord, name: string): string {
    const i = this.index.get(name);
    return i === undefined ? '' : (record.fields[i] ?? '').trim();
  }
}

// Line breaks, NUL and other control characters: never part of a name, a phone or a tag.
const CONTROL = /\p{Cc}/u;

export function hasControlCharacters(value: string): boolean {
  return CONTROL.test(value);
}

/** Runs of white space made one space: how names are stored and compared. */
export function collapseSpaces(value: string): string {
  return value.replace(/\s+/g, ' ');
}
