import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import type { AppointmentView } from '@frontdesk/shared';
import { createPrisma } from '../src/db/prisma.js';
import { databaseUrls, ensureRuntimeRoles } from '../src/db/roles.js';
import { inTransaction } from '../src/db/tx.js';
import { createDeps, type Deps } from '../src/deps.js';
import { startMessageJobs } from '../src/jobs/message-jobs.js';
import { createLogger } from '../src/logger.js';
import { scheduleMessages } from '../src/messages/schedule.js';
import { migrate } from '../src/db/migrate.js';
import { seedDemo } from '../src/seed/demo.js';
import { round } from './stats.js';

// Issue 11: reminders dispatched per second. Appointments are scheduled
// through the same in-transaction hook as a booking (48 h and 2 h reminders,
// email), all made due at once, then sent by the job workers of several
// server processes (pg-boss, a pool each) to a real SMTP server in-process.
// Each message must arrive exactly once.

export interface RemindersBenchResult {
  reminders: number;
  processes: number;
  seconds: number;
  remindersPerSecond: number;
  /** Messages that arrived more than once at the SMTP server (must be 0). */
  duplicates: number;
  /** Reminders not sent when the run ended (must be 0). */
  notSent: number;
}

export async function benchReminders(databaseUrl: string, options: { appointments?: number; processes?: number; log?: (line: string) => void } = {}): Promise<RemindersBenchResult> {
  const log = options.log ?? (() => undefined);
  const count = options.appointments ?? 1000;
  const processes = options.processes ?? 3;
  await migrate(databaseUrl);
  const owner = createPrisma({ url: databaseUrl, poolSize: 2 });
  const demo = await seedDemo(owner, { emailDomain: 'bench-reminders.test', patients: 200 }).finally(() => owner.$disconnect());
  const urls = databaseUrls(databaseUrl);
  await ensureRuntimeRoles(urls);
  const sql = new pg.Client({ connectionString: databaseUrl });
  await sql.connect();
  const seen = new Map<string, number>();
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onData(stream, _session, callback) {
      let head = '';
      stream.on('data', (chunk: Buffer) => {
        if (head.length < 4096) head += chunk.toString('utf8');
      });
      stream.on('end', () => {
        const id = /^Message-ID: *(<[^>]+>)/im.exec(head)?.[1] ?? 'none';
        seen.set(id, (seen.get(id) ?? 0) + 1);
        callback();
      });
    },
  });
  smtp.listen(0, '127.0.0.1');
  await once(smtp.server, 'listening');
  const smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
  const logger = createLogger('silent');
  const all: Deps[] = [];
  const workers: { stop(): Promise<void> }[] = [];
  try {
    await sql.query("UPDATE patient SET email = 'p' || left(id::text, 8) || '@example.test', consent_to_messages = true, preferred_contact = 'email'");
    await sql.query("INSERT INTO message_settings (tenant_id, enabled, reminder_hours, link_secret) VALUES ($1, '{reminder}', '{48,2}', $2)", [demo.tenantId, randomBytes(32)]);
    // Appointments half an hour apart from a fortnight on: no patient or resource twice at once.
    const { rows } = await sql.query<{ id: string; starts_at: Date; patient_id: string }>(
      `INSERT INTO appointment (tenant_id, branch_id, service_id, patient_id, status, starts_at, ends_at, price_cents, created_by)
       SELECT $1, $2, $3, ($4::uuid[])[1 + i % cardinality($4::uuid[])], 'BOOKED', date_trunc('hour', now()) + interval '14 days' + i * interval '30 minutes',
              date_trunc('hour', now()) + interval '14 days' + i * interval '30 minutes' + interval '15 minutes', 0, $5
         FROM generate_series(0, $6 - 1) i
       RETURNING id::text, starts_at, patient_id::text`,
      [demo.tenantId, demo.branches.east, demo.services.gp, demo.patients, demo.staff.admin.id, count],
    );
    const scheduler = createDeps({ urls, logger, poolSize: 4 });
    all.push(scheduler);
    for (let i = 0; i < rows.length; i += 100) {
      const events = rows.slice(i, i + 100).map((r) => {
        const appointment = { id: r.id, branchId: demo.branches.east, status: 'BOOKED', startsAt: r.starts_at.toISOString(), version: 1, patient: { id: r.patient_id } } as unknown as AppointmentView;
        return { type: 'appointment.booked' as const, tenantId: demo.tenantId, branchId: demo.branches.east, aggregateId: r.id, payload: { appointment } };
      });
      await inTransaction(scheduler.db, { tenantId: demo.tenantId }, (tx) => scheduleMessages(tx, events));
    }
    log(`reminders: ${rows.length} appointments scheduled`);
    const reminders = (await sql.query<{ n: number }>("SELECT count(*)::int AS n FROM message WHERE kind LIKE 'reminder_%'")).rows[0]!.n;
    await sql.query("UPDATE pgboss.job SET start_after = now() WHERE name = 'messages'");
    const started = performance.now();
    for (let p = 0; p < processes; p++) {
      const deps = createDeps({ urls, logger, poolSize: 10, messaging: { smtpUrl, from: 'Bench <bench@example.test>', publicUrl: 'http://127.0.0.1:4400' } });
      all.push(deps);
      workers.push(startMessageJobs(deps, { pollingIntervalSeconds: 0.5, batchSize: 25, workers: 2, concurrency: 4 }));
    }
    log(`reminders: ${reminders} due, ${processes} processes sending`);
    let sent = 0;
    const deadline = Date.now() + 10 * 60_000;
    while (Date.now() < deadline) {
      const states = (await sql.query<{ sent: number; open: number }>("SELECT count(*) FILTER (WHERE state = 'sent')::int AS sent, count(*) FILTER (WHERE state IN ('queued', 'sending'))::int AS open FROM message")).rows[0]!;
      sent = states.sent;
      if (states.open === 0) break;
      if (Math.round(performance.now()) % 2000 < 50) log(`reminders: ${sent} sent after ${round((performance.now() - started) / 1000)} s`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = (performance.now() - started) / 1000;
    return {
      reminders,
      processes,
      seconds: round(seconds),
      remindersPerSecond: round(sent / seconds, 1),
      duplicates: [...seen.values()].reduce((n, c) => n + c - 1, 0),
      notSent: reminders - sent,
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop().catch(() => undefined)));
    await Promise.all(all.map((d) => d.db.$disconnect().catch(() => undefined)));
    smtp.close();
    await sql.end();
  }
}
