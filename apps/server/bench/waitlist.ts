import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { localMinuteToInstant } from '@frontdesk/shared';
import { clientFor, loginAt, startServerProcess } from '@frontdesk/server/testing';
import { DEMO_PASSWORD } from '../src/seed/demo.js';
import { percentile, round } from './stats.js';

// Issue 11: the waitlist's match time on a freed slot with 10,000 waiting
// entries. A server process with the demo clinic (its background worker
// matches); a desk books then cancels a cleaning over HTTP, and the clock
// runs from the cancel's answer until the `waitlist.offer` event for that
// freed time is in the log (what every desk's live stream then carries).

export interface WaitlistBenchResult {
  waitingEntries: number;
  runs: number;
  /** Cancel answered → offer event committed, as a desk would see it (includes the worker's wake-up). */
  cancelToOfferMs: { p50: number; p95: number; max: number };
  /** Entries offered per freed time (at most 5: the best-ranked that fit). */
  offersPerFreedTime: number[];
  /** Freed times with no offer (must be 0: each run's time fits entries made for it). */
  missed: number;
}

const NY = 'America/New_York';
const DAY_MS = 86_400_000;

export async function benchWaitlist(databaseUrl: string, options: { entries?: number; runs?: number } = {}): Promise<WaitlistBenchResult> {
  const entries = options.entries ?? 10_000;
  const runs = options.runs ?? 20;
  const server = await startServerProcess(databaseUrl, { FRONTDESK_SEED: 'demo' });
  const sql = new pg.Client({ connectionString: databaseUrl });
  await sql.connect();
  try {
    const token = await loginAt(server.url, 'admin@demo.frontdesk.test', DEMO_PASSWORD, 'bench waitlist');
    const client = clientFor(() => server.url, token);
    const one = async (text: string) => (await sql.query<{ id: string }>(text)).rows[0]!.id;
    const tenantId = await one(`SELECT id FROM tenant ORDER BY created_at LIMIT 1`);
    const east = await one(`SELECT id FROM branch WHERE time_zone = '${NY}' ORDER BY name LIMIT 1`);
    const cleaning = await one(`SELECT id FROM service WHERE name = 'Dental cleaning'`);
    const kim = await one(`SELECT id FROM resource WHERE name = 'Dr Daniel Kim'`);
    const admin = await one(`SELECT id FROM staff WHERE email = 'admin@demo.frontdesk.test'`);
    const services = (await sql.query<{ id: string }>(`SELECT id FROM service ORDER BY name`)).rows.map((r) => r.id);
    const practitioners = (await sql.query<{ id: string }>(`SELECT id FROM resource WHERE kind = 'PRACTITIONER' ORDER BY name`)).rows.map((r) => r.id);
    const branches = (await sql.query<{ id: string }>(`SELECT id FROM branch ORDER BY name`)).rows.map((r) => r.id);
    const patients = (await sql.query<{ id: string }>(`SELECT id FROM patient ORDER BY id`)).rows.map((r) => r.id);

    // 10,000 waiting entries spread over the next 90 days: every service, a practitioner or anyone, a branch or any, times of day, priorities.
    const today = new Date();
    const dateIn = (days: number) => new Date(today.getTime() + days * DAY_MS).toISOString().slice(0, 10);
    const times = [[], ['morning'], ['afternoon'], ['evening'], ['morning', 'afternoon']];
    // A seeded generator: the same list every run, without the patterns of i modulo something.
    let seed = 0x5eed;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    };
    const pick = <T,>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const values: string[] = [];
    const params: unknown[] = [];
    for (let i = 0; i < entries; i++) {
      const from = 1 + Math.floor(random() * 90);
      const span = Math.floor(random() * 15);
      const urgency = random();
      const row = [
        tenantId,
        pick(patients),
        pick(services),
        random() < 0.35 ? [] : [pick(practitioners)],
        random() < 0.5 ? [] : [pick(branches)],
        dateIn(from),
        dateIn(from + span),
        pick(times),
        urgency < 0.1 ? 2 : urgency < 0.3 ? 1 : 0,
        new Date(localMinuteToInstant(dateIn(from + span + 1), 0, NY)),
        admin,
        new Date(today.getTime() - Math.floor(random() * 500) * 3_600_000),
      ];
      values.push(`(${row.map((_, k) => `$${params.length + k + 1}`).join(', ')})`);
      params.push(...row);
      if (values.length === 500 || i === entries - 1) {
        await sql.query(
          `INSERT INTO waitlist_entry (tenant_id, patient_id, service_id, practitioner_ids, branch_ids, from_date, to_date, times_of_day, priority, expires_at, created_by, created_at) VALUES ${values.join(', ')}`,
          params,
        );
        values.length = 0;
        params.length = 0;
      }
    }
    await sql.query('ANALYZE waitlist_entry');

    const waited: number[] = [];
    const offers: number[] = [];
    let missed = 0;
    for (let run = 0; run < runs; run++) {
      // A weekday 20 to 60 days ahead, 14:00 with Dr Kim: a cleaning booked, then cancelled.
      let day = new Date(today.getTime() + (20 + run * 2) * DAY_MS);
      while (day.getUTCDay() === 0 || day.getUTCDay() === 6) day = new Date(day.getTime() + DAY_MS);
      const date = day.toISOString().slice(0, 10);
      const startsAt = new Date(localMinuteToInstant(date, 14 * 60, NY)).toISOString();
      const patientId = patients[(patients.length - 1 - run) % patients.length]!;
      const booked = await client.booking.book.mutate({ branchId: east, serviceId: cleaning, startsAt, resourceIds: [kim], patientId, note: '', idempotencyKey: `bench-waitlist-${randomUUID()}` });
      const before = Number((await sql.query<{ seq: string }>(`SELECT coalesce(max(seq), 0) AS seq FROM event`)).rows[0]!.seq);
      await client.booking.cancel.mutate({ appointmentId: booked.id, version: booked.version, reason: 'Bench: cancelled by phone' });
      const cancelled = performance.now();
      let found: number | null = null;
      while (performance.now() - cancelled < 10_000) {
        const { rows } = await sql.query<{ n: string }>(
          `SELECT count(*) AS n FROM event e, jsonb_array_elements(e.payload -> 'offers') o
            WHERE e.seq > $1 AND e.type = 'waitlist.offer' AND o ->> 'startsAt' = $2`,
          [before, startsAt],
        );
        if (Number(rows[0]!.n) > 0) {
          found = Number(rows[0]!.n);
          break;
        }
        await new Promise((r) => setTimeout(r, 2));
      }
      if (found === null) {
        missed++;
        continue;
      }
      waited.push(performance.now() - cancelled);
      offers.push(found);
    }
    const sorted = [...waited].sort((a, b) => a - b);
    return {
      waitingEntries: entries,
      runs,
      cancelToOfferMs: { p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), max: round(sorted.at(-1) ?? Number.NaN) },
      offersPerFreedTime: offers,
      missed,
    };
  } finally {
    await sql.end();
    await server.kill('SIGTERM');
  }
}
