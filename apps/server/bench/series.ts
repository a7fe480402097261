import pg from 'pg';
import { localMinuteToInstant } from '@frontdesk/shared';
import { clientFor, loginAt, startServerProcess } from '@frontdesk/server/testing';
import { DEMO_PASSWORD } from '../src/seed/demo.js';
import { percentile, round } from './stats.js';

// Issue 11: a series of 52 weekly occurrences (a year of Monday physio with
// one practitioner), checked (series.check) and booked (series.book, one
// transaction, the free ones) through a server process over HTTP, several
// times at different hours, against the demo clinic.

export interface SeriesBenchResult {
  occurrences: number;
  runs: number;
  checkMs: { p50: number; max: number };
  bookMs: { p50: number; max: number };
  /** Occurrences booked per run (the rest fall on the clinic's holidays or are taken). */
  bookedPerRun: number[];
  /** Overlapping active occupancy after the runs, counted in SQL (must be 0). */
  overlapsInSql: number;
}

/** Physio with Emily Shaw on Mondays, 08:00–14:00 (an hour, 5 minutes' buffer before). */
const HOURS = ['08:05', '09:10', '10:15', '11:20', '12:25'];

export async function benchSeries(databaseUrl: string, options: { occurrences?: number } = {}): Promise<SeriesBenchResult> {
  const occurrences = options.occurrences ?? 52;
  const server = await startServerProcess(databaseUrl, { FRONTDESK_SEED: 'demo' });
  const sql = new pg.Client({ connectionString: databaseUrl });
  await sql.connect();
  try {
    const token = await loginAt(server.url, 'admin@demo.frontdesk.test', DEMO_PASSWORD, 'bench series');
    const client = clientFor(() => server.url, token);
    const one = async (text: string) => (await sql.query<{ id: string }>(text)).rows[0]!.id;
    const branchId = await one(`SELECT id FROM branch WHERE time_zone = 'America/New_York' ORDER BY name LIMIT 1`);
    const serviceId = await one(`SELECT id FROM service WHERE name = 'Physiotherapy session'`);
    const practitionerId = await one(`SELECT id FROM resource WHERE name = 'Emily Shaw (physio)'`);
    const patients = (await sql.query<{ id: string }>(`SELECT id FROM patient ORDER BY id LIMIT ${HOURS.length}`)).rows.map((r) => r.id);
    // The first Monday at least two weeks ahead (a UTC date; its local day in New York is the same at noon).
    const monday = new Date(Date.now() + 14 * 86_400_000);
    while (monday.getUTCDay() !== 1) monday.setUTCDate(monday.getUTCDate() + 1);
    const date = monday.toISOString().slice(0, 10);
    const check: number[] = [];
    const book: number[] = [];
    const bookedPerRun: number[] = [];
    for (const [i, hhmm] of HOURS.entries()) {
      const plan = {
        branchId,
        serviceId,
        patientId: patients[i]!,
        startsAt: new Date(localMinuteToInstant(date, Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)), 'America/New_York')).toISOString(),
        rule: { frequency: 'WEEKLY' as const, count: occurrences },
        practitionerIds: [practitionerId],
      };
      let started = performance.now();
      await client.series.check.query(plan);
      check.push(performance.now() - started);
      started = performance.now();
      const result = await client.series.book.mutate({ ...plan, mode: 'free' });
      book.push(performance.now() - started);
      bookedPerRun.push(result.outcome === 'booked' ? result.booked.length : 0);
    }
    const overlaps = await sql.query<{ n: number }>(`
      SELECT count(*)::int AS n FROM appointment_resource x JOIN appointment_resource y ON x.resource_id = y.resource_id AND x.appointment_id < y.appointment_id
       WHERE x.active AND y.active AND tstzrange(x.starts_at, x.ends_at, '[)') && tstzrange(y.starts_at, y.ends_at, '[)')`);
    const stat = (xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      return { p50: round(percentile(sorted, 50), 1), max: round(sorted[sorted.length - 1]!, 1) };
    };
    return { occurrences, runs: HOURS.length, checkMs: stat(check), bookMs: stat(book), bookedPerRun, overlapsInSql: overlaps.rows[0]!.n };
  } finally {
    await sql.end();
    await server.kill('SIGTERM');
  }
}
