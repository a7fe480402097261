import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CsvStream, type CsvRecord } from './csv-stream.js';

async function* chunks(bytes: Buffer, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function read(text: string | Buffer, size = 3, maxBytes = 1_000_000): Promise<{ records: CsvRecord[]; sha256: string }> {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const stream = new CsvStream(chunks(bytes, size), { maxBytes });
  const records: CsvRecord[] = [];
  for await (const batch of stream.records()) records.push(...batch);
  return { records, sha256: stream.sha256 };
}

describe('reading a CSV file as it arrives', () => {
  it('numbers each record by the line it starts on, across blank lines and quoted line breaks, with CRLF split between chunks', async () => {
    const { records } = await read('a,b\r\n1,2\r\n\r\n"x\r\ny",3\r\n4,"5"\r\n');
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
      { line: 4, fields: ['x\ny', '3'] },
      { line: 6, fields: ['4', '5'] },
    ]);
  });

  it('takes a byte-order mark off, reads lone CRs as line ends and a last line without one', async () => {
    const { records } = await read('\uFEFFa,b\r1,2\r3,4', 2);
    expect(records.map((r) => [r.line, r.fields])).toEqual([
      [1, ['a', 'b']],
      [2, ['1', '2']],
      [3, ['3', '4']],
    ]);
  });

  it('keeps a character whose UTF-8 bytes arrive in two chunks, and hashes the bytes as sent', async () => {
    const bytes = Buffer.from('name\nJosé Ñúñez\n');
    const { records, sha256 } = await read(bytes, 1);
    expect(records[1]!.fields).toEqual(['José Ñúñez']);
    expect(sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('refuses bytes that are not UTF-8, naming the line', async () => {
    await expect(read(Buffer.concat([Buffer.from('a\nb\nc'), Buffer.from([0xe9]), Buffer.from('\n')]), 100)).rejects.toThrow(/not UTF-8 text \(from line 3 on\)/);
  });

  it('refuses a file over the limit as it grows', async () => {
    await expect(read('a,b\n'.repeat(100), 16, 200)).rejects.toThrow(/larger than/);
  });

  it('refuses a quote never closed or followed by text, naming the line', async () => {
    await expect(read('a,b\n1,2\n"3,4\n5,6\n')).rejects.toThrow(/^Line \d+: a quoted value is never closed/);
    await expect(read('a,b\n1,2\n"3"x,4\n')).rejects.toThrow(/^Line 3: a quoted value is followed by more text/);
  });
});
