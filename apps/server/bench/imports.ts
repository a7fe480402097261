import pg from 'pg';
import type { ImportKind } from '@frontdesk/shared';
import { loginAt, postImport, startServerProcess, type ImportAnswer } from '@frontdesk/server/testing';
import { DEMO_PASSWORD } from '../src/seed/demo.js';
import { round } from './stats.js';

// A patients file of 100,000 rows through the real endpoint of a server
// process (demo clinic): the preview, the apply, the same file again, and the
// file with one row more (every row checked against the 100,000 now there).

export interface ImportStep {
  seconds: number;
  rowsPerSecond: number;
  created: number;
  skipped: number;
  /** Progress lines the server sent before its result. */
  progressMessages: number;
}

export interface ImportBenchResult {
  rows: number;
  fileMiB: number;
  preview: ImportStep;
  apply: ImportStep;
  sameFileAgain: ImportStep;
  editedFileAgain: ImportStep;
  /** Patients in the clinic afterwards, counted in SQL. */
  patientsInSql: number;
  patientsBefore: number;
}

const FIRST = ['Aarav', 'Maya', 'Noah', 'Zara', 'Liam', 'Isha', 'Omar', 'Chloe', 'Ravi', 'Emma', 'Kenji', 'Sofia', 'Tariq', 'Ana', 'Dev', 'Lena'];
const LAST = ['Shah', 'Brown', 'Garcia', 'Kim', 'Patel', 'Okafor', 'Rossi', 'Novak', 'Singh', 'Moreau'];

/** A file as a clinic's old system would export it: every row a different person, half with an email. */
export function patientsCsv(rows: number, offset = 0): string {
  const lines = ['name,date_of_birth,phone,email'];
  for (let i = offset; i < offset + rows; i++) {
    const name = `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]} ${i}`;
    const dob = `${1940 + (i % 80)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
    lines.push(`${name},${dob},+44 7700 ${String(100000 + i).padStart(6, '0')},${i % 2 === 0 ? `patient${i}@example.com` : ''}`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

async function timed(url: string, token: string, kind: ImportKind, mode: 'preview' | 'apply', csv: string, rows: number): Promise<ImportStep> {
  const started = performance.now();
  const answer: ImportAnswer = await postImport(url, token, kind, mode, Buffer.from(csv), { fileName: `bench-${rows}.csv` });
  const seconds = (performance.now() - started) / 1000;
  if (!answer.result) throw new Error(`import bench: no result (${answer.status}): ${answer.failure?.message ?? answer.body.slice(0, 300)}`);
  if (answer.result.errorCount > 0) throw new Error(`import bench: ${answer.result.errorCount} errors, first: ${JSON.stringify(answer.result.errors[0])}`);
  return { seconds: round(seconds, 3), rowsPerSecond: Math.round(rows / seconds), created: answer.result.created, skipped: answer.result.skipped, progressMessages: answer.progress.length };
}

async function patientCount(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return Number((await client.query('SELECT count(*) AS n FROM patient')).rows[0].n);
  } finally {
    await client.end();
  }
}

export async function benchImport(databaseUrl: string, options: { rows: number }): Promise<ImportBenchResult> {
  const server = await startServerProcess(databaseUrl, { FRONTDESK_SEED: 'demo' });
  try {
    const token = await loginAt(server.url, 'admin@demo.frontdesk.test', DEMO_PASSWORD, 'import bench');
    const csv = patientsCsv(options.rows);
    const patientsBefore = await patientCount(databaseUrl);
    const preview = await timed(server.url, token, 'patients', 'preview', csv, options.rows);
    const apply = await timed(server.url, token, 'patients', 'apply', csv, options.rows);
    const sameFileAgain = await timed(server.url, token, 'patients', 'apply', csv, options.rows);
    const edited = csv + patientsCsv(1, options.rows).split('\r\n')[1] + '\r\n';
    const editedFileAgain = await timed(server.url, token, 'patients', 'apply', edited, options.rows + 1);
    return {
      rows: options.rows,
      fileMiB: round(Buffer.byteLength(csv) / 2 ** 20),
      preview,
      apply,
      sameFileAgain,
      editedFileAgain,
      patientsInSql: await patientCount(databaseUrl),
      patientsBefore,
    };
  } finally {
    await server.kill('SIGTERM');
  }
}
