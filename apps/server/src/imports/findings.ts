import { IMPORT_LISTED_MAX, type ImportDuplicate, type ImportRowError } from '@frontdesk/shared';

/** What a read of the file found: every error and duplicate counted, the first IMPORT_LISTED_MAX of each kept. */
export class Findings {
  readonly errors: ImportRowError[] = [];
  readonly duplicates: ImportDuplicate[] = [];
  errorCount = 0;
  duplicateCount = 0;

  error = (error: ImportRowError): void => {
    this.errorCount++;
    if (this.errors.length < IMPORT_LISTED_MAX) this.errors.push(error);
  };

  duplicate = (duplicate: ImportDuplicate): void => {
    this.duplicateCount++;
    if (this.duplicates.length < IMPORT_LISTED_MAX) this.duplicates.push(duplicate);
  };

  /** Database duplicates are found after the file's own: the list stays in line order. */
  sortDuplicates(): void {
    this.duplicates.sort((a, b) => a.line - b.line);
  }
}
