import pg from 'pg';
import { clientFor, loginAt, startServerProcess } from '@frontdesk/server/testing';
import { DEMO_PASSWORD } from '../src/seed/demo.js';
import { percentile, round } from './stats.js';
import { patientsCsv } from './imports.js';

// Patient search on the 100,000 patients the import section leaves in the
// demo clinic: each kind of query a desk types, through a server process's
// patients.search, one at a time (a desk waits for its answer).

export interface SearchKindResult {
  queries: number;
  p50Ms: number;
  p99Ms: number;
  /** Queries that found nobody (the queries are built from patients that exist). */
  empty: number;
}

export interface PatientSearchBenchResult {
  patients: number;
  nameTokens: SearchKindResult;
  phone: SearchKindResult;
  dateOfBirth: SearchKindResult;
}

const SAMPLE = 200;

/** Queries of one kind, built from rows of the imported file (the same generator). */
function queries(kind: 'name' | 'phone' | 'dob', rows: number): string[] {
  const out: string[] = [];
  for (let n = 0; n < SAMPLE; n++) {
    const i = Math.floor(((n * 7919) % SAMPLE) * (rows / SAMPLE)) + (n % 13);
    const [name, dob, phone] = patientsCsv(1, i).split('\r\n')[1]!.split(',') as [string, string, string];
    const [first, last, number] = name.split(' ') as [string, string, string];
    if (kind === 'name') out.push(n % 2 ? `${last.toLowerCase()} ${first.slice(0, 3).toLowerCase()}` : `${number} ${first.slice(0, 2)}`);
    if (kind === 'phone') out.push(n % 2 ? phone : phone.replace(/\D/g, '').slice(-8));
    if (kind === 'dob') out.push(n % 2 ? dob : `${dob.slice(8)}/${dob.slice(5, 7)}/${dob.slice(0, 4)}`);
  }
  return out;
}

export async function benchPatientSearch(databaseUrl: string, options: { rows: number }): Promise<PatientSearchBenchResult> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let patients: number;
  try {
    // Fresh statistics after a bulk import, as autovacuum would give a real clinic.
    await client.query('ANALYZE patient');
    patients = Number((await client.query('SELECT count(*) AS n FROM patient')).rows[0].n);
  } finally {
    await client.end();
  }
  const server = await startServerProcess(databaseUrl, {});
  try {
    const token = await loginAt(server.url, 'reception@demo.frontdesk.test', DEMO_PASSWORD, 'search bench').catch(() =>
      loginAt(server.url, 'admin@demo.frontdesk.test', DEMO_PASSWORD, 'search bench'),
    );
    const api = clientFor(() => server.url, token);
    const run = async (kind: 'name' | 'phone' | 'dob'): Promise<SearchKindResult> => {
      const list = queries(kind, options.rows);
      for (const q of list.slice(0, 20)) await api.patients.search.query({ query: q }); // warm-up
      const times: number[] = [];
      let empty = 0;
      for (const q of list) {
        const started = performance.now();
        const hits = await api.patients.search.query({ query: q });
        times.push(performance.now() - started);
        if (hits.length === 0) empty++;
      }
      times.sort((a, b) => a - b);
      return { queries: list.length, p50Ms: round(percentile(times, 50)), p99Ms: round(percentile(times, 99)), empty };
    };
    return { patients, nameTokens: await run('name'), phone: await run('phone'), dateOfBirth: await run('dob') };
  } finally {
    await server.kill('SIGTERM');
  }
}
