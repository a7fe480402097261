import { createHash } from 'node:crypto';
import { CsvError, parse } from 'csv-parse';
import { DomainError } from '@frontdesk/shared';

// A CSV file read as it arrives: bytes counted against a cap and hashed, decoded
// as strict UTF-8, line endings made one kind, records parsed by csv-parse and
// numbered by the line they start on. What cannot be read ends the reading
// with a plain BAD_INPUT naming the line; everything else is the caller's to judge.

export interface CsvRecord {
  /** The line the record starts on (the header is line 1). */
  line: number;
  fields: string[];
}

export interface CsvLimits {
  maxBytes: number;
}

function describeBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MB` : `${Math.round(bytes / 1024)} KB`;
}

const refused = (message: string) => new DomainError('BAD_INPUT', message, { field: 'file' });

/** Reads `source` once; `records()` yields its records, then `sha256` and `bytes` describe the whole file. */
export class CsvStream {
  bytes = 0;
  private readonly hash = createHash('sha256');
  private digest: string | null = null;
  /** Newlines decoded so far: where a byte that is not UTF-8 was found. */
  private decodedLines = 1;

  constructor(
    private readonly source: AsyncIterable<Uint8Array>,
    private readonly limits: CsvLimits,
  ) {}

  /** The file's SHA-256 in hex, once every record has been read. */
  get sha256(): string {
    if (this.digest === null) throw new Error('the file has not been read to its end');
    return this.digest;
  }

  /** The file as text with every line ending a plain \n (CRLF and lone CR alike), so lines count the same way in any file. */
  private async *text(): AsyncGenerator<string> {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let carriageReturn = false;
    const decode = (chunk: Uint8Array | undefined, stream: boolean): string => {
      try {
        return chunk ? decoder.decode(chunk, { stream }) : decoder.decode();
      } catch {
        // The line of the first byte that is not UTF-8: the chunk read leniently, up to its first replacement character.
        const lenient = chunk ? new TextDecoder().decode(chunk) : '';
        const bad = lenient.indexOf('\uFFFD');
        const before = bad === -1 ? '' : lenient.slice(0, bad).replace(/\r\n?/g, '\n');
        let line = this.decodedLines;
        for (let i = before.indexOf('\n'); i !== -1; i = before.indexOf('\n', i + 1)) line++;
        throw refused(`The file is not UTF-8 text (from line ${line} on). Save it as "CSV UTF-8" and try again.`);
      }
    };
    const normalise = (text: string): string => {
      let out = carriageReturn ? '\r' + text : text;
      // A CR at the end of a chunk may be the first half of a CRLF: keep it for the next chunk.
      carriageReturn = out.endsWith('\r');
      if (carriageReturn) out = out.slice(0, -1);
      out = out.replace(/\r\n?/g, '\n');
      for (let i = out.indexOf('\n'); i !== -1; i = out.indexOf('\n', i + 1)) this.decodedLines++;
      return out;
    };
    for await (const chunk of this.source) {
      this.bytes += chunk.byteLength;
      if (this.bytes > this.limits.maxBytes) {
        throw refused(`The file is larger than ${describeBytes(this.limits.maxBytes)}; split it into smaller files.`);
      }
      this.hash.update(chunk);
      const text = normalise(decode(chunk, true));
      if (text) yield text;
    }
    const rest = normalise(decode(undefined, false)) + (carriageReturn ? '\n' : '');
    if (rest) yield rest;
    this.digest = this.hash.digest('hex');
  }

  /**
   * The records in order, a chunk's worth at a time (no promise per record):
   * each piece of text is handed to the parser and its records taken at once,
   * so the file is read no faster than its rows are judged. Throws BAD_INPUT
   * for a file that cannot be read as CSV.
   */
  async *records(): AsyncGenerator<CsvRecord[]> {
    const parser = parse({
      // The decoder has taken a byte-order mark off already; this catches one sent as text.
      bom: true,
      record_delimiter: '\n',
      // A row with too few or too many fields is the caller's to report, line by line.
      relax_column_count: true,
      // One value (or row) of 64 kB is a file gone wrong, e.g. a quote never closed.
      max_record_size: 64 * 1024,
    });
    let batch: CsvRecord[] = [];
    let failure: unknown = null;
    // Lines are counted here: a record starts where the last one ended and spans one line more per line break inside its values.
    let line = 1;
    parser.on('data', (fields: string[]) => {
      const start = line;
      line += 1;
      for (const value of fields) for (let i = value.indexOf('\n'); i !== -1; i = value.indexOf('\n', i + 1)) line++;
      // A blank line (or one of commas only) is no row.
      if (fields.every((value) => value.trim() === '')) return;
      batch.push({ line: start, fields });
    });
    parser.on('error', (error) => {
      failure ??= error;
    });
    const settled = (write: (done: () => void) => void) => new Promise<void>((resolve) => write(() => setImmediate(resolve)));
    try {
      for await (const text of this.text()) {
        await settled((done) => parser.write(text, done));
        if (failure) throw failure;
        if (batch.length) {
          yield batch;
          batch = [];
        }
      }
      await settled((done) => parser.end(done));
      if (failure) throw failure;
      if (batch.length) yield batch;
    } catch (error) {
      parser.destroy();
      throw readable(error);
    }
  }
}

/** csv-parse's failures (an unclosed or stray quote) as a plain sentence with the line. */
function readable(error: unknown): unknown {
  if (error instanceof DomainError) return error;
  if (error instanceof CsvError) {
    const line = (error as CsvError & { lines?: number }).lines;
    const where = line ? `Line ${line}: ` : '';
    switch (error.code) {
      case 'CSV_QUOTE_NOT_CLOSED':
        return refused(`${where}a quoted value is never closed; the file cannot be read past it.`);
      case 'CSV_INVALID_CLOSING_QUOTE':
        return refused(`${where}a quoted value is followed by more text; inside quotes, write a quote as two quotes ("").`);
      case 'CSV_MAX_RECORD_SIZE':
        return refused(`${where}a row is too long.`);
      default:
        return refused(`${where}the file cannot be read as CSV.`);
    }
  }
  return error;
}
